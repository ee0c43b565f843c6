// An honest in-memory Cluster for unit tests: it returns the PodInfo, PodMetrics, events and proxy
// answers it is given, filters like the API server (label and field selectors), records every call,
// and can be told to fail or hang a call. Hung calls end only when the caller's signal aborts.
import { KubeError, type KubeErrorCode } from "@rdev/bot/k8s/errors.ts";
import type {
  CallOptions,
  Cluster,
  ClusterEvent,
  ContainerInfo,
  DeploymentInfo,
  IngressInfo,
  IngressRouteInfo,
  PodInfo,
  PodLog,
  PodLogOptions,
  PodMetrics,
  ProxyOptions,
  ProxyResponse,
  ReplicaSetInfo,
  RestoreRequest,
  RollbackResult,
  ServersTransportInfo,
} from "@rdev/bot/k8s/types.ts";

export type Method = keyof Cluster;
export type Call = { method: Method; args: unknown[] };
type Fault = {
  method: Method;
  match?: (args: unknown[]) => boolean;
  error?: unknown;
  hang?: boolean;
  times: number;
};

export const MI = 1024 ** 2;

export function kubeError(
  code: KubeErrorCode,
  status: number,
  verb: string,
  resource: string,
  apiMessage: string,
) {
  return new KubeError({ code, status, verb, resource, namespace: "rdev", name: null, apiMessage });
}

export function container(overrides: Partial<ContainerInfo> = {}): ContainerInfo {
  return {
    name: "rdev-api",
    image: "registry.example/rdev-api:1.0.0",
    memoryLimitBytes: 512 * MI,
    memoryRequestBytes: 256 * MI,
    restartCount: 0,
    ready: true,
    state: "running",
    stateReason: null,
    startedAt: new Date("2026-11-26T00:00:00Z"),
    lastTerminated: null,
    env: {},
    ...overrides,
  };
}

export function pod(
  name: string,
  overrides: Partial<PodInfo> & { container?: Partial<ContainerInfo> } = {},
): PodInfo {
  const { container: c, ...rest } = overrides;
  return {
    namespace: "rdev",
    name,
    uid: `uid-${name}`,
    nodeName: "node-1",
    phase: "Running",
    ready: true,
    createdAt: new Date("2026-11-26T00:00:00Z"),
    deletionTimestamp: null,
    labels: { app: "rdev-api" },
    ownerReplicaSet: "rdev-api-7c9f8",
    containers: [container(c)],
    ...rest,
  };
}

export function usage(name: string, memoryBytes: number, containerName = "rdev-api"): PodMetrics {
  return {
    namespace: "rdev",
    name,
    timestamp: new Date("2026-11-26T03:00:00Z"),
    windowSeconds: 15,
    containers: [{ name: containerName, memoryBytes, cpuNanoCores: 1e8 }],
  };
}

export type AppFigures = Partial<{
  sse: number;
  commands: number;
  outputBuffered: number;
  cacheEntries: number;
  cacheBytes: number;
  heapInuse: number;
  goroutines: number;
}>;

/** A /metrics page as rdev-api serves it (Prometheus text format 0.0.4). */
export function metricsText(f: AppFigures): string {
  const lines: string[] = [];
  const gauge = (name: string, value: number | undefined) => {
    if (value === undefined) return;
    lines.push(`# HELP ${name} ${name}`, `# TYPE ${name} gauge`, `${name} ${value}`);
  };
  gauge("sse_connections_active", f.sse);
  gauge("commands_active", f.commands);
  gauge("rdev_command_output_buffered_bytes", f.outputBuffered);
  gauge("rdev_cache_entries", f.cacheEntries);
  gauge("rdev_cache_bytes", f.cacheBytes);
  gauge("go_memstats_heap_inuse_bytes", f.heapInuse);
  gauge("go_goroutines", f.goroutines);
  return `${lines.join("\n")}\n`;
}

const ok = (body: string | Buffer, contentType = "text/plain; version=0.0.4"): ProxyResponse => ({
  status: 200,
  contentType,
  body: typeof body === "string" ? Buffer.from(body) : body,
});

function matchesLabels(labels: Record<string, string>, selector: string): boolean {
  return selector
    .split(",")
    .filter(Boolean)
    .every((term) => {
      const [key, value] = term.split(/!=|==|=/) as [string, string];
      return term.includes("!=") ? labels[key] !== value : labels[key] === value;
    });
}

function matchesFields(e: ClusterEvent, selector: string | undefined): boolean {
  if (!selector) return true;
  const fields: Record<string, string> = {
    "involvedObject.kind": e.involvedObject.kind,
    "involvedObject.name": e.involvedObject.name,
    reason: e.reason,
    type: e.type,
  };
  return selector.split(",").every((term) => {
    const [key, value] = term.split("=") as [string, string];
    return fields[key] === value;
  });
}

export class FakeCluster implements Cluster {
  pods: PodInfo[] = [];
  metrics: PodMetrics[] = [];
  events: ClusterEvent[] = [];
  /** Per pod name: its /metrics text. */
  appMetrics = new Map<string, string>();
  /** Per pod name: /ready status (200 by default). */
  readyStatus = new Map<string, number>();
  heapProfile: Buffer | null = null;
  /** Per pod name (and `${name} previous` for the terminated container): its log text. */
  logs = new Map<string, string>();
  ingresses: IngressInfo[] = [];
  ingressRoutes: IngressRouteInfo[] = [];
  serversTransports: ServersTransportInfo[] = [];
  replicaSets: ReplicaSetInfo[] = [];
  /** Awaited inside every proxyGet, e.g. to let concurrent calls pile up. */
  proxyPause: () => Promise<void> = async () => {};
  /** The most proxyGet calls that were in progress at once. */
  peakProxyInFlight = 0;
  #proxyInFlight = 0;
  readonly calls: Call[] = [];
  readonly #faults: Fault[] = [];

  /** Make calls to `method` (whose args satisfy `match`) throw `error`, `times` times (default: always). */
  fail(
    method: Method,
    error: unknown,
    options: { match?: (args: unknown[]) => boolean; times?: number } = {},
  ) {
    this.#faults.push({
      method,
      error,
      match: options.match,
      times: options.times ?? Number.POSITIVE_INFINITY,
    });
    return this;
  }

  /** Make calls to `method` never answer; they reject only when the caller's signal aborts. */
  hang(method: Method, options: { match?: (args: unknown[]) => boolean; times?: number } = {}) {
    this.#faults.push({
      method,
      hang: true,
      match: options.match,
      times: options.times ?? Number.POSITIVE_INFINITY,
    });
    return this;
  }

  count(method: Method): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  async #enter(method: Method, args: unknown[], signal?: AbortSignal): Promise<void> {
    this.calls.push({ method, args });
    const fault = this.#faults.find((f) => f.method === method && f.times > 0 && (!f.match || f.match(args)));
    if (!fault) return;
    fault.times -= 1;
    if (fault.hang) {
      await new Promise((_, reject) => {
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    }
    throw fault.error;
  }

  async listPods(namespace: string, labelSelector: string, options?: CallOptions): Promise<PodInfo[]> {
    await this.#enter("listPods", [namespace, labelSelector], options?.signal);
    return this.pods.filter((p) => p.namespace === namespace && matchesLabels(p.labels, labelSelector));
  }

  async podMetrics(namespace: string, labelSelector: string, options?: CallOptions): Promise<PodMetrics[]> {
    await this.#enter("podMetrics", [namespace, labelSelector], options?.signal);
    const names = new Set(
      this.pods
        .filter((p) => p.namespace === namespace && matchesLabels(p.labels, labelSelector))
        .map((p) => p.name),
    );
    return this.metrics.filter((m) => m.namespace === namespace && names.has(m.name));
  }

  async listEvents(
    namespace: string | null,
    fieldSelector?: string,
    options?: CallOptions,
  ): Promise<ClusterEvent[]> {
    await this.#enter("listEvents", [namespace, fieldSelector], options?.signal);
    return this.events.filter(
      (e) => (namespace === null || e.namespace === namespace) && matchesFields(e, fieldSelector),
    );
  }

  async proxyGet(
    namespace: string,
    podName: string,
    port: number,
    path: string,
    options?: ProxyOptions,
  ): Promise<ProxyResponse> {
    this.#proxyInFlight += 1;
    this.peakProxyInFlight = Math.max(this.peakProxyInFlight, this.#proxyInFlight);
    try {
      await this.#enter("proxyGet", [namespace, podName, port, path], options?.signal);
      await this.proxyPause();
      return this.#serve(namespace, podName, path);
    } finally {
      this.#proxyInFlight -= 1;
    }
  }

  #serve(namespace: string, podName: string, path: string): ProxyResponse {
    const p = this.pods.find((x) => x.namespace === namespace && x.name === podName);
    if (!p) throw kubeError("not_found", 404, "get", "pods/proxy", `pods "${podName}" not found`);
    if (path === "/metrics") {
      const text = this.appMetrics.get(podName);
      return text === undefined
        ? { status: 404, contentType: "text/plain", body: Buffer.from("404 page not found") }
        : ok(text);
    }
    if (path === "/ready") {
      const status = this.readyStatus.get(podName) ?? 200;
      return { status, contentType: "text/plain", body: Buffer.from(status === 200 ? "ok" : "not ready") };
    }
    if (path === "/debug/pprof/heap" && this.heapProfile)
      return ok(this.heapProfile, "application/octet-stream");
    return { status: 404, contentType: "text/plain", body: Buffer.from("404 page not found") };
  }

  async evictPod(namespace: string, name: string, uid: string): Promise<void> {
    await this.#enter("evictPod", [namespace, name, uid]);
    this.#remove(namespace, name, uid);
  }

  async deletePod(namespace: string, name: string, uid: string): Promise<void> {
    await this.#enter("deletePod", [namespace, name, uid]);
    this.#remove(namespace, name, uid);
  }

  #remove(namespace: string, name: string, uid: string) {
    const p = this.pods.find((x) => x.namespace === namespace && x.name === name);
    if (!p) throw kubeError("not_found", 404, "delete", "pods", `pods "${name}" not found`);
    if (p.uid !== uid)
      throw kubeError("conflict", 409, "delete", "pods", "Precondition failed: UID in precondition");
    this.pods = this.pods.filter((x) => x !== p);
  }

  async restartDeployment(namespace: string, name: string, restartedAt: string): Promise<void> {
    await this.#enter("restartDeployment", [namespace, name, restartedAt]);
  }

  async setMemoryLimit(
    namespace: string,
    deployment: string,
    containerName: string,
    value: string,
  ): Promise<void> {
    await this.#enter("setMemoryLimit", [namespace, deployment, containerName, value]);
  }

  async setEnv(namespace: string, deployment: string, containerName: string, name: string, value: string) {
    await this.#enter("setEnv", [namespace, deployment, containerName, name, value]);
  }

  async restoreContainerValue(
    namespace: string,
    deployment: string,
    containerName: string,
    request: RestoreRequest,
  ): Promise<void> {
    await this.#enter("restoreContainerValue", [namespace, deployment, containerName, request]);
  }

  /** Applies tailLines and limitBytes like the kubelet (sinceSeconds is recorded, not applied). */
  async readPodLog(namespace: string, podName: string, options: PodLogOptions): Promise<PodLog> {
    const { signal, timeoutMs: _t, ...bounds } = options;
    await this.#enter("readPodLog", [namespace, podName, bounds], signal);
    const key = options.previous ? `${podName} previous` : podName;
    // Like the API server: a pod's current container always has a log (maybe empty); a previous
    // one exists only after a termination.
    const p = this.pods.find((x) => x.namespace === namespace && x.name === podName);
    const terminated = p?.containers.some((c) => c.lastTerminated !== null) ?? false;
    const text = this.logs.get(key) ?? (p && (!options.previous || terminated) ? "" : undefined);
    if (text === undefined) {
      throw kubeError(
        "invalid",
        400,
        "get",
        "pods/log",
        options.previous
          ? `previous terminated container "${options.container}" in pod "${podName}" not found`
          : `pods "${podName}" not found`,
      );
    }
    let lines = text.split("\n").filter(Boolean);
    if (options.tailLines !== undefined) lines = lines.slice(Math.max(0, lines.length - options.tailLines));
    let bytes = Buffer.from(lines.map((l) => `${l}\n`).join(""));
    if (options.limitBytes !== undefined) bytes = bytes.subarray(0, options.limitBytes);
    return { text: bytes.toString("utf8"), bytes: bytes.length };
  }

  async listIngresses(namespace: string, options?: CallOptions): Promise<IngressInfo[]> {
    await this.#enter("listIngresses", [namespace], options?.signal);
    return this.ingresses.filter((i) => i.namespace === namespace);
  }

  async listIngressRoutes(namespace: string, options?: CallOptions): Promise<IngressRouteInfo[]> {
    await this.#enter("listIngressRoutes", [namespace], options?.signal);
    return this.ingressRoutes.filter((i) => i.namespace === namespace);
  }

  async listServersTransports(namespace: string, options?: CallOptions): Promise<ServersTransportInfo[]> {
    await this.#enter("listServersTransports", [namespace], options?.signal);
    return this.serversTransports.filter((i) => i.namespace === namespace);
  }

  async getDeployment(namespace: string, name: string): Promise<DeploymentInfo> {
    await this.#enter("getDeployment", [namespace, name]);
    throw kubeError("not_found", 404, "get", "deployments.apps", `deployments.apps "${name}" not found`);
  }

  async listReplicaSets(
    namespace: string,
    labelSelector: string,
    options?: CallOptions,
  ): Promise<ReplicaSetInfo[]> {
    await this.#enter("listReplicaSets", [namespace, labelSelector], options?.signal);
    return this.replicaSets.filter((r) => r.namespace === namespace);
  }

  async rollbackDeployment(namespace: string, name: string, toRevision: number): Promise<RollbackResult> {
    await this.#enter("rollbackDeployment", [namespace, name, toRevision]);
    throw kubeError("not_found", 404, "get", "deployments.apps", `deployments.apps "${name}" not found`);
  }
}
