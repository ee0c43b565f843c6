// Jobs of the app's Slack outbox (queue rdev-slack): every Slack post an Alertmanager notification
// causes, taken off the webhook's request path. Ids are deterministic, so a storm of notifications
// adds one job per post (BullMQ ignores an add whose id exists), and a retried job posts once.
import { z } from "zod";
import { JobId } from "../../queue/jobs.ts";

export const RootJob = z.object({ kind: z.literal("root"), incidentId: JobId });
export const ClearedJob = z.object({
  kind: z.literal("cleared"),
  incidentId: JobId,
  withdrawn: z.number().int().nonnegative(),
  round: z.number().int().nonnegative(),
});
export const FloodJob = z.object({
  kind: z.literal("flood"),
  /** Start of the minute (ms) whose incidents passed the per-minute cap. */
  minute: z.number().int(),
});
export const OutboxJob = z.discriminatedUnion("kind", [RootJob, ClearedJob, FloodJob]);
export type OutboxJob = z.infer<typeof OutboxJob>;

export const outboxJobId = (job: OutboxJob): string => {
  switch (job.kind) {
    case "root":
      return JobId.parse(`root-${job.incidentId}`);
    case "cleared":
      return JobId.parse(`cleared-${job.incidentId}-r${job.round}`);
    case "flood":
      return JobId.parse(`flood-${job.minute}`);
  }
};
