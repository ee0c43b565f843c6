// Job data as the worker reads it: the shared schemas (packages/bot/src/queue/jobs.ts) plus the step state the
// worker keeps in the job itself (BullMQ's step-job pattern: job.updateData after every step), so a
// retried, delayed or recovered job resumes at the right step and knows what it already did.
import { z } from "zod";
import { DiagnoseJob, RemediateJob, VerifyJob } from "../queue/jobs.ts";
import { Joiner } from "../queue/single-flight.ts";

export const RemediatePhase = z.enum(["announce", "execute", "watch", "schedule-verify", "done"]);
export type RemediatePhase = z.infer<typeof RemediatePhase>;

export const StoredOutcome = z.object({
  status: z.enum(["applied", "already_done", "nothing_to_do"]),
  summary: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type StoredOutcome = z.infer<typeof StoredOutcome>;

export const UndoOfferData = z.object({ proposalId: z.string(), title: z.string(), words: z.string() });

export const RemediateState = z.object({
  phase: RemediatePhase,
  /** Real time the first attempt started (for "how long it took"). */
  startedAt: z.number(),
  /** Memory % of the limit per pod before the action (for verification's before/after). */
  before: z.record(z.string(), z.number()).default({}),
  /** Attempts that entered the execute step. */
  executeStarts: z.number().int().default(0),
  /** An attempt reached the cluster write: it may have been applied even if no outcome was recorded. */
  writeAttempted: z.boolean().default(false),
  /** Why the last execute attempt failed; null when it did not fail (it was interrupted, or succeeded). */
  executeError: z.string().nullable().default(null),
  outcome: StoredOutcome.nullable().default(null),
  /** How long the cluster write took (ms). */
  executeTookMs: z.number().nullable().default(null),
  /** Cluster time the rollout watch started. */
  watchStartedAt: z.number().nullable().default(null),
  progress: z.string().nullable().default(null),
  /** Cluster time the action (and its rollout) finished. */
  finishedAt: z.number().nullable().default(null),
  /** Thread messages already posted (so a retry does not repeat them). */
  posted: z.array(z.string()).default([]),
  /** The Undo offered next to the applied change (made once; a retry posts the same one). */
  undo: UndoOfferData.nullable().default(null),
});
export type RemediateState = z.infer<typeof RemediateState>;

export const RemediateJobData = RemediateJob.extend({ state: RemediateState.optional() });
export type RemediateJobData = z.infer<typeof RemediateJobData>;

export const StoredSampleSchema = z.object({
  at: z.number(),
  maxPercent: z.number(),
  pods: z.record(z.string(), z.number().nullable()),
});

/** VerifyJob with per-pod samples, the restart baseline and what to call the action in the thread. */
export const VerifyJobData = VerifyJob.extend({
  samples: z.array(StoredSampleSchema).default([]),
  /** Restart counts by pod UID when the action finished. */
  restartsAtAction: z.record(z.string(), z.number()).default({}),
  title: z.string().default("the remediation"),
  rollsPods: z.boolean().default(true),
  /** The change's outcome, when it can be undone: a failed verification offers Undo. */
  change: z
    .object({
      status: z.string(),
      details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    })
    .nullable()
    .default(null),
  /** The result message was posted (a retry only redoes what follows). */
  reported: z.boolean().default(false),
  result: z
    .object({
      passed: z.boolean(),
      at: z.number(),
      before: z.number().nullable(),
      after: z.number().nullable(),
      checks: z.array(z.object({ id: z.string(), ok: z.boolean(), text: z.string() })),
    })
    .nullable()
    .default(null),
});
export type VerifyJobData = z.infer<typeof VerifyJobData>;

export const DiagnoseJobData = DiagnoseJob.extend({
  /** ts of the posted diagnosis (null: posted through a response_url); unset until posted. */
  postedTs: z.string().nullable().optional(),
  /** The pod whose heap profile the diagnosis captured, to attach (null: none). */
  heapPod: z.string().nullable().default(null),
  uploaded: z.boolean().default(false),
  /** The memory chart step ran (posted, skipped or failed: it is never retried). */
  charted: z.boolean().default(false),
  /** The status thread's root now shows the verdict instead of "Gathering diagnostics…". */
  statusUpdated: z.boolean().default(false),
  /** The follow-up note for the service owners (past the restart budget), until it is attached. */
  followUp: z.string().nullable().default(null),
  followUpPosted: z.boolean().default(false),
  /** Requests that joined this single-flight diagnosis, and how many of them were answered. */
  joiners: z.array(Joiner).default([]),
  joinersAnswered: z.number().int().default(0),
});
export type DiagnoseJobData = z.infer<typeof DiagnoseJobData>;

/** Parses dequeued job data; the issues as one line for UnrecoverableError. */
export function parseJobData<T>(
  schema: z.ZodType<T>,
  data: unknown,
): { ok: true; data: T } | { ok: false; error: string } {
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
  return { ok: false, error: `invalid job data (${issues})` };
}
