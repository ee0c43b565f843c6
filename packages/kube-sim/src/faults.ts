// Fault injection for tests of the bot: make chosen requests fail with real-looking Status errors,
// slow down, or (for the pod proxy) answer like a broken app. Also the server-wide switches:
// latency on every request and whether metrics.k8s.io exists.
import type { RequestInfo } from "./request-info.ts";
import { rbacResource } from "./request-info.ts";
import {
  ApiError,
  conflict,
  failure,
  forbidden,
  internalError,
  notFound,
  reasonForCode,
  type StatusBody,
  serviceUnavailable,
  tooManyRequests,
  unauthorized,
} from "./status.ts";

/** The identity the bot's worker runs as; 403 messages name it like the real authorizer. */
export const WORKER_USER = "system:serviceaccount:rdev:rdev-chatops";

export type FaultSpec = {
  /** HTTP method to match (GET, POST, PATCH, DELETE ...); any when omitted. */
  method?: string;
  /** Tested against the URL path (no query string), e.g. /\/pods$/ or /\/proxy\/metrics$/. */
  path: RegExp;
  /** Answer with this status; omit for a delay-only fault (the request then proceeds). */
  status?: number;
  /** How many matching requests it applies to (default: all). */
  times?: number;
  /** Delay before answering (or before proceeding), in real milliseconds. */
  delayMs?: number;
  /** Status.message; by default the real API server's wording for the status. */
  message?: string;
  /** Status.reason; by default the one the API server uses for the status code. */
  reason?: string;
  /** A raw body instead of a Status (for pod proxy faults: what the app itself answers). */
  body?: string | Buffer;
  contentType?: string;
};

export type FaultHandle = { readonly id: number; readonly hits: number; remove(): void };

type Fault = FaultSpec & { id: number; hits: number; remaining: number };

export type ProxyFaultSpec = Omit<FaultSpec, "path" | "method"> & {
  /** Pod name (exact) or pattern. */
  pod: string | RegExp;
  /** Proxied path such as "/metrics"; any when omitted. */
  proxyPath?: string;
};

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export class Faults {
  /** Added to every request, in real milliseconds (a slow API server). */
  latencyMs: number;
  /** false: the cluster has no metrics-server (metrics.k8s.io answers 404, discovery omits it). */
  metricsApi: boolean;
  /** false: Traefik's CRDs are not installed (traefik.io answers 404, discovery omits it). */
  traefikCrds: boolean;
  #next = 1;
  #faults: Fault[] = [];

  constructor(options: { latencyMs?: number; metricsApi?: boolean; traefikCrds?: boolean } = {}) {
    this.latencyMs = options.latencyMs ?? 0;
    this.metricsApi = options.metricsApi ?? true;
    this.traefikCrds = options.traefikCrds ?? true;
  }

  add(spec: FaultSpec): FaultHandle {
    if (!(spec.path instanceof RegExp)) throw new TypeError("fault path must be a RegExp, e.g. /\\/pods$/");
    if (spec.status !== undefined && (spec.status < 100 || spec.status > 599))
      throw new RangeError(`fault status ${spec.status} is not an HTTP status`);
    const fault: Fault = {
      ...spec,
      id: this.#next++,
      hits: 0,
      remaining: spec.times ?? Number.POSITIVE_INFINITY,
    };
    this.#faults.push(fault);
    const faults = this;
    return {
      id: fault.id,
      get hits() {
        return fault.hits;
      },
      remove() {
        faults.#faults = faults.#faults.filter((f) => f !== fault);
      },
    };
  }

  /** A fault on one pod's proxy (a slow or failing /metrics, /ready or pprof endpoint). */
  proxy(spec: ProxyFaultSpec): FaultHandle {
    const pod = typeof spec.pod === "string" ? escapeRegExp(spec.pod) : spec.pod.source;
    const sub = spec.proxyPath ? escapeRegExp(spec.proxyPath) : "(/.*)?";
    const { pod: _p, proxyPath: _pp, ...rest } = spec;
    return this.add({ ...rest, path: new RegExp(`/pods/(https?:)?(${pod})(:[^/]+)?/proxy${sub}$`) });
  }

  clear(): void {
    this.#faults = [];
  }

  get active(): readonly Readonly<Fault>[] {
    return this.#faults;
  }

  /** The first live fault matching this request (counted as a hit), or null. */
  match(method: string, path: string): Readonly<Fault> | null {
    const f = this.#faults.find(
      (x) =>
        x.remaining > 0 &&
        (!x.method || x.method.toUpperCase() === method.toUpperCase()) &&
        x.path.test(path),
    );
    if (!f) return null;
    f.hits += 1;
    f.remaining -= 1;
    return f;
  }
}

/** The Status error a fault answers with, worded like the real API server for `info`. */
export function faultError(f: FaultSpec & { status: number }, info: RequestInfo): ApiError {
  const gr = { group: info.apiGroup, resource: rbacResource(info) };
  const name = info.name || null;
  let err: ApiError;
  switch (f.status) {
    case 401:
      err = unauthorized();
      break;
    case 403: {
      const scope = info.namespace ? `in the namespace "${info.namespace}"` : "at the cluster scope";
      err = forbidden(
        { group: info.apiGroup, resource: info.resource || info.path },
        name,
        `User "${WORKER_USER}" cannot ${info.verb} resource "${gr.resource}" in API group "${info.apiGroup}" ${scope}`,
      );
      break;
    }
    case 404:
      err = notFound({ group: info.apiGroup, resource: info.resource }, name ?? "");
      break;
    case 409:
      err = conflict(
        { group: info.apiGroup, resource: info.resource },
        name ?? "",
        "the object has been modified; please apply your changes to the latest version and try again",
      );
      break;
    case 429:
      err = tooManyRequests("Too many requests, please try again later.", { retryAfterSeconds: 1 });
      break;
    case 500:
      err = internalError("injected fault");
      break;
    case 503:
      err = serviceUnavailable("the server is currently unable to handle the request");
      break;
    case 504:
      err = failure(
        504,
        "Timeout",
        "the server was unable to return a response in the time allotted, but may still be processing the request",
      );
      break;
    default:
      err = failure(f.status, reasonForCode(f.status), `injected fault: HTTP ${f.status}`);
  }
  if (!f.message && !f.reason) return err;
  const body: StatusBody = {
    ...err.body,
    ...(f.message ? { message: f.message } : {}),
    ...(f.reason ? { reason: f.reason } : {}),
  };
  return new ApiError(body);
}
