// The cluster the simulator starts with: namespaces, a few nodes, the rdev-api Deployment (which the
// controllers turn into one ReplicaSet and N running pods) and its PodDisruptionBudget.
import { defaultDeploymentSpec } from "./defaults.ts";
import {
  type Container,
  type Deployment,
  isoTime,
  type KObject,
  type Node,
  type PodDisruptionBudget,
} from "./manifests.ts";
import { canonicalQuantity } from "./quantity.ts";
import { hexId } from "./rand.ts";
import type { World } from "./world.ts";

export const RDEV = {
  namespace: "rdev",
  deployment: "rdev-api",
  container: "rdev-api",
  port: 8080,
  image: "zot.rdev.internal/rdev/rdev-api:1.8.3",
  labels: { app: "rdev-api" },
} as const;

export const KUBERNETES_VERSION = "v1.32.4";

export type BootstrapOptions = {
  replicas: number;
  memoryLimit: string | null;
  memoryRequest: string;
  pdbMinAvailable: number | null;
  nodes?: number;
};

const DAY = 86_400_000;

function meta(w: World, name: string, createdMs: number, namespace?: string): KObject["metadata"] {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    uid: w.newUid(),
    resourceVersion: "",
    creationTimestamp: isoTime(createdMs),
  };
}

function namespace(w: World, name: string, createdMs: number): KObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { ...meta(w, name, createdMs), labels: { "kubernetes.io/metadata.name": name } },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  };
}

function node(w: World, index: number, createdMs: number): Node {
  const name = `rdev-worker-${index}`;
  const ip = `10.0.0.${10 + index}`;
  const ready = isoTime(createdMs + 30_000);
  const cond = (type: string, status: "True" | "False", reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: ready,
    lastTransitionTime: ready,
    reason,
    message,
  });
  w.nodes.push({ name, ip, index, podsCreated: 0 });
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      ...meta(w, name, createdMs),
      labels: {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
      },
      annotations: {
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
      },
    },
    spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`] },
    status: {
      capacity: { cpu: "8", "ephemeral-storage": "101430960Ki", memory: "32858548Ki", pods: "110" },
      allocatable: { cpu: "8", "ephemeral-storage": "93478772582", memory: "32756148Ki", pods: "110" },
      conditions: [
        cond(
          "MemoryPressure",
          "False",
          "KubeletHasSufficientMemory",
          "kubelet has sufficient memory available",
        ),
        cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
      ],
      addresses: [
        { type: "InternalIP", address: ip },
        { type: "Hostname", address: name },
      ],
      nodeInfo: {
        architecture: "amd64",
        bootID: hexId(w.rng, 32),
        containerRuntimeVersion: "containerd://1.7.24",
        kernelVersion: "6.8.0-49-generic",
        kubeProxyVersion: KUBERNETES_VERSION,
        kubeletVersion: KUBERNETES_VERSION,
        machineID: hexId(w.rng, 32),
        operatingSystem: "linux",
        osImage: "Ubuntu 24.04.1 LTS",
        systemUUID: w.newUid(),
      },
    },
  };
}

export function rdevContainer(memoryLimit: string | null, memoryRequest: string): Container {
  const limits: Record<string, string> = {};
  if (memoryLimit !== null) limits.memory = canonicalQuantity(memoryLimit) ?? memoryLimit;
  return {
    name: RDEV.container,
    image: RDEV.image,
    ports: [{ name: "http", containerPort: RDEV.port, protocol: "TCP" }],
    env: [{ name: "CACHE_TTL", value: "5m" }],
    resources: {
      ...(memoryLimit !== null ? { limits } : {}),
      requests: { cpu: "100m", memory: canonicalQuantity(memoryRequest) ?? memoryRequest },
    },
    readinessProbe: {
      httpGet: { path: "/ready", port: RDEV.port, scheme: "HTTP" },
      periodSeconds: 5,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    },
  };
}

function deployment(w: World, o: BootstrapOptions, createdMs: number): Deployment {
  return defaultDeploymentSpec({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      ...meta(w, RDEV.deployment, createdMs, RDEV.namespace),
      generation: 1,
      labels: { ...RDEV.labels },
    },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { ...RDEV.labels } },
      template: {
        metadata: { labels: { ...RDEV.labels } },
        spec: { containers: [rdevContainer(o.memoryLimit, o.memoryRequest)] },
      },
    },
    status: {},
  });
}

function pdb(w: World, minAvailable: number, createdMs: number): PodDisruptionBudget {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { ...meta(w, RDEV.deployment, createdMs, RDEV.namespace), generation: 1 },
    spec: { minAvailable, selector: { matchLabels: { ...RDEV.labels } } },
  };
}

/** Fills the store with the starting cluster and runs the controllers once (pods are generation 0). */
export function bootstrap(w: World, o: BootstrapOptions): void {
  const now = w.time;
  const clusterBorn = now - 30 * DAY;
  for (const ns of ["default", "kube-node-lease", "kube-public", "kube-system", RDEV.namespace]) {
    w.store.create("namespaces", namespace(w, ns, clusterBorn));
  }
  const nodeCount = o.nodes ?? Math.max(3, Math.ceil(o.replicas / 100));
  for (let i = 1; i <= nodeCount; i++) w.store.create("nodes", node(w, i, clusterBorn));
  w.store.create("deployments", deployment(w, o, now - 2 * DAY));
  if (o.pdbMinAvailable !== null)
    w.store.create("poddisruptionbudgets", pdb(w, o.pdbMinAvailable, now - 2 * DAY));
  w.bootstrapping = true;
  w.markDirty();
  w.sync();
  w.bootstrapping = false;
}
