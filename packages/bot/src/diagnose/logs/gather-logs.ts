// Reads the worst pods' logs through the Cluster, bounded (sinceSeconds, tailLines, limitBytes),
// all at once, and summarises them; for a container the OOM killer ended within the look-back,
// the last lines of that previous container too. A failed read is a per-pod error, never fatal.
import type { Cluster, PodInfo } from "../../k8s/types.ts";
import type { HighMemoryRunbook } from "../../runbooks/high-memory/index.ts";
import { RDEV_LOG_PATTERNS } from "../../runbooks/high-memory/logs.ts";
import { describeFailure } from "../failure.ts";
import { settle, withTimeout } from "../limit.ts";
import { targetContainer } from "../memory.ts";
import { parseLog, summariseCommands, summariseSse } from "./analyse-log.ts";
import type { LogReport, PodLogReport, PreviousContainerLog } from "./types.ts";

export const START_MESSAGE = "rdev-api starting";
const MAX_LINE_CHARS = 300;
const PREVIOUS_LIMIT_BYTES = 64 * 1024;

export type LogTargets = { current: PodInfo[]; nowMs: number };

/** The OOM-killed containers among `pods` whose kill is within the look-back, most recent first. */
export function oomKilled(pods: readonly PodInfo[], runbook: HighMemoryRunbook, nowMs: number): PodInfo[] {
  const since = nowMs - runbook.oom.lookbackMs;
  const at = (p: PodInfo) => targetContainer(p, runbook.target.container)?.lastTerminated;
  return pods
    .filter((p) => at(p)?.reason === "OOMKilled" && (at(p)?.finishedAt?.getTime() ?? nowMs) >= since)
    .sort((a, b) => (at(b)?.finishedAt?.getTime() ?? 0) - (at(a)?.finishedAt?.getTime() ?? 0));
}

export async function gatherLogs(
  cluster: Cluster,
  runbook: HighMemoryRunbook,
  targets: LogTargets,
  oomed: PodInfo[],
): Promise<LogReport> {
  const { namespace, container } = runbook.target;
  const { timeoutMs } = runbook.diagnostics;
  const { windowMs, tailLines, limitBytes, previousLines, pods: maxPods } = runbook.diagnostics.logs;
  const sinceSeconds = Math.max(1, Math.round(windowMs / 1000));
  const report: LogReport = {
    bounds: { sinceSeconds, tailLines, limitBytes },
    pods: [],
    requests: 0,
    bytes: 0,
  };
  const read = (
    pod: PodInfo,
    extra: { previous?: boolean; tailLines: number; limitBytes: number; sinceSeconds?: number },
  ) => {
    report.requests += 1;
    return withTimeout(`the log of ${pod.name}`, timeoutMs, (signal) =>
      cluster.readPodLog(namespace, pod.name, {
        container: targetContainer(pod, container)?.name ?? container,
        ...extra,
        timeoutMs,
        signal,
      }),
    ).then((log) => {
      report.bytes += log.bytes;
      return log;
    });
  };

  const current = targets.current.slice(0, maxPods).map(async (pod): Promise<PodLogReport> => {
    let r = await settle(read(pod, { sinceSeconds, tailLines, limitBytes }));
    let tail = tailLines;
    // limitBytes keeps the oldest bytes of the selection: when it cut, read once more, asking only
    // for as many of the newest lines as fit (from the line length just seen).
    if (r.ok && r.value.bytes >= limitBytes) {
      const seen = r.value.text.split("\n").length - 1;
      const perLine = seen > 0 ? r.value.bytes / seen : limitBytes;
      tail = Math.max(1, Math.floor((limitBytes / perLine) * 0.9));
      r = await settle(read(pod, { sinceSeconds, tailLines: tail, limitBytes }));
    }
    const base = { pod: pod.name, uid: pod.uid, previous: null };
    if (!r.ok) return { ...base, window: null, sse: null, commands: null, error: describeFailure(r.error) };
    const parsed = parseLog(r.value.text, r.value.bytes, { tailLines: tail, limitBytes }, START_MESSAGE);
    return {
      ...base,
      window: parsed.window,
      sse: summariseSse(parsed.entries, RDEV_LOG_PATTERNS, targets.nowMs),
      commands: summariseCommands(parsed.entries, RDEV_LOG_PATTERNS, targets.nowMs),
      error: null,
    };
  });
  const previous = oomed.slice(0, maxPods).map(async (pod): Promise<[string, PreviousContainerLog]> => {
    const last = targetContainer(pod, container)?.lastTerminated;
    const r = await settle(
      read(pod, { previous: true, tailLines: previousLines, limitBytes: PREVIOUS_LIMIT_BYTES }),
    );
    return [
      pod.uid,
      {
        reason: last?.reason ?? "OOMKilled",
        finishedAt: last?.finishedAt?.toISOString() ?? null,
        lastLines: r.ok
          ? r.value.text
              .split("\n")
              .filter(Boolean)
              .map((l) => (l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS - 1)}…` : l))
          : [],
        error: r.ok ? null : describeFailure(r.error),
      },
    ];
  });
  const [pods, prev] = await Promise.all([Promise.all(current), Promise.all(previous)]);
  const byUid = new Map(prev);
  for (const p of pods) {
    const found = byUid.get(p.uid);
    if (found) {
      p.previous = found;
      byUid.delete(p.uid);
    }
  }
  // An OOM-killed pod that is not among the worst now: its previous container still tells.
  for (const pod of oomed) {
    const found = byUid.get(pod.uid);
    if (found)
      pods.push({
        pod: pod.name,
        uid: pod.uid,
        window: null,
        sse: null,
        commands: null,
        previous: found,
        error: null,
      });
  }
  report.pods = pods;
  return report;
}
