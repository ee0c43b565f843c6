// Plain domain types returned by the Cluster interface. Nothing here depends on
// @kubernetes/client-node: callers (diagnostics, remediation) see only these.

export type LastTermination = {
  reason: string; // e.g. "OOMKilled", "Error", "Completed"
  exitCode: number; // 137 for OOMKilled
  startedAt: Date | null;
  finishedAt: Date | null;
};

export type ContainerInfo = {
  name: string;
  image: string;
  memoryLimitBytes: number | null; // null: no limit set
  memoryRequestBytes: number | null;
  restartCount: number;
  ready: boolean;
  state: "running" | "waiting" | "terminated" | "unknown";
  stateReason: string | null; // waiting/terminated reason, e.g. "CrashLoopBackOff"
  startedAt: Date | null; // current state's start, when running
  lastTerminated: LastTermination | null;
  env: Record<string, string>; // literal env values from the pod spec (valueFrom entries omitted)
};

export type PodInfo = {
  namespace: string;
  name: string;
  uid: string;
  nodeName: string | null;
  phase: string; // Pending, Running, Succeeded, Failed, Unknown
  ready: boolean; // the pod's Ready condition
  createdAt: Date;
  deletionTimestamp: Date | null;
  labels: Record<string, string>;
  ownerReplicaSet: string | null;
  containers: ContainerInfo[];
};

/** One pod's usage from metrics.k8s.io/v1beta1 (what `kubectl top pod` prints). */
export type PodMetrics = {
  namespace: string;
  name: string;
  timestamp: Date;
  windowSeconds: number;
  containers: { name: string; memoryBytes: number; cpuNanoCores: number }[];
};

export type ClusterEvent = {
  namespace: string;
  type: string; // Normal | Warning
  reason: string;
  message: string;
  involvedObject: { kind: string; name: string; namespace: string | null; uid: string | null };
  count: number;
  firstTimestamp: Date | null;
  lastTimestamp: Date | null;
  source: string | null; // component, e.g. "kubelet"
};

export type ProxyResponse = {
  status: number;
  contentType: string | null;
  body: Buffer; // raw bytes: pprof profiles are gzipped protobuf
};

export type DeploymentInfo = {
  namespace: string;
  name: string;
  uid: string;
  generation: number;
  observedGeneration: number;
  replicas: number; // desired (spec)
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  unavailableReplicas: number;
  /** kubectl rollout status semantics: observed, all updated, all available, no old replicas left. */
  rolloutComplete: boolean;
  restartedAt: string | null; // spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]
  selector: Record<string, string>;
  containers: {
    name: string;
    memoryLimit: string | null; // as written in the spec, e.g. "512Mi"
    memoryRequest: string | null;
    env: Record<string, string>;
    /** Env vars whose value comes from valueFrom (a Secret, a field), not in `env`. */
    envFromRefs?: string[];
  }[];
};

/** apps/v1 ReplicaSet of a Deployment: one revision of its pod template (`kubectl rollout history`). */
export type ReplicaSetInfo = {
  namespace: string;
  name: string;
  uid: string;
  /** deployment.kubernetes.io/revision (0 when absent). */
  revision: number;
  createdAt: Date;
  replicas: number;
  readyReplicas: number;
  /** The controlling Deployment. */
  owner: { name: string; uid: string } | null;
  /** kubernetes.io/change-cause, what `kubectl rollout history` prints. */
  changeCause: string | null;
  restartedAt: string | null;
  containers: {
    name: string;
    image: string;
    memoryLimit: string | null;
    memoryRequest: string | null;
    env: Record<string, string>;
  }[];
};

/** What `rollbackDeployment` did: patched, or the template was already the revision's. */
export type RollbackResult = { status: "rolled-back" | "already"; fromRevision: number; toRevision: number };

/** One container's log as the API server returned it (possibly cut mid-line by limitBytes). */
export type PodLog = { text: string; bytes: number };

/** PodLogOptions the diagnosis uses: always bounded by sinceSeconds, tailLines and limitBytes. */
export type PodLogOptions = CallOptions & {
  container: string;
  previous?: boolean;
  sinceSeconds?: number;
  tailLines?: number;
  limitBytes?: number;
};

/** networking.k8s.io/v1 Ingress: what routing to a Service needs (Traefik reads its annotations). */
export type IngressInfo = {
  namespace: string;
  name: string;
  className: string | null;
  annotations: Record<string, string>;
  rules: {
    host: string | null;
    paths: { path: string; pathType: string; service: string | null; port: number | string | null }[];
  }[];
};

/** traefik.io/v1alpha1 IngressRoute: entry points and rules, each with the Services it sends to. */
export type IngressRouteInfo = {
  namespace: string;
  name: string;
  entryPoints: string[];
  routes: {
    match: string;
    services: {
      name: string;
      namespace: string | null;
      port: number | string | null;
      serversTransport: string | null;
    }[];
  }[];
};

/** traefik.io/v1alpha1 ServersTransport: its forwardingTimeouts as written (e.g. "30s", "0s"). */
export type ServersTransportInfo = {
  namespace: string;
  name: string;
  forwardingTimeouts: Record<string, string>;
};

/** A value of one container of the pod template that the bot sets and can restore. */
export type ContainerValue = { kind: "memory-limit" } | { kind: "env"; name: string };

/**
 * Restoring a value the bot set: `current` is the value as the caller read it (the one the bot
 * set), `restore` what was there before, null when the limit or env var was absent.
 */
export type RestoreRequest = { value: ContainerValue; current: string; restore: string | null };

/** Per-call options; timeoutMs overrides the client's default timeout for this one request. */
export type CallOptions = { timeoutMs?: number; signal?: AbortSignal };

/** maxBytes caps the body read (default 64 MiB) so a huge profile cannot exhaust the worker. */
export type ProxyOptions = CallOptions & { maxBytes?: number };

/**
 * Everything the high-memory runbook reads from or writes to a cluster.
 * Implemented by packages/bot/src/k8s/client.ts on @kubernetes/client-node. All failures are KubeError (packages/bot/src/k8s/errors.ts).
 */
export interface Cluster {
  /** GET /api/v1/namespaces/{ns}/pods?labelSelector=... */
  listPods(namespace: string, labelSelector: string, options?: CallOptions): Promise<PodInfo[]>;
  /** GET /apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods?labelSelector=... */
  podMetrics(namespace: string, labelSelector: string, options?: CallOptions): Promise<PodMetrics[]>;
  /** GET /api/v1/namespaces/{ns}/events?fieldSelector=... ; namespace null lists all namespaces (node events). */
  listEvents(
    namespace: string | null,
    fieldSelector?: string,
    options?: CallOptions,
  ): Promise<ClusterEvent[]>;
  /** GET /api/v1/namespaces/{ns}/pods/{pod}:{port}/proxy/{path}, raw bytes, any status. */
  proxyGet(
    namespace: string,
    pod: string,
    port: number,
    path: string,
    options?: ProxyOptions,
  ): Promise<ProxyResponse>;
  /** POST policy/v1 Eviction with a UID precondition. A PDB refusal throws KubeError code "pdb_blocked". */
  evictPod(namespace: string, name: string, uid: string, options?: CallOptions): Promise<void>;
  /** DELETE pod with preconditions.uid: a replacement pod with the same name is never deleted. */
  deletePod(namespace: string, name: string, uid: string, options?: CallOptions): Promise<void>;
  /** Strategic merge patch of spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]. */
  restartDeployment(
    namespace: string,
    name: string,
    restartedAt: string,
    options?: CallOptions,
  ): Promise<void>;
  /** JSON patch replace of /spec/template/spec/containers/{i}/resources/limits/memory (i found by container name). */
  setMemoryLimit(
    namespace: string,
    deployment: string,
    container: string,
    value: string,
    options?: CallOptions,
  ): Promise<void>;
  /** Set (add or replace) a literal env var on the container, like `kubectl set env`. */
  setEnv(
    namespace: string,
    deployment: string,
    container: string,
    name: string,
    value: string,
    options?: CallOptions,
  ): Promise<void>;
  /**
   * Puts back a value the bot set (the memory limit, an env var) with a JSON patch that first tests
   * that the value is still `request.current`: set to `request.restore`, or removed when that is
   * null (`kubectl set env … NAME-`, a JSON patch `remove` of the limit). A value changed meanwhile
   * fails with KubeError "invalid" (422, the test failed) or "conflict" (the env var is gone).
   */
  restoreContainerValue(
    namespace: string,
    deployment: string,
    container: string,
    request: RestoreRequest,
    options?: CallOptions,
  ): Promise<void>;
  /** GET apps/v1 deployment, summarised as rollout status. */
  getDeployment(namespace: string, name: string, options?: CallOptions): Promise<DeploymentInfo>;
  /** GET /api/v1/namespaces/{ns}/pods/{pod}/log with the given bounds (verb get, resource pods/log). */
  readPodLog(namespace: string, pod: string, options: PodLogOptions): Promise<PodLog>;
  /** GET apps/v1 replicasets?labelSelector=... (a Deployment's rollout history). */
  listReplicaSets(namespace: string, labelSelector: string, options?: CallOptions): Promise<ReplicaSetInfo[]>;
  /**
   * `kubectl rollout undo deployment/{name} --to-revision=N`: get the Deployment, list its
   * ReplicaSets, JSON-patch /spec/template and the annotations back to revision N's.
   */
  rollbackDeployment(
    namespace: string,
    name: string,
    toRevision: number,
    options?: CallOptions,
  ): Promise<RollbackResult>;
  /** GET networking.k8s.io/v1 ingresses in the namespace. */
  listIngresses(namespace: string, options?: CallOptions): Promise<IngressInfo[]>;
  /** GET traefik.io/v1alpha1 ingressroutes in the namespace (404 when Traefik's CRDs are not installed). */
  listIngressRoutes(namespace: string, options?: CallOptions): Promise<IngressRouteInfo[]>;
  /** GET traefik.io/v1alpha1 serverstransports in the namespace. */
  listServersTransports(namespace: string, options?: CallOptions): Promise<ServersTransportInfo[]>;
}
