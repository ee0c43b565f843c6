// Runs one Kubernetes API request through client-node with a timeout, an optional Content-Type
// override (client-node 2 sends JSON patch unless told otherwise), the HTTP status captured for
// the onRequest hook, and every failure turned into a KubeError.
import { type ConfigurationOptions, Observable, type ObservableMiddleware } from "@kubernetes/client-node";
import type { KubeErrorCode } from "./errors.ts";
import { type KubeCall, toKubeError } from "./to-kube-error.ts";
import type { CallOptions } from "./types.ts";

/** One finished API request, for metrics and logs. status is null when no HTTP answer came. */
export type RequestInfo = {
  verb: string;
  resource: string;
  namespace: string | null;
  status: number | null;
  ms: number;
  code: KubeErrorCode | null; // null on success
};

export type RunnerOptions = {
  timeoutMs: number;
  onRequest?: (info: RequestInfo) => void;
  /** Monotonic milliseconds for measuring latency. */
  now?: () => number;
};

export type RunContext = {
  /** Pass to the client-node method as its `options` argument. */
  configuration: ConfigurationOptions;
  signal: AbortSignal;
  /** For raw requests that bypass client-node's middleware. */
  recordStatus: (status: number) => void;
};

export type RunOptions = CallOptions & { contentType?: string };

export type Runner = <T>(
  call: KubeCall,
  run: (ctx: RunContext) => Promise<T>,
  options?: RunOptions,
) => Promise<T>;

/** The signal that ends a call: its timeout, or the caller's own signal, whichever comes first. */
export function callSignal(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([timeout, signal]) : timeout;
}

export function createRunner(options: RunnerOptions): Runner {
  const now = options.now ?? (() => performance.now());
  return async (call, run, callOptions = {}) => {
    const timeoutMs = callOptions.timeoutMs ?? options.timeoutMs;
    const signal = callSignal(timeoutMs, callOptions.signal);
    let status: number | null = null;
    const middleware: ObservableMiddleware = {
      pre: (request) => {
        request.setSignal(signal);
        if (callOptions.contentType) request.setHeaderParam("Content-Type", callOptions.contentType);
        return new Observable(Promise.resolve(request));
      },
      post: (response) => {
        status = response.httpStatusCode;
        return new Observable(Promise.resolve(response));
      },
    };
    const configuration: ConfigurationOptions = {
      middleware: [middleware],
      middlewareMergeStrategy: "append",
    };
    const report = (code: KubeErrorCode | null, finalStatus: number | null) =>
      options.onRequest?.({
        verb: call.verb,
        resource: call.resource,
        namespace: call.namespace,
        status: finalStatus,
        ms: now() - start,
        code,
      });
    const start = now();
    try {
      const value = await run({ configuration, signal, recordStatus: (s) => (status = s) });
      report(null, status);
      return value;
    } catch (err) {
      const error = toKubeError(err, { ...call, timeoutMs });
      report(error.code, error.status ?? status);
      throw error;
    }
  };
}
