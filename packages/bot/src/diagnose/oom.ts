// OOM kills in the look-back window. Container statuses are the source of truth (lastState
// terminated: OOMKilled, exit code 137); events are a supplement: kubelets emit no OOMKilled pod
// event, but node-problem-detector (OOMKilling) and the kubelet's SystemOOM on nodes do. Pure.
import type { ClusterEvent, PodInfo } from "../k8s/types.ts";
import type { OomKill } from "./types.ts";

const SIGKILL_EXIT = 137;
/** An event this close to a container-status kill of the same pod (or node) is the same kill. */
const SAME_KILL_MS = 2 * 60_000;

export function oomKillsFromPods(pods: readonly PodInfo[], nowMs: number, lookbackMs: number): OomKill[] {
  const kills: OomKill[] = [];
  for (const pod of pods) {
    for (const c of pod.containers) {
      const last = c.lastTerminated;
      if (last && (last.reason === "OOMKilled" || last.exitCode === SIGKILL_EXIT)) {
        const at = last.finishedAt?.getTime() ?? null;
        if (at !== null && nowMs - at > lookbackMs) continue;
        const oom = last.reason === "OOMKilled";
        kills.push({
          pod: pod.name,
          podUid: pod.uid,
          container: c.name,
          node: pod.nodeName,
          at: at === null ? null : new Date(at).toISOString(),
          source: "container-status",
          reason: last.reason,
          exitCode: last.exitCode,
          count: 1,
          message: oom
            ? `container ${c.name} was OOMKilled (exit ${last.exitCode}); restarts ${c.restartCount}`
            : `container ${c.name} was killed with exit ${last.exitCode} (SIGKILL, reason "${last.reason}": likely the OOM killer); restarts ${c.restartCount}`,
        });
      } else if (c.state === "terminated" && c.stateReason === "OOMKilled") {
        kills.push({
          pod: pod.name,
          podUid: pod.uid,
          container: c.name,
          node: pod.nodeName,
          at: null,
          source: "container-status",
          reason: "OOMKilled",
          exitCode: SIGKILL_EXIT,
          count: 1,
          message: `container ${c.name} is terminated: OOMKilled (not restarted yet)`,
        });
      }
    }
  }
  return kills;
}

/**
 * The newest OOM kill older than the look-back window, still visible in a container's lastState: a
 * restart count with "0 OOM kills" would otherwise hide why the container restarted.
 */
export function oomKillBeforeWindow(
  pods: readonly PodInfo[],
  nowMs: number,
  lookbackMs: number,
): { pod: string; at: string } | null {
  let best: { pod: string; at: number } | null = null;
  for (const pod of pods) {
    for (const c of pod.containers) {
      const last = c.lastTerminated;
      const at = last?.finishedAt?.getTime() ?? null;
      if (!last || at === null || nowMs - at <= lookbackMs) continue;
      if (last.reason !== "OOMKilled" && last.exitCode !== SIGKILL_EXIT) continue;
      if (!best || at > best.at) best = { pod: pod.name, at };
    }
  }
  return best ? { pod: best.pod, at: new Date(best.at).toISOString() } : null;
}

function eventTime(e: ClusterEvent): number | null {
  return (e.lastTimestamp ?? e.firstTimestamp)?.getTime() ?? null;
}

export type OomEventOptions = {
  nowMs: number;
  lookbackMs: number;
  podEventReasons: readonly string[];
  nodeEventReasons: readonly string[];
  /** Pods of a deployment are named <deployment>-<hash>-<id>: events of replaced pods still count. */
  deployment: string;
};

export function oomKillsFromEvents(
  podEvents: readonly ClusterEvent[],
  nodeEvents: readonly ClusterEvent[],
  pods: readonly PodInfo[],
  o: OomEventOptions,
): OomKill[] {
  const inWindow = (e: ClusterEvent) => {
    const t = eventTime(e);
    return t === null || o.nowMs - t <= o.lookbackMs;
  };
  const podsByName = new Map(pods.map((p) => [p.name, p]));
  const nodes = new Set(pods.map((p) => p.nodeName).filter((n): n is string => n !== null));
  const kills: OomKill[] = [];
  for (const e of podEvents) {
    const name = e.involvedObject.name;
    if (e.involvedObject.kind !== "Pod" || !o.podEventReasons.includes(e.reason) || !inWindow(e)) continue;
    if (!podsByName.has(name) && !name.startsWith(`${o.deployment}-`)) continue;
    kills.push(fromEvent(e, "pod-event", name, podsByName.get(name)?.nodeName ?? null));
  }
  for (const e of nodeEvents) {
    const node = e.involvedObject.name;
    if (e.involvedObject.kind !== "Node" || !o.nodeEventReasons.includes(e.reason) || !inWindow(e)) continue;
    if (!nodes.has(node)) continue;
    kills.push(fromEvent(e, "node-event", null, node));
  }
  return kills;
}

function fromEvent(e: ClusterEvent, source: OomKill["source"], pod: string | null, node: string | null) {
  const t = eventTime(e);
  return {
    pod,
    podUid: source === "pod-event" ? e.involvedObject.uid : null,
    container: null,
    node,
    at: t === null ? null : new Date(t).toISOString(),
    source,
    reason: e.reason,
    exitCode: null,
    count: Math.max(1, e.count),
    message: e.message,
  } satisfies OomKill;
}

/** Container-status kills plus the events that are not the same kill seen twice, newest first. */
export function mergeOomKills(fromStatus: readonly OomKill[], fromEvents: readonly OomKill[]): OomKill[] {
  const near = (a: string | null, b: string | null) =>
    a !== null && b !== null && Math.abs(Date.parse(a) - Date.parse(b)) <= SAME_KILL_MS;
  const extra = fromEvents.filter(
    (e) =>
      !fromStatus.some((s) => (e.pod !== null ? s.pod === e.pod : s.node === e.node) && near(s.at, e.at)),
  );
  return [...fromStatus, ...extra].sort(
    (a, b) => (b.at ? Date.parse(b.at) : 0) - (a.at ? Date.parse(a.at) : 0),
  );
}
