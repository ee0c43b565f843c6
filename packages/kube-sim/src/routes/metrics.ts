// metrics.k8s.io/v1beta1 as metrics-server serves it: PodMetrics with each running container's
// working set ("126848Ki") and CPU ("4213871n"), window 15s; NodeMetrics summed per node.
import type { Ctx, Reply } from "../http.ts";
import { isoTime, type KObject, type Pod } from "../manifests.ts";
import { formatBytes, formatNanoCores } from "../quantity.ts";
import { fnv32a } from "../rand.ts";
import { findResource } from "../resources.ts";
import { notFound } from "../status.ts";
import type { World } from "../world.ts";
import { listReply, objectReply } from "./read.ts";

const WINDOW = "15s";
const NODE_BASE_BYTES = 1536 * 1024 * 1024;
const NODE_BASE_NANOCORES = 150_000_000;

/** A container's CPU use: small, steady per 15 s scrape, different per container. */
function cpuNanoCores(uid: string, container: string, now: number): number {
  return 2_000_000 + (fnv32a(`${uid}/${container}/${Math.floor(now / 15_000)}`) % 9_000_000);
}

export function podMetrics(w: World, pod: Pod, now: number): KObject | null {
  const containers = w.kubelet
    .memory(pod.metadata.uid, now)
    .filter((c): c is { name: string; bytes: number } => c.bytes !== null)
    .map((c) => ({
      name: c.name,
      usage: {
        cpu: formatNanoCores(cpuNanoCores(pod.metadata.uid, c.name, now)),
        memory: formatBytes(c.bytes),
      },
    }));
  if (containers.length === 0) return null;
  return {
    kind: "PodMetrics",
    apiVersion: "metrics.k8s.io/v1beta1",
    metadata: {
      name: pod.metadata.name,
      namespace: pod.metadata.namespace,
      uid: "",
      resourceVersion: "",
      creationTimestamp: isoTime(now),
      labels: { ...(pod.metadata.labels ?? {}) },
    },
    timestamp: isoTime(now),
    window: WINDOW,
    containers,
  };
}

function stripEmptyMeta(o: KObject): KObject {
  const { uid: _u, resourceVersion: _r, ...metadata } = o.metadata;
  return { ...o, metadata: metadata as KObject["metadata"] };
}

function nodeMetrics(w: World, node: string, now: number): KObject {
  let bytes = NODE_BASE_BYTES;
  let cpu = NODE_BASE_NANOCORES;
  for (const p of w.kubelet.pods.values()) {
    if (p.nodeName !== node) continue;
    for (const c of w.kubelet.memory(p.uid, now)) {
      bytes += c.bytes ?? 0;
      cpu += c.bytes === null ? 0 : cpuNanoCores(p.uid, c.name, now);
    }
  }
  return {
    kind: "NodeMetrics",
    apiVersion: "metrics.k8s.io/v1beta1",
    metadata: { name: node, uid: "", resourceVersion: "", creationTimestamp: isoTime(now), labels: {} },
    timestamp: isoTime(now),
    window: "20.03s",
    usage: { cpu: formatNanoCores(cpu), memory: formatBytes(bytes) },
  };
}

export function podMetricsReply(ctx: Ctx, w: World, namespace: string | undefined, name: string): Reply {
  const def = findResource("metrics.k8s.io", "v1beta1", "pods");
  if (!def) throw new Error("metrics resource missing from the registry");
  if (name) {
    const pod = w.store.get<Pod>("pods", namespace, name);
    const m = pod ? podMetrics(w, pod, ctx.now) : null;
    if (!m) throw notFound({ group: "metrics.k8s.io", resource: "podmetrics" }, `${namespace}/${name}`);
    return objectReply(ctx, def, stripEmptyMeta(m), name);
  }
  const items = w.store
    .list<Pod>("pods", namespace)
    .map((p) => podMetrics(w, p, ctx.now))
    .filter((m): m is KObject => m !== null)
    .map(stripEmptyMeta);
  return listReply(ctx, def, items, "");
}

export function nodeMetricsReply(ctx: Ctx, w: World, name: string): Reply {
  const def = findResource("metrics.k8s.io", "v1beta1", "nodes");
  if (!def) throw new Error("metrics resource missing from the registry");
  if (name) {
    if (!w.nodes.some((n) => n.name === name))
      throw notFound({ group: "metrics.k8s.io", resource: "nodemetrics" }, name);
    return objectReply(ctx, def, stripEmptyMeta(nodeMetrics(w, name, ctx.now)), name);
  }
  return listReply(
    ctx,
    def,
    w.nodes.map((n) => stripEmptyMeta(nodeMetrics(w, n.name, ctx.now))),
    "",
  );
}
