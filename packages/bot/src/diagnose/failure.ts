// Short, row-sized reasons for a failed call, and report-level notes that say what to do. Pure.
import { KubeError } from "../k8s/errors.ts";
import { TimeoutError } from "./limit.ts";

/** "timed out after 5000 ms", "HTTP 503 server: ...", "connection refused"... for "unavailable: <reason>". */
export function describeFailure(error: unknown): string {
  if (error instanceof TimeoutError) return `timed out after ${error.timeoutMs} ms`;
  if (error instanceof KubeError) {
    const status = error.status === null ? "" : `HTTP ${error.status} `;
    return `${status}${error.code}${error.apiMessage ? `: ${error.apiMessage}` : ""}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The message for a report-level note or error: a KubeError already says what to do. */
export function explainFailure(error: unknown): { code: string; message: string } {
  if (error instanceof KubeError) return { code: error.code, message: error.message };
  if (error instanceof TimeoutError) {
    return {
      code: "timeout",
      message: `${error.message}. Check the API server's load and network, or raise DIAG_TIMEOUT_MS.`,
    };
  }
  return { code: "unexpected", message: error instanceof Error ? error.message : String(error) };
}

/** metrics.k8s.io failures: a 404 means metrics-server is missing, which is common and harmless. */
export function metricsUnavailableNote(error: unknown): { message: string; terms: string[] } {
  if (error instanceof KubeError && error.code === "not_found") {
    return {
      message:
        "metrics-server not installed (metrics.k8s.io answered 404), so memory usage is unknown. Install metrics-server: kubectl top needs it too.",
      terms: ["kubectl top", "metrics.k8s.io"],
    };
  }
  return { message: `Memory usage unknown: ${explainFailure(error).message}`, terms: [] };
}
