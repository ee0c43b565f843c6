// Memory history from Prometheus: GET /api/v1/query_range for the working set and the memory
// limit of the target container, one series per pod.
import type { MemorySeries } from "./chart-types.ts";
import { MetricsSourceError } from "./errors.ts";
import { type LimitSample, limitChanges } from "./limit-events.ts";
import { Matrix, PrometheusResponse, sampleValue } from "./prometheus-response.ts";
import { memoryLimitQuery, type RangeParams, rangeParams, workingSetQuery } from "./promql.ts";
import type { MemoryHistory, MemoryHistorySource, MemoryTarget, MemoryWindow } from "./types.ts";

export type PrometheusRangeSourceOptions = {
  /** e.g. http://prometheus-k8s.monitoring.svc:9090 (a path prefix such as /prometheus is kept). */
  baseUrl: string;
  target: MemoryTarget;
  fetch?: typeof fetch;
  /** Per request (default 10 000 ms). */
  timeoutMs?: number;
  /** Sent with every request, e.g. { authorization: "Bearer ..." }. */
  headers?: Record<string, string>;
};

const UNLABELLED_POD = "(no pod label)";

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

const snippet = (text: string) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}...` : flat;
};

/** The URL of /api/v1/query_range under `baseUrl`. */
export function queryRangeUrl(baseUrl: string, query: string, range: RangeParams): URL {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  const url = new URL("api/v1/query_range", base);
  url.searchParams.set("query", query);
  url.searchParams.set("start", String(range.startS));
  url.searchParams.set("end", String(range.endS));
  url.searchParams.set("step", `${range.stepS}s`);
  return url;
}

/** A successful response's matrix; every other answer is a MetricsSourceError saying why. */
export function parseQueryRangeResponse(where: string, status: number, body: string): Matrix {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const parsed = PrometheusResponse.safeParse(json);
  if (parsed.success && parsed.data.status === "error") {
    const { errorType, error } = parsed.data;
    throw new MetricsSourceError("query-error", `Prometheus rejected the query (${errorType}): ${error}`, {
      status,
      errorType,
    });
  }
  if (status < 200 || status > 299) {
    throw new MetricsSourceError(
      "http",
      `Prometheus at ${where} answered HTTP ${status}: ${snippet(body) || "(empty body)"}`,
      { status },
    );
  }
  if (!parsed.success || parsed.data.status !== "success") {
    throw new MetricsSourceError(
      "bad-response",
      `${where} did not answer like the Prometheus HTTP API (is the URL Prometheus' own?): ${snippet(body) || "(empty body)"}`,
      { status },
    );
  }
  const { resultType, result } = parsed.data.data;
  const matrix = Matrix.safeParse(result);
  if (resultType !== "matrix" || !matrix.success) {
    throw new MetricsSourceError(
      "bad-response",
      `Prometheus at ${where} answered a ${resultType} where query_range returns a matrix`,
      { status },
    );
  }
  return matrix.data;
}

/** Working-set series by pod (sorted by name); NaN/Inf samples dropped. */
export function matrixToSeries(matrix: Matrix): MemorySeries[] {
  return matrix
    .map((s) => ({
      pod: s.metric.pod ?? UNLABELLED_POD,
      points: s.values.flatMap(([ts, v]) => {
        const bytes = sampleValue(v);
        return bytes === null ? [] : [{ t: Math.round(ts * 1000), bytes }];
      }),
    }))
    .sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0));
}

export function matrixToLimitSamples(matrix: Matrix): LimitSample[] {
  return matrix.flatMap((s) =>
    s.values.flatMap(([ts, v]) => {
      const bytes = sampleValue(v);
      return bytes === null ? [] : [{ t: Math.round(ts * 1000), pod: s.metric.pod ?? UNLABELLED_POD, bytes }];
    }),
  );
}

export function prometheusRangeSource(options: PrometheusRangeSourceOptions): MemoryHistorySource {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const where = options.baseUrl;

  async function queryRange(query: string, range: RangeParams, signal?: AbortSignal): Promise<Matrix> {
    const url = queryRangeUrl(options.baseUrl, query, range);
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let body: string;
    try {
      response = await fetchFn(url, {
        headers: { accept: "application/json", ...options.headers },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      body = await response.text();
    } catch (error) {
      if (signal?.aborted) throw error;
      if (timeout.aborted) {
        throw new MetricsSourceError(
          "timeout",
          `Prometheus at ${where} did not answer within ${timeoutMs} ms`,
          {
            cause: error,
          },
        );
      }
      throw new MetricsSourceError(
        "unreachable",
        `cannot reach Prometheus at ${where} (${describe(error)}): check the URL and that Prometheus is running`,
        { cause: error },
      );
    }
    return parseQueryRangeResponse(where, response.status, body);
  }

  return {
    async memoryHistory(window: MemoryWindow, callOptions = {}): Promise<MemoryHistory> {
      const range = rangeParams(window.endMs, window.windowMs, window.maxPoints);
      const [usage, limits] = await Promise.all([
        queryRange(workingSetQuery(options.target), range, callOptions.signal),
        queryRange(memoryLimitQuery(options.target), range, callOptions.signal),
      ]);
      const { limitBytes, events } = limitChanges(matrixToLimitSamples(limits));
      return {
        series: matrixToSeries(usage),
        limitBytes,
        events,
        startMs: range.startS * 1000,
        endMs: range.endS * 1000,
        stepMs: range.stepS * 1000,
      };
    },
  };
}
