// Why a memory history could not be read. Every message says what to check.

export type MetricsSourceErrorCode =
  /** Connection refused, DNS failure, TLS error: Prometheus is down or the URL is wrong. */
  | "unreachable"
  | "timeout"
  /** A non-2xx answer that is not a Prometheus API error (a proxy's 502, an HTML page). */
  | "http"
  /** A 2xx answer that is not the Prometheus API's JSON (wrong URL, unexpected result type). */
  | "bad-response"
  /** Prometheus answered status "error" (bad_data, timeout, execution, unavailable, ...). */
  | "query-error";

export class MetricsSourceError extends Error {
  override readonly name = "MetricsSourceError";
  readonly code: MetricsSourceErrorCode;
  /** HTTP status, when there was an answer. */
  readonly status: number | null;
  /** Prometheus' errorType for "query-error" (e.g. "bad_data"). */
  readonly errorType: string | null;
  constructor(
    code: MetricsSourceErrorCode,
    message: string,
    details: { status?: number | null; errorType?: string | null; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status ?? null;
    this.errorType = details.errorType ?? null;
  }
}
