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
  }[];
};

/** Per-call options; timeoutMs overrides the client's default timeout for this one request. */
export type CallOptions = { timeoutMs?: number; signal?: AbortSignal };

/** maxBytes caps the body read (default 64 MiB) so a huge profile cannot exhaust the worker. */
export type ProxyOptions = CallOptions & { maxBytes?: number };

/**
 * Everything the high-memory runbook reads from or writes to a cluster.
 * Implemented by src/k8s/client.ts on @kubernetes/client-node. All failures are KubeError (src/k8s/errors.ts).
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
  /** GET apps/v1 deployment, summarised as rollout status. */
  getDeployment(namespace: string, name: string, options?: CallOptions): Promise<DeploymentInfo>;
}
