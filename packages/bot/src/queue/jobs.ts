// Job data schemas shared by producers (the app) and consumers (the worker). Parsed on both
// sides: the app validates before enqueueing, the worker when it dequeues.
import { z } from "zod";
import { CLUSTER_NAME_PATTERN, QUEUES } from "../clusters/names.ts";
import { ACTION_KINDS } from "../runbooks/high-memory/catalog/index.ts";
import { ActionParams, UndoableKind } from "../runbooks/high-memory/catalog/params.ts";

export { CLUSTER_NAME_PATTERN, QUEUES };

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Every kind of action the bot can take: the keys of the runbook's action catalog. */
export const ActionKind = z.enum(ACTION_KINDS);
export type ActionKind = z.infer<typeof ActionKind>;

/** The changes to the Deployment the bot can undo, and every job's parameters: the catalog's schema. */
export { ActionParams, UndoableKind };

export const Target = z.object({
  namespace: z.string().min(1),
  deployment: z.string().min(1),
  /**
   * The cluster (packages/bot/src/clusters/names.ts) whose worker runs the job; absent: the default cluster. The
   * app routes the job to that cluster's queues and a worker refuses a job for another cluster.
   */
  cluster: z.string().regex(CLUSTER_NAME_PATTERN, "must be a cluster name").optional(),
});
export type Target = z.infer<typeof Target>;

/** Where results go: the Slack channel and (usually) the incident thread. */
export const ReplyTo = z.object({
  channel: z.string().min(1),
  threadTs: z.string().min(1).nullable(),
  incidentId: z.string().min(1).nullable(),
  /**
   * The slash command's response_url, when the bot cannot post in the channel (a DM between two
   * people, a channel it is not in): post there instead (5 uses within 30 minutes).
   */
  responseUrl: z.url().optional(),
});
export type ReplyTo = z.infer<typeof ReplyTo>;

/** BullMQ job ids may not contain ":"; ids we build are checked against this. */
export const JobId = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,200}$/, "job ids may only contain letters, digits, _ . -");

export const DiagnoseJob = z.object({
  requestId: JobId,
  target: Target,
  replyTo: ReplyTo,
  requestedBy: z.string().min(1), // Slack user id, or "alertmanager"
  heapProfile: z.boolean().default(false),
  /**
   * The bot's own "Gathering diagnostics…" message that roots a status thread: the worker turns it
   * into the verdict once the diagnosis is posted.
   */
  statusRoot: z.object({ channel: z.string().min(1), ts: z.string().min(1) }).optional(),
  /** A single-flight diagnosis (single-flight.ts): answer everyone who joined it as well. */
  singleFlight: z.boolean().optional(),
  requestedAt: z.number().int(),
});
export type DiagnoseJob = z.infer<typeof DiagnoseJob>;

/**
 * The review of an ended incident: the worker reads the cluster and the timeline and records why it
 * ended (packages/bot/src/history/resolution). Runs on the diagnose queue (cluster reads only) as job name "resolve".
 */
export const ResolveJob = z.object({
  incidentId: JobId,
  target: Target,
  /** Pending approvals the app withdrew at the resolution (the closing line says so). */
  withdrawn: z.number().int().nonnegative().default(0),
  /** Times the incident was reopened before this resolution (flap damping); 0 for the first. */
  round: z.number().int().nonnegative().default(0),
  requestedAt: z.number().int(),
});
export type ResolveJob = z.infer<typeof ResolveJob>;
export const RESOLVE_JOB_NAME = "resolve";

/**
 * Heap growth before a forecast OOM kill: two heap profiles of one pod, `spacingMs` (cluster time)
 * apart, and what grew between them. Runs on the diagnose queue as job name "heap-growth".
 */
export const HeapGrowthJob = z.object({
  pod: z.string().min(1),
  podUid: z.string().min(1),
  target: Target,
  replyTo: ReplyTo,
  /** Cluster time between the two captures. */
  spacingMs: z.number().int().positive(),
  requestedAt: z.number().int(),
});
export type HeapGrowthJob = z.infer<typeof HeapGrowthJob>;
export const HEAP_GROWTH_JOB_NAME = "heap-growth";

export const RemediateJob = z.object({
  proposalId: JobId,
  action: ActionKind,
  params: ActionParams,
  target: Target,
  replyTo: ReplyTo,
  approvedBy: z.string().min(1),
  approvedAt: z.number().int(),
});
export type RemediateJob = z.infer<typeof RemediateJob>;

export const VerifyJob = z.object({
  proposalId: JobId,
  action: ActionKind,
  target: Target,
  replyTo: ReplyTo,
  actionFinishedAt: z.number().int(),
  /** Memory % of limit per pod before the action, for the before/after summary. */
  before: z.record(z.string(), z.number()),
  /** Samples taken so far by this verification (step-job pattern: one sample per step). */
  samples: z.array(z.object({ at: z.number().int(), maxPercent: z.number() })).default([]),
});
export type VerifyJob = z.infer<typeof VerifyJob>;

export const jobIds = {
  diagnose: (requestId: string) => JobId.parse(`diagnose-${requestId}`),
  /** The first resolution's review; a reopened incident's later ones carry their round. */
  resolve: (incidentId: string, round = 0) =>
    JobId.parse(round > 0 ? `resolve-${incidentId}-r${round}` : `resolve-${incidentId}`),
  remediate: (proposalId: string) => JobId.parse(`remediate-${proposalId}`),
  verify: (proposalId: string) => JobId.parse(`verify-${proposalId}`),
};
