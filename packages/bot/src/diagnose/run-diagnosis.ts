// The runbook's whole investigation in one call: gather through the Cluster, then analyse.
// Never throws for cluster trouble: a failure to list pods becomes a Diagnosis with `error`.
import type { Clock } from "../clock.ts";
import type { Cluster } from "../k8s/types.ts";
import type { HighMemoryRunbook } from "../runbooks/high-memory/index.ts";
import { analyse, failedDiagnosis } from "./analyse.ts";
import type { BotChange } from "./foresight/changes.ts";
import { type ForesightHistory, foresee } from "./foresight/foresee.ts";
import { rollbackAction, withRollback } from "./foresight/rollback-action.ts";
import { gather, type HeapMode } from "./gather.ts";
import { summariseHeapProfile } from "./pprof.ts";
import type { DiagnosisResult, HeapSummary, PreviousDiagnosis } from "./types.ts";

export type DiagnoseDeps = {
  cluster: Cluster;
  /** Cluster time: ages, the OOM look-back window and gatheredAt are measured with it. */
  clock: Clock;
  /** Real time (ms since the epoch): takenAt, what people are shown. Default: the cluster's clock. */
  realNow?: () => number;
  /** Wall time for durationMs (performance.now by default). */
  elapsed?: () => number;
  summariseHeap?: (data: Uint8Array) => HeapSummary;
};

export type DiagnoseOptions = {
  runbook: HighMemoryRunbook;
  /** "always": capture the worst pod's heap profile; "auto" (default): only above the critical threshold. */
  heap?: HeapMode;
  /** The previous snapshot of the same workload, for trends and growth evidence. */
  previous?: PreviousDiagnosis | null;
  /** Restarts the bot made within RESTART_BUDGET's window (from its history); unset: no budget. */
  botRestarts?: number;
  /** Working-set history for the time-to-OOM forecast; null/absent: this diagnosis' sample only. */
  history?: ForesightHistory | null;
  /** The bot's own changes to the workload (cluster time), so its rollouts are not blamed. */
  botChanges?: readonly BotChange[];
};

export async function runDiagnosis(deps: DiagnoseDeps, options: DiagnoseOptions): Promise<DiagnosisResult> {
  const elapsed = deps.elapsed ?? (() => performance.now());
  const started = elapsed();
  const takenAtMs = (deps.realNow ?? (() => deps.clock.now()))();
  const apiCalls = { list: 0, proxy: 0, log: 0 };
  const runbook = options.runbook;
  let obs: Awaited<ReturnType<typeof gather>>;
  try {
    obs = await gather(
      {
        cluster: deps.cluster,
        now: () => deps.clock.now(),
        summariseHeap: deps.summariseHeap ?? ((data) => summariseHeapProfile(data, { top: 10 })),
      },
      runbook,
      options.heap ?? "auto",
      apiCalls,
    );
  } catch (error) {
    const diagnosis = failedDiagnosis({
      runbook,
      nowMs: deps.clock.now(),
      takenAtMs,
      durationMs: elapsed() - started,
      error,
      apiCalls,
    });
    return { diagnosis, heapProfile: null };
  }
  const diagnosis = analyse({
    obs,
    runbook,
    previous: options.previous ?? null,
    durationMs: elapsed() - started,
    takenAtMs,
    ...(options.botRestarts === undefined ? {} : { botRestarts: options.botRestarts }),
  });
  const foresight = await foresee({
    cluster: deps.cluster,
    runbook,
    nowMs: obs.nowMs,
    pods: obs.pods,
    podMetrics: obs.podMetrics.ok ? obs.podMetrics.value : null,
    history: options.history ?? null,
    botChanges: options.botChanges ?? [],
    notes: diagnosis.notes,
    apiCalls: diagnosis.apiCalls,
  });
  diagnosis.foresight = foresight;
  diagnosis.actions = withRollback(diagnosis.actions, rollbackAction(diagnosis.target, foresight.change));
  diagnosis.durationMs = Math.round(elapsed() - started);
  const heap = obs.heap;
  const heapProfile =
    heap?.bytes && heap.report.status === "captured"
      ? {
          pod: heap.report.pod,
          uid: heap.report.uid,
          fileName: `heap-${heap.report.pod}-${diagnosis.gatheredAt.replace(/[:.]/g, "")}.pb.gz`,
          bytes: heap.bytes,
        }
      : null;
  return { diagnosis, heapProfile };
}
