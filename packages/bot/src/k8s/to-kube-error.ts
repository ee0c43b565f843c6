// Pure mapping of whatever a Kubernetes call threw (client-node ApiException, undici fetch error,
// AbortSignal timeout, client-node configuration error) to one KubeError that names the verb and
// resource, so a 403 says exactly which RBAC rule the ServiceAccount lacks.
import { codeForStatus, KubeError, type KubeErrorCode } from "./errors.ts";

/** What the failed call was doing. */
export type KubeCall = {
  verb: string; // get, list, create, patch, delete
  resource: string; // pods, pods/eviction, deployments.apps, pods/proxy, pods.metrics.k8s.io, events
  namespace: string | null;
  name: string | null;
  timeoutMs?: number;
};

/** The parts of a metav1.Status body we use. */
export type ApiStatus = { message: string | null; reason: string | null; causes: string[] };

const MAX_TEXT = 300;

/** Parses a Status body (JSON text, a Buffer or an already parsed object); null when it is not one. */
export function parseStatus(body: unknown): ApiStatus | null {
  let value: unknown = body;
  if (Buffer.isBuffer(value)) value = value.toString("utf8");
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.kind !== "Status" && typeof v.message !== "string") return null;
  const details = (typeof v.details === "object" && v.details !== null ? v.details : {}) as Record<
    string,
    unknown
  >;
  const causes = Array.isArray(details.causes) ? details.causes : [];
  return {
    message: typeof v.message === "string" && v.message !== "" ? v.message : null,
    reason: typeof v.reason === "string" && v.reason !== "" ? v.reason : null,
    causes: causes
      .map((c) => (typeof c === "object" && c !== null ? (c as Record<string, unknown>).message : undefined))
      .filter((m): m is string => typeof m === "string" && m !== ""),
  };
}

/** Status.message plus any cause messages (a PDB refusal explains itself in its causes). */
export function apiMessageOf(body: unknown): string | null {
  const status = parseStatus(body);
  if (status) {
    const main = status.message ?? status.reason;
    const extra = status.causes.filter((c) => c !== main);
    if (extra.length === 0) return main;
    return main === null ? extra.join("; ") : `${main} (${extra.join("; ")})`;
  }
  const text = Buffer.isBuffer(body) ? body.toString("utf8") : typeof body === "string" ? body : "";
  const trimmed = text.trim();
  if (trimmed === "") return null;
  return trimmed.length > MAX_TEXT ? `${trimmed.slice(0, MAX_TEXT)}…` : trimmed;
}

/** A KubeError for an HTTP error status answered by the API server. */
export function kubeErrorFromStatus(
  status: number,
  body: unknown,
  call: KubeCall,
  cause?: unknown,
): KubeError {
  return new KubeError(
    {
      code: codeForStatus(status, call.resource),
      status,
      verb: call.verb,
      resource: call.resource,
      namespace: call.namespace,
      name: call.name,
      apiMessage: apiMessageOf(body),
    },
    { cause },
  );
}

type ErrorLike = { name?: unknown; message?: unknown; code?: unknown; cause?: unknown; errors?: unknown };

/** Error codes along the cause chain (undici wraps socket errors: TypeError("fetch failed").cause). */
function codesOf(err: unknown, depth = 0): string[] {
  if (typeof err !== "object" || err === null || depth > 5) return [];
  const e = err as ErrorLike;
  const own = typeof e.code === "string" ? [e.code] : [];
  const nested = Array.isArray(e.errors) ? e.errors.flatMap((x) => codesOf(x, depth + 1)) : [];
  return [...own, ...nested, ...codesOf(e.cause, depth + 1)];
}

function messagesOf(err: unknown, depth = 0): string[] {
  if (typeof err !== "object" || err === null || depth > 5) return [];
  const e = err as ErrorLike;
  const own = typeof e.message === "string" && e.message !== "" ? [e.message] : [];
  return [...own, ...messagesOf(e.cause, depth + 1)];
}

const TIMEOUT_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
]);
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);
const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_)/;

function isApiException(err: unknown): err is { code: number; body: unknown } {
  if (typeof err !== "object" || err === null) return false;
  const e = err as ErrorLike & { body?: unknown };
  return typeof e.code === "number" && e.code >= 100 && e.code < 600 && "body" in e;
}

function plain(code: KubeErrorCode, call: KubeCall, apiMessage: string | null, cause: unknown): KubeError {
  return new KubeError(
    {
      code,
      status: null,
      verb: call.verb,
      resource: call.resource,
      namespace: call.namespace,
      name: call.name,
      apiMessage,
    },
    { cause },
  );
}

/** Maps anything a Kubernetes call threw to a KubeError (a KubeError is returned unchanged). */
export function toKubeError(err: unknown, call: KubeCall): KubeError {
  if (err instanceof KubeError) return err;
  if (isApiException(err)) return kubeErrorFromStatus(err.code, err.body, call, err);

  const name = typeof err === "object" && err !== null ? (err as ErrorLike).name : undefined;
  const codes = codesOf(err);
  const messages = messagesOf(err);
  const detail = messages.at(-1) ?? String(err);

  if (name === "TimeoutError" || codes.some((c) => TIMEOUT_CODES.has(c))) {
    const within =
      call.timeoutMs === undefined ? "no response in time" : `no response within ${call.timeoutMs} ms`;
    return plain("timeout", call, within, err);
  }
  if (name === "AbortError") return plain("timeout", call, "the request was cancelled", err);

  const tls = codes.find((c) => TLS_CODE.test(c));
  if (tls) {
    return plain(
      "network",
      call,
      `TLS failure ${tls}: ${detail}; check certificate-authority and the server name in the kubeconfig`,
      err,
    );
  }
  if (codes.some((c) => NETWORK_CODES.has(c))) return plain("network", call, detail, err);

  // client-node configuration problems surface only when the first request is built.
  const all = messages.join(" | ");
  if (/HTTP protocol is not allowed when skipTLSVerify/.test(all)) {
    return plain(
      "config",
      call,
      "the cluster server is plain http:// and client-node 2 refuses that unless the cluster sets insecure-skip-tls-verify: true",
      err,
    );
  }
  if (/No active cluster/.test(all))
    return plain("config", call, "the current context names no cluster", err);
  if (codes.includes("ENOENT") || codes.includes("EACCES")) {
    return plain("config", call, `a file named in the kubeconfig cannot be read: ${detail}`, err);
  }
  return plain("server", call, detail, err);
}
