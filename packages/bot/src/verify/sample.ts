// One look at the workload for verification: every pod's memory against its limit (metrics.k8s.io,
// like `kubectl top pod`), restarts and last termination, and optionally /ready through the pod
// proxy. Cluster reads only; the verdicts are pure (packages/bot/src/verify/verify.ts).
import { createLimiter } from "../diagnose/limit.ts";
import { podMemory, targetContainer } from "../diagnose/memory.ts";
import { KubeError } from "../k8s/errors.ts";
import type { Cluster, PodInfo, PodMetrics } from "../k8s/types.ts";
import type { HighMemoryRunbook } from "../runbooks/high-memory/index.ts";
import type { PodSample } from "./verify.ts";

export type SampleOptions = { withReady: boolean };

async function metricsOrNull(cluster: Cluster, runbook: HighMemoryRunbook): Promise<PodMetrics[] | null> {
  const { namespace, selector } = runbook.target;
  try {
    return await cluster.podMetrics(namespace, selector, { timeoutMs: runbook.diagnostics.timeoutMs });
  } catch (error) {
    // No metrics-server: memory is unknown (the verdict says so) rather than the job failing.
    if (error instanceof KubeError && error.code === "not_found") return null;
    throw error;
  }
}

async function readyStatus(
  cluster: Cluster,
  runbook: HighMemoryRunbook,
  pod: string,
): Promise<number | null> {
  const { namespace, port, readyPath } = runbook.target;
  try {
    const res = await cluster.proxyGet(namespace, pod, port, readyPath, {
      timeoutMs: runbook.diagnostics.timeoutMs,
      maxBytes: 4096,
    });
    return res.status;
  } catch {
    return null; // no answer counts as not ready
  }
}

function toSample(
  pod: PodInfo,
  metrics: PodMetrics[] | null,
  runbook: HighMemoryRunbook,
): Omit<PodSample, "readyStatus"> {
  const m = metrics?.find((x) => x.name === pod.name);
  const memory = podMemory(
    pod,
    m,
    runbook.target.container,
    metrics === null ? "metrics.k8s.io unavailable" : null,
  );
  const c = targetContainer(pod, runbook.target.container);
  const t = c?.lastTerminated ?? null;
  return {
    name: pod.name,
    uid: pod.uid,
    percent: memory.percentOfLimit,
    workingSetBytes: memory.workingSetBytes,
    limitBytes: memory.limitBytes,
    restarts: c?.restartCount ?? 0,
    lastTermination: t
      ? { reason: t.reason, finishedAt: t.finishedAt ? t.finishedAt.getTime() : null }
      : null,
    terminating: pod.deletionTimestamp !== null,
  };
}

export async function takeSample(
  cluster: Cluster,
  runbook: HighMemoryRunbook,
  options: SampleOptions,
): Promise<PodSample[]> {
  const { namespace, selector } = runbook.target;
  const [pods, metrics] = await Promise.all([
    cluster.listPods(namespace, selector, { timeoutMs: runbook.diagnostics.timeoutMs }),
    metricsOrNull(cluster, runbook),
  ]);
  const limit = createLimiter(runbook.diagnostics.concurrency);
  return await Promise.all(
    pods.map(async (pod) => {
      const base = toSample(pod, metrics, runbook);
      const ready =
        options.withReady && !base.terminating
          ? await limit(() => readyStatus(cluster, runbook, pod.name))
          : null;
      return { ...base, readyStatus: ready };
    }),
  );
}

/** Memory % of the limit per live pod name (pods without a figure left out). */
export function percentByPod(samples: readonly PodSample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) if (!s.terminating && s.percent !== null) out[s.name] = s.percent;
  return out;
}

/** Restart counts by pod UID (the baseline for "no OOM kill since the action"). */
export function restartsByUid(samples: readonly PodSample[]): Record<string, number> {
  return Object.fromEntries(samples.map((s) => [s.uid, s.restarts]));
}
