// When a diagnosis forecasts an OOM kill within HEAP_GROWTH_HORIZON, schedule the heap-growth
// measurement of that pod (process-heap-growth.ts): the spacing between the two profiles is a third
// of the forecast (between 30 s and 3 min), so both come before the kill. The job id holds the pod's
// UID and the HEAP_CAPTURE_MIN_INTERVAL window: one measurement per pod per window, never two in
// flight (BullMQ drops an add whose id exists).
import type { Diagnosis } from "../diagnose/types.ts";
import { HEAP_GROWTH_JOB_NAME, type HeapGrowthJob, JobId, type ReplyTo } from "../queue/jobs.ts";
import type { WorkerDeps } from "./deps.ts";

export function heapGrowthRequest(
  diagnosis: Diagnosis,
  options: { horizonMs: number; minIntervalMs: number; nowMs: number },
): { pod: string; podUid: string; spacingMs: number; jobId: string } | null {
  if (options.horizonMs <= 0 || diagnosis.error) return null;
  const forecast = diagnosis.foresight?.pods.find(
    (p) => p.status === "climbing" && p.etaMs <= options.horizonMs,
  );
  if (forecast?.status !== "climbing") return null;
  const row = diagnosis.pods.find((r) => r.name === forecast.pod);
  if (!row) return null;
  const spacingMs = Math.max(30_000, Math.min(3 * 60_000, Math.floor(forecast.etaMs / 3)));
  const window = Math.floor(options.nowMs / options.minIntervalMs);
  return {
    pod: row.name,
    podUid: row.uid,
    spacingMs,
    jobId: JobId.parse(`heap-growth-${row.uid}-${window}`),
  };
}

export async function scheduleHeapGrowth(
  deps: Pick<WorkerDeps, "config" | "heapQueue" | "now" | "realNow">,
  diagnosis: Diagnosis,
  target: HeapGrowthJob["target"],
  replyTo: ReplyTo,
): Promise<string | null> {
  const request = heapGrowthRequest(diagnosis, {
    horizonMs: deps.config.heapGrowthHorizonMs,
    minIntervalMs: deps.config.heapCaptureMinIntervalMs,
    nowMs: deps.now(),
  });
  if (!request) return null;
  const job: HeapGrowthJob = {
    pod: request.pod,
    podUid: request.podUid,
    target,
    replyTo,
    spacingMs: request.spacingMs,
    requestedAt: deps.realNow(),
  };
  await deps.heapQueue.add(HEAP_GROWTH_JOB_NAME, job, { jobId: request.jobId });
  return request.jobId;
}
