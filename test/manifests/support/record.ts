// Drives every method of the Cluster interface (packages/bot/src/k8s) against the Kubernetes API simulator and
// records each API request twice: as the client reports it (onRequest) and as the API server saw
// it (method + path, split into RBAC attributes like the API server's RequestInfoFactory).
import { ManualClock } from "@rdev/bot/clock.ts";
import type { Config } from "@rdev/bot/config.ts";
import { NODE_EVENTS_NAMESPACE, NODE_WARNINGS } from "@rdev/bot/diagnose/gather.ts";
import { createCluster } from "@rdev/bot/k8s/client.ts";
import { kubeConfigFromString } from "@rdev/bot/k8s/kubeconfig.ts";
import type { RequestInfo } from "@rdev/bot/k8s/request.ts";
import type { Cluster } from "@rdev/bot/k8s/types.ts";
import { type Simulator, startSimulator } from "@rdev/kube-sim/index.ts";
import { parseRequestInfo } from "@rdev/kube-sim/request-info.ts";
import type { Request } from "./rbac.ts";

export type MethodName = keyof Cluster;

/** One driven method: what the client reported and what the API server served. */
export type MethodRecord = {
  method: MethodName;
  client: RequestInfo[];
  server: (Request & { status: number })[];
};

type Target = Config["target"];

/**
 * How each Cluster method is driven, with the target from the rendered ConfigMap. A Record over
 * keyof Cluster: a new method without a driver does not compile, and rbac.test.ts also compares
 * these keys with the methods createCluster returns at run time.
 */
export function drivers(t: Target, sim: Simulator): Record<MethodName, (c: Cluster) => Promise<unknown>> {
  const pod = (i: number) => {
    const p = sim.pods(t.namespace)[i];
    if (!p) throw new Error(`the simulator has no pod #${i} in ${t.namespace}`);
    return p;
  };
  return {
    listPods: (c) => c.listPods(t.namespace, t.selector),
    podMetrics: (c) => c.podMetrics(t.namespace, t.selector),
    // Both shapes the diagnosis uses: the target namespace, and "default" (node events).
    listEvents: async (c) => {
      await c.listEvents(t.namespace);
      await c.listEvents(NODE_EVENTS_NAMESPACE, NODE_WARNINGS);
    },
    proxyGet: async (c) => {
      for (const path of [t.metricsPath, t.readyPath, t.pprofPath]) {
        await c.proxyGet(t.namespace, pod(0).name, t.port, path);
      }
    },
    evictPod: (c) => c.evictPod(t.namespace, pod(0).name, pod(0).uid),
    deletePod: (c) => c.deletePod(t.namespace, pod(1).name, pod(1).uid),
    restartDeployment: (c) => c.restartDeployment(t.namespace, t.deployment, "2026-01-01T00:00:00Z"),
    setMemoryLimit: (c) => c.setMemoryLimit(t.namespace, t.deployment, t.container, "768Mi"),
    setEnv: (c) => c.setEnv(t.namespace, t.deployment, t.container, "CACHE_TTL", "15s"),
    // Undo of a memory limit: set one, then put the one before it back (get and patch).
    restoreContainerValue: async (c) => {
      const before = (await c.getDeployment(t.namespace, t.deployment)).containers.find(
        (x) => x.name === t.container,
      )?.memoryLimit;
      await c.setMemoryLimit(t.namespace, t.deployment, t.container, "704Mi");
      await c.restoreContainerValue(t.namespace, t.deployment, t.container, {
        value: { kind: "memory-limit" },
        current: "704Mi",
        restore: before ?? null,
      });
    },
    getDeployment: (c) => c.getDeployment(t.namespace, t.deployment),
    listReplicaSets: (c) => c.listReplicaSets(t.namespace, t.selector),
    // The simulator's deployment has one revision until something changes its template: make a
    // second (the memory limit), then roll back to the first, as the rollback action does.
    rollbackDeployment: async (c) => {
      await c.setMemoryLimit(t.namespace, t.deployment, t.container, "640Mi");
      sim.advance(1000);
      await c.rollbackDeployment(t.namespace, t.deployment, 1);
    },
    readPodLog: (c) =>
      c.readPodLog(t.namespace, pod(0).name, { container: t.container, tailLines: 10, limitBytes: 4096 }),
    listIngresses: (c) => c.listIngresses(t.namespace),
    listIngressRoutes: (c) => c.listIngressRoutes(t.namespace),
    listServersTransports: (c) => c.listServersTransports(t.namespace),
  };
}

export function serverRequest(method: string, path: string, query: string): Request {
  const info = parseRequestInfo(method, path, new URLSearchParams(query));
  return {
    verb: info.verb,
    apiGroup: info.apiGroup,
    resource: info.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name,
  };
}

export type Recording = {
  sim: Simulator;
  cluster: Cluster;
  /** Runs fn and returns the requests it made, from both sides. */
  record(fn: (c: Cluster) => Promise<unknown>): Promise<Omit<MethodRecord, "method">>;
  close(): Promise<void>;
};

export async function startRecording(): Promise<Recording> {
  const clock = new ManualClock();
  // No PDB: evicting one pod and deleting another must both go through.
  const sim = await startSimulator({
    port: 0,
    scenario: "steady",
    replicas: 3,
    clock,
    pdbMinAvailable: null,
  });
  for (let i = 0; i < 30 && !sim.pods().every((p) => p.ready); i++) sim.advance(1000);
  let client: RequestInfo[] = [];
  const cluster = createCluster(kubeConfigFromString(sim.kubeconfig()), {
    timeoutMs: 10_000,
    onRequest: (info) => client.push(info),
  });
  return {
    sim,
    cluster,
    async record(fn) {
      client = [];
      const before = sim.requests().length;
      await fn(cluster);
      const server = sim
        .requests()
        .slice(before)
        .map((r) => ({ ...serverRequest(r.method, r.path, r.query), status: r.status }));
      return { client, server };
    },
    close: () => sim.close(),
  };
}

/** The client's onRequest resource ("deployments.apps", "pods/proxy") as RBAC attributes. */
export function clientAttributes(info: RequestInfo): Pick<Request, "apiGroup" | "resource" | "subresource"> {
  const [withSub = "", ...group] = info.resource.split(".");
  const [resource = "", subresource = ""] = withSub.split("/");
  return { apiGroup: group.join("."), resource, subresource };
}
