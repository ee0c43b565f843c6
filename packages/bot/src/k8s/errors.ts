// Typed Kubernetes API errors that say what to do.

export const KubeErrorCode = {
  unauthorized: "unauthorized", // 401: credentials rejected
  forbidden: "forbidden", // 403: RBAC denies verb on resource
  notFound: "not_found", // 404
  conflict: "conflict", // 409: resourceVersion / UID precondition failed
  invalid: "invalid", // 422: the API server rejected the object or patch
  pdbBlocked: "pdb_blocked", // 429 on eviction: a PodDisruptionBudget forbids it now
  throttled: "throttled", // 429 elsewhere
  server: "server", // 5xx
  timeout: "timeout", // no answer in time
  network: "network", // connection refused, DNS, TLS
  config: "config", // no usable kubeconfig
} as const;
export type KubeErrorCode = (typeof KubeErrorCode)[keyof typeof KubeErrorCode];

export type KubeErrorDetails = {
  code: KubeErrorCode;
  status: number | null;
  verb: string; // get, list, create, patch, delete
  resource: string; // e.g. "pods", "pods/eviction", "deployments.apps", "pods/proxy"
  namespace: string | null;
  name: string | null;
  apiMessage: string | null; // Status.message from the API server, or the local detail (socket error, timeout, config)
};

/** Transient errors are worth retrying with backoff; the rest need a human to fix something. */
export function isTransient(code: KubeErrorCode): boolean {
  return (
    code === "server" ||
    code === "timeout" ||
    code === "network" ||
    code === "throttled" ||
    code === "conflict"
  );
}

export class KubeError extends Error {
  override readonly name = "KubeError";
  readonly code: KubeErrorCode;
  readonly status: number | null;
  readonly verb: string;
  readonly resource: string;
  readonly namespace: string | null;
  readonly resourceName: string | null;
  readonly apiMessage: string | null;
  readonly transient: boolean;

  constructor(details: KubeErrorDetails, options?: { cause?: unknown }) {
    super(describe(details), options);
    this.code = details.code;
    this.status = details.status;
    this.verb = details.verb;
    this.resource = details.resource;
    this.namespace = details.namespace;
    this.resourceName = details.name;
    this.apiMessage = details.apiMessage;
    this.transient = isTransient(details.code);
  }
}

function target(d: KubeErrorDetails): string {
  const where = d.namespace ? ` in namespace "${d.namespace}"` : "";
  return `${d.resource}${d.name ? `/${d.name}` : ""}${where}`;
}

/** One sentence of what happened and one of what to do. Pure, so it is table-tested. */
export function describe(d: KubeErrorDetails): string {
  const api = d.apiMessage ? ` (API server: ${d.apiMessage})` : "";
  switch (d.code) {
    case "unauthorized":
      return `Kubernetes rejected the credentials when trying to ${d.verb} ${target(d)}${api}. Check the kubeconfig or the ServiceAccount token.`;
    case "forbidden":
      return `Forbidden: the ServiceAccount may not "${d.verb}" "${d.resource}"${d.namespace ? ` in namespace "${d.namespace}"` : ""}${api}. Grant verb "${d.verb}" on resource "${d.resource}" in the worker's Role.`;
    case "not_found":
      return `Not found: ${target(d)}${api}. Check the namespace and names in the configuration; a pod may have been replaced.`;
    case "conflict":
      return `Conflict on ${target(d)}${api}: the object changed since it was read (or its UID no longer matches). Re-read and retry; a replaced pod is left alone.`;
    case "invalid":
      return `The API server rejected the change to ${target(d)} as invalid${api}. Fix the value and try again.`;
    case "pdb_blocked":
      return `Eviction of ${target(d)} is blocked by a PodDisruptionBudget${api}. Try a rolling restart, or wait until more replicas are ready.`;
    case "throttled":
      return `The API server is throttling requests (429) for ${target(d)}${api}. Retry after a short wait.`;
    case "server":
      return `The API server failed (${d.status ?? "5xx"}) on ${d.verb} ${target(d)}${api}. Retry; if it persists, check the control plane.`;
    case "timeout":
      return `No answer from the API server in time for ${d.verb} ${target(d)}${d.apiMessage ? ` (${d.apiMessage})` : ""}. Retry; check network and API server load.`;
    case "network":
      return `Could not reach the Kubernetes API server to ${d.verb} ${target(d)}${d.apiMessage ? ` (${d.apiMessage})` : ""}. Check the server address in the kubeconfig and network access.`;
    case "config":
      return `No usable Kubernetes configuration${d.apiMessage ? `: ${d.apiMessage}` : ""}. Set KUBECONFIG to a kubeconfig file (or a ":"-separated list), or run in a pod with a ServiceAccount.`;
  }
}

/** Maps an HTTP status to an error code (eviction 429 means a PDB refusal). */
export function codeForStatus(status: number, resource: string): KubeErrorCode {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 400 || status === 422) return "invalid";
  if (status === 429) return resource === "pods/eviction" ? "pdb_blocked" : "throttled";
  if (status === 408 || status === 504) return "timeout";
  return "server";
}
