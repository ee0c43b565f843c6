// The restart budget: restarting a leaking pod buys minutes; doing it every hour hides the leak.
// Restarts of the workload in the window, the bot's (evictions, rolling restarts, from its history)
// and the kubelet's (OOM kills and other container restarts, from the pods) alike. Pure.
import type { PodInfo } from "../k8s/types.ts";
import type { RestartBudget } from "./types.ts";

/**
 * Container restarts in [now - window, now]: every restart of a pod created within the window, else
 * the last one if it ended within the window (the API keeps only the last termination per container).
 */
export function kubeletRestarts(pods: readonly PodInfo[], nowMs: number, windowMs: number): number {
  const since = nowMs - windowMs;
  let count = 0;
  for (const pod of pods) {
    for (const c of pod.containers) {
      if (pod.createdAt.getTime() >= since) count += c.restartCount;
      else if ((c.lastTerminated?.finishedAt?.getTime() ?? 0) >= since) count += 1;
    }
  }
  return count;
}

export function restartBudget(input: {
  pods: readonly PodInfo[];
  nowMs: number;
  budget: { max: number; windowMs: number };
  /** Restarts the bot made in the window (pods evicted, rolling restarts), from its history. */
  botRestarts: number;
}): RestartBudget {
  const kubelet = kubeletRestarts(input.pods, input.nowMs, input.budget.windowMs);
  const count = kubelet + input.botRestarts;
  return {
    count,
    kubelet,
    bot: input.botRestarts,
    max: input.budget.max,
    windowMs: input.budget.windowMs,
    exceeded: count >= input.budget.max,
  };
}
