// How an incident ended, as the timeline's "outcome" entry stores it: the kinds classifyOutcome
// decides between and the facts behind it. Owned here, where it is decided; packages/bot/src/history/entries.ts
// re-exports it among the timeline's entry schemas.
import { z } from "zod";

const str = z.string();
const optStr = z.string().nullish();

/** How an incident ended. The kinds, most specific first, are decided by classifyOutcome. */
export const OUTCOME_KINDS = [
  "action",
  "oom_kill",
  "rollout",
  "pod_replaced",
  "restarted",
  "memory_fell",
  "unknown",
] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

export const OutcomeData = z.looseObject({
  kind: z.enum(OUTCOME_KINDS),
  /** The pod the fact is about (the OOM-killed, replaced or restarted pod). */
  pod: optStr,
  /** When it happened, real time (ms); clusterAt is the cluster's own clock when it differs. */
  at: z.number().nullish(),
  clusterAt: z.number().nullish(),
  restartCount: z.number().int().nullish(),
  /** Reason of a restart that was not an OOM kill (Error, Completed, ...). */
  reason: optStr,
  /** The replacement pod, or the new ReplicaSet of someone else's rollout. */
  replacement: optStr,
  /** The bot's action that explains it: proposal, kind, words, approver, verification. */
  proposalId: optStr,
  action: optStr,
  actionText: optStr,
  approvedBy: optStr,
  verification: z.enum(["passed", "failed", "pending"]).nullish(),
  /** Other facts seen (a later OOM kill, a restart) that did not decide the outcome. */
  notes: z.array(str).default([]),
  /** Why the cluster could not be read (kind "unknown"). */
  error: optStr,
});
export type OutcomeData = z.infer<typeof OutcomeData>;
