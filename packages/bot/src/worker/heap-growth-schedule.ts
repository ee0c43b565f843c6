// When a diagnosis forecasts an OOM kill within HEAP_GROWTH_HORIZON, schedule the heap-growth
// measurement of that pod (process-heap-growth.ts): the spacing between the two profiles is a third
// of the forecast (between 30 s and 3 min), so both come before the kill. At most one measurement per
// pod per HEAP_CAPTURE_MIN_INTERVAL, counted from the last one scheduled: BullMQ's deduplication in
// throttle mode (an id per pod UID, with the interval as its TTL) drops any add inside it. A window
// cut from the clock (the id holding floor(now / interval)) let two through seconds apart when a
// boundary fell between two diagnoses.
import type { Diagnosis } from "../diagnose/types.ts";
import { HEAP_GROWTH_JOB_NAME, type HeapGrowthJob, JobId, type ReplyTo } from "../queue/jobs.ts";
import type { WorkerDeps } from "./deps.ts";

export type HeapGrowthRequest = {
  pod: string;
  podUid: string;
  spacingMs: number;
  /** One per pod: a second add with it inside the interval is dropped. */
  deduplicationId: string;
  jobId: string;
};

export function heapGrowthRequest(
  diagnosis: Diagnosis,
  options: { horizonMs: number; nowMs: number },
): HeapGrowthRequest | null {
  if (options.horizonMs <= 0 || diagnosis.error) return null;
  const forecast = diagnosis.foresight?.pods.find(
    (p) => p.status === "climbing" && p.etaMs <= options.horizonMs,
  );
  if (forecast?.status !== "climbing") return null;
  const row = diagnosis.pods.find((r) => r.name === forecast.pod);
  if (!row) return null;
  const spacingMs = Math.max(30_000, Math.min(3 * 60_000, Math.floor(forecast.etaMs / 3)));
  return {
    pod: row.name,
    podUid: row.uid,
    spacingMs,
    deduplicationId: `heap-growth-${row.uid}`,
    jobId: JobId.parse(`heap-growth-${row.uid}-${options.nowMs}`),
  };
}

/** The id of the job scheduled, or null when none is due; a throttled add returns the existing job's id. */
export async function scheduleHeapGrowth(
  deps: Pick<WorkerDeps, "config" | "heapQueue" | "now" | "realNow" | "realDelay">,
  diagnosis: Diagnosis,
  target: HeapGrowthJob["target"],
  replyTo: ReplyTo,
): Promise<string | null> {
  const request = heapGrowthRequest(diagnosis, {
    horizonMs: deps.config.heapGrowthHorizonMs,
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
  const added = await deps.heapQueue.add(HEAP_GROWTH_JOB_NAME, job, {
    jobId: request.jobId,
    // The interval is cluster time; Redis counts the TTL in real time.
    deduplication: {
      id: request.deduplicationId,
      ttl: Math.max(1, Math.round(deps.realDelay(deps.config.heapCaptureMinIntervalMs))),
    },
  });
  return added.id ?? null;
}
