// The Cluster interface on @kubernetes/client-node 2. Every call goes through one Runner (timeout,
// status capture, onRequest, KubeError mapping) and names its verb and RBAC resource, so a 403
// says exactly what the ServiceAccount lacks.
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  NetworkingV1Api,
  PatchStrategy,
  type V1Container,
  type V1Deployment,
} from "@kubernetes/client-node";
import { PodMetricsList, toClusterEvent, toDeploymentInfo, toPodInfo, toPodMetrics } from "./convert.ts";
import { KubeError } from "./errors.ts";
import { validateKubeConfig } from "./kubeconfig.ts";
import { envPatch, memoryLimitPatch, restartPatch, restorePatch } from "./patches.ts";
import { DEFAULT_MAX_PROXY_BYTES, proxyPath, rawProxyGet } from "./proxy.ts";
import { evidenceReads } from "./reads.ts";
import { createRunner, type RequestInfo, type Runner } from "./request.ts";
import { reuseConnections } from "./reuse-connections.ts";
import { rolloutReads } from "./rollouts.ts";
import type { CallOptions, Cluster } from "./types.ts";

export type ClusterOptions = {
  /** Default per-request timeout (each page of a list is one request). */
  timeoutMs?: number;
  onRequest?: (info: RequestInfo) => void;
  /** Monotonic milliseconds, for request latency. */
  now?: () => number;
  /** Page size for pod and event lists. */
  pageSize?: number;
};

export const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_PAGES = 100;

const DEPLOYMENTS = "deployments.apps";

type Page<T> = { items: T[]; metadata?: { _continue?: string } };

async function listAll<T>(fetchPage: (token: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await fetchPage(token);
    items.push(...result.items);
    token = result.metadata?._continue || undefined;
    if (!token) return items;
  }
  return items;
}

function missingContainer(
  namespace: string,
  deployment: string,
  container: string,
  d: V1Deployment,
): KubeError {
  const names = (d.spec?.template.spec?.containers ?? []).map((c) => c.name);
  return new KubeError({
    code: "not_found",
    status: null,
    verb: "patch",
    resource: DEPLOYMENTS,
    namespace,
    name: deployment,
    apiMessage: `the deployment has no container "${container}" (containers: ${names.join(", ") || "none"})`,
  });
}

export function createCluster(kc: KubeConfig, options: ClusterOptions = {}): Cluster {
  validateKubeConfig(kc);
  reuseConnections(kc);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const server = kc.getCurrentCluster()?.server ?? "";
  const limit = options.pageSize ?? 500;
  const run: Runner = createRunner({
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    ...(options.now ? { now: options.now } : {}),
  });

  const readDeployment = (namespace: string, name: string, opts?: CallOptions) =>
    run(
      { verb: "get", resource: DEPLOYMENTS, namespace, name },
      ({ configuration }) => apps.readNamespacedDeployment({ namespace, name }, configuration),
      opts,
    );

  const findContainer = (
    d: V1Deployment,
    namespace: string,
    deployment: string,
    container: string,
  ): { spec: V1Container; index: number } => {
    const containers = d.spec?.template.spec?.containers ?? [];
    const index = containers.findIndex((c) => c.name === container);
    const spec = containers[index];
    if (!spec) throw missingContainer(namespace, deployment, container, d);
    return { spec, index };
  };

  const patchDeployment = (
    namespace: string,
    name: string,
    body: object,
    contentType: string,
    opts?: CallOptions,
  ) =>
    run(
      { verb: "patch", resource: DEPLOYMENTS, namespace, name },
      ({ configuration }) => apps.patchNamespacedDeployment({ namespace, name, body }, configuration),
      { ...opts, contentType },
    );

  return {
    listPods: async (namespace, labelSelector, opts) => {
      const pods = await listAll((token) =>
        run(
          { verb: "list", resource: "pods", namespace, name: null },
          ({ configuration }) =>
            core.listNamespacedPod(
              { namespace, labelSelector, limit, ...(token ? { _continue: token } : {}) },
              configuration,
            ),
          opts,
        ),
      );
      return pods.map(toPodInfo);
    },

    podMetrics: async (namespace, labelSelector, opts) => {
      const body = await run(
        { verb: "list", resource: "pods.metrics.k8s.io", namespace, name: null },
        async ({ configuration }) => {
          const raw: unknown = await custom.listNamespacedCustomObject(
            { group: "metrics.k8s.io", version: "v1beta1", namespace, plural: "pods", labelSelector },
            configuration,
          );
          const parsed = PodMetricsList.safeParse(raw);
          if (!parsed.success) {
            throw new Error(`metrics.k8s.io returned an unexpected PodMetricsList: ${parsed.error.message}`);
          }
          return parsed.data;
        },
        opts,
      );
      return toPodMetrics(body);
    },

    listEvents: async (namespace, fieldSelector, opts) => {
      const selector = fieldSelector ? { fieldSelector } : {};
      const events = await listAll((token) =>
        run(
          { verb: "list", resource: "events", namespace, name: null },
          ({ configuration }) => {
            const page = { ...selector, limit, ...(token ? { _continue: token } : {}) };
            return namespace === null
              ? core.listEventForAllNamespaces(page, configuration)
              : core.listNamespacedEvent({ namespace, ...page }, configuration);
          },
          opts,
        ),
      );
      return events.map(toClusterEvent);
    },

    proxyGet: (namespace, pod, port, path, opts = {}) => {
      const call = { verb: "get", resource: "pods/proxy", namespace, name: pod };
      return run(
        call,
        ({ signal, recordStatus }) =>
          rawProxyGet({
            kc,
            server,
            path: proxyPath(namespace, pod, port, path),
            signal,
            maxBytes: opts.maxBytes ?? DEFAULT_MAX_PROXY_BYTES,
            call,
            recordStatus,
          }),
        opts,
      );
    },

    evictPod: async (namespace, name, uid, opts) => {
      await run(
        { verb: "create", resource: "pods/eviction", namespace, name },
        ({ configuration }) =>
          core.createNamespacedPodEviction(
            {
              namespace,
              name,
              body: {
                apiVersion: "policy/v1",
                kind: "Eviction",
                metadata: { name, namespace },
                deleteOptions: { preconditions: { uid } },
              },
            },
            configuration,
          ),
        opts,
      );
    },

    deletePod: async (namespace, name, uid, opts) => {
      await run(
        { verb: "delete", resource: "pods", namespace, name },
        ({ configuration }) =>
          core.deleteNamespacedPod({ namespace, name, body: { preconditions: { uid } } }, configuration),
        opts,
      );
    },

    restartDeployment: async (namespace, name, restartedAt, opts) => {
      await patchDeployment(
        namespace,
        name,
        restartPatch(restartedAt),
        PatchStrategy.StrategicMergePatch,
        opts,
      );
    },

    setMemoryLimit: async (namespace, deployment, container, value, opts) => {
      const d = await readDeployment(namespace, deployment, opts);
      const { spec, index } = findContainer(d, namespace, deployment, container);
      await patchDeployment(
        namespace,
        deployment,
        memoryLimitPatch(spec, index, value),
        PatchStrategy.JsonPatch,
        opts,
      );
    },

    setEnv: async (namespace, deployment, container, name, value, opts) => {
      const d = await readDeployment(namespace, deployment, opts);
      const { spec } = findContainer(d, namespace, deployment, container);
      await patchDeployment(
        namespace,
        deployment,
        envPatch(spec, name, value),
        PatchStrategy.StrategicMergePatch,
        opts,
      );
    },

    restoreContainerValue: async (namespace, deployment, container, request, opts) => {
      const d = await readDeployment(namespace, deployment, opts);
      const { spec, index } = findContainer(d, namespace, deployment, container);
      const patch = restorePatch(spec, index, request);
      if (!patch) {
        const name = request.value.kind === "env" ? request.value.name : "the value";
        throw new KubeError({
          code: "conflict",
          status: null,
          verb: "patch",
          resource: DEPLOYMENTS,
          namespace,
          name: deployment,
          apiMessage: `container ${container} has no env var ${name} any more`,
        });
      }
      await patchDeployment(namespace, deployment, patch, PatchStrategy.JsonPatch, opts);
    },

    getDeployment: async (namespace, name, opts) =>
      toDeploymentInfo(await readDeployment(namespace, name, opts)),

    ...rolloutReads({ run, apps }),

    ...evidenceReads({ run, core, networking: kc.makeApiClient(NetworkingV1Api), custom }),
  };
}
