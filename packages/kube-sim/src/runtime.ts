// The kubelet's view of running containers: which AppProcess runs in each container, when it
// started, its restart count, back-off and last termination. Lives beside the store (a real kubelet
// keeps this on the node too); pod.status in the store is rendered from it.
import type { AppProcess, AppStartOptions } from "./workload/types.ts";

export type AppFactory = (options: AppStartOptions) => AppProcess;

export type LastTermination = {
  reason: string;
  exitCode: number;
  startedAtMs: number;
  finishedAtMs: number;
  containerId: string;
};

export type ContainerRuntime = {
  name: string;
  image: string;
  limitBytes: number | null;
  requestBytes: number | null;
  env: Record<string, string>;
  ports: number[];
  restartCount: number;
  state: "running" | "waiting";
  /** Start of the current (or last) running instance. */
  startedAtMs: number;
  app: AppProcess | null;
  restartAtMs: number | null;
  backoffMs: number;
  lastCrashAtMs: number | null;
  lastTerminated: LastTermination | null;
  containerId: string;
  pid: number;
  /** No OOM happens before this instant for the current instance (already checked). */
  oomCheckedUntil: number;
  /** A known OOM instant of the current instance, found by looking ahead. */
  nextOomAt: number | null;
  /** The process of the previous (terminated) instance, for `kubectl logs --previous`. */
  previousApp: AppProcess | null;
};

export type PodRuntime = {
  uid: string;
  namespace: string;
  name: string;
  nodeName: string;
  podIP: string;
  hostIP: string;
  podIndex: number;
  generation: number;
  createdAtMs: number;
  containers: ContainerRuntime[];
  /** When the pod's Ready condition last changed, and to what. */
  readySinceMs: number;
  ready: boolean;
};

/** kubelet's crash-loop back-off: 10 s doubling to 5 min, forgotten after 10 min without a crash. */
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
export const BACKOFF_RESET_MS = 600_000;

/** How far ahead oomAt is asked at once; results are cached so each request does not re-ask. */
export const OOM_LOOKAHEAD_MS = 10 * 60_000;

export function nextBackoff(c: ContainerRuntime, crashAtMs: number): number {
  if (c.lastCrashAtMs === null || crashAtMs - c.lastCrashAtMs > BACKOFF_RESET_MS) return BACKOFF_INITIAL_MS;
  return Math.min(c.backoffMs * 2, BACKOFF_MAX_MS);
}

/** The first OOM of the container's current instance in [its checked horizon, toMs], or null. */
export function nextOom(c: ContainerRuntime, toMs: number): number | null {
  if (!c.app || c.limitBytes === null || c.state !== "running") return null;
  if (c.nextOomAt !== null) return c.nextOomAt <= toMs ? c.nextOomAt : null;
  if (c.oomCheckedUntil > toMs) return null;
  const horizon = Math.max(toMs, c.oomCheckedUntil + OOM_LOOKAHEAD_MS);
  const at = c.app.oomAt(c.limitBytes, c.oomCheckedUntil, horizon);
  if (at === null) {
    c.oomCheckedUntil = horizon + 1;
    return null;
  }
  c.nextOomAt = Math.max(at, c.oomCheckedUntil);
  return c.nextOomAt <= toMs ? c.nextOomAt : null;
}

/** Working-set bytes as cAdvisor would report them (page-aligned), null when the container is not running. */
export function workingSetBytes(c: ContainerRuntime, nowMs: number): number | null {
  if (!c.app || c.state !== "running") return null;
  const raw = c.app.memoryAt(Math.max(nowMs, c.startedAtMs));
  return Math.max(0, Math.floor(raw / 4096) * 4096);
}
