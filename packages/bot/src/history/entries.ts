// Every kind of incident timeline entry, in one place: the type strings and a zod schema of each
// one's data. The store, the app and the worker write entries (store.appendTimeline, the helpers
// in record.ts); the history views read them back through parseEntry, which never throws: an
// entry of an unknown type or with unexpected data becomes { type: "other" } and is still shown.
import { z } from "zod";
import type { TimelineEntry } from "../intake/model.ts";
import { TIMELINE_TYPES } from "../intake/model.ts";
import { OutcomeData } from "./resolution/outcome.ts";
import { DiagnosisSnapshot } from "./snapshot.ts";

// How an incident ended belongs to packages/bot/src/history/resolution (it decides it); the timeline stores it.
export { OUTCOME_KINDS, OutcomeData, type OutcomeKind } from "./resolution/outcome.ts";

/** Timeline entry types. The first five are written by the incident store itself. */
export const ENTRY = {
  ...TIMELINE_TYPES,
  /** A diagnosis with its compact snapshot (recordDiagnosis). */
  diagnosis: "diagnosis",
  /** The worker's older summary of a posted diagnosis (no snapshot). */
  diagnosisPosted: "diagnosis_posted",
  proposalApproved: "proposal_approved",
  /** An approval attempt the policy or the proposal's state refused. */
  proposalRefused: "proposal_refused",
  proposalsWithdrawn: "proposals_withdrawn",
  actionStarted: "action_started",
  actionApplied: "action_applied",
  actionAlreadyDone: "action_already_done",
  actionNothingToDo: "action_nothing_to_do",
  actionRetry: "action_retry",
  actionFailed: "action_failed",
  actionFinished: "action_finished",
  actionRolloutStuck: "action_rollout_stuck",
  verificationScheduled: "verification_scheduled",
  verificationPassed: "verification_passed",
  verificationFailed: "verification_failed",
  verificationError: "verification_error",
  postmortemExported: "postmortem_exported",
  /** Why the incident ended, as the worker found it in the cluster and the timeline (resolution.ts). */
  outcome: "incident_outcome",
  /** A `/rdev mem status` thread opened while the incident was open: its actions count here. */
  statusThreadLinked: "status_thread_linked",
  /** Someone took the incident ("I'm on it", "Take over"). */
  ownerSet: "owner_set",
  /** An Alertmanager silence made from the root, and its end (unsilenced, resolved, expired). */
  silenceCreated: "silence_created",
  silenceRemoved: "silence_removed",
} as const;
export type EntryType = (typeof ENTRY)[keyof typeof ENTRY];

/** Job outcomes of a remediation, in the order a job reaches them. */
export const ACTION_OUTCOMES = [
  ENTRY.actionStarted,
  ENTRY.actionApplied,
  ENTRY.actionAlreadyDone,
  ENTRY.actionNothingToDo,
  ENTRY.actionRetry,
  ENTRY.actionFailed,
  ENTRY.actionFinished,
  ENTRY.actionRolloutStuck,
] as const;
export type ActionOutcome = (typeof ACTION_OUTCOMES)[number];

const str = z.string();
const optStr = z.string().nullish();
const num = z.number();

const base = { at: num, by: z.string().optional() };
const entry = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ ...base, type: z.literal(type), data });
const entries = <const T extends readonly [string, ...string[]], D extends z.ZodType>(types: T, data: D) =>
  z.object({ ...base, type: z.enum(types), data });

export const AlertData = z.looseObject({
  fingerprint: str,
  /** The alert's own name and severity (older entries have neither). */
  alertName: z.string().nullable().default(null),
  severity: z.string().nullable().default(null),
  pod: z.string().nullable().default(null),
  /** Memory in % of the limit the alert reported (alertPercent), when it carried one. */
  value: z.number().nullable().default(null),
});

export const DiagnosisData = z.looseObject({
  snapshot: DiagnosisSnapshot,
  requestId: optStr,
  requestedBy: optStr,
  /** Proposal ids of the approval buttons posted with it. */
  proposals: z.array(str).default([]),
});

export const DiagnosisPostedData = z.looseObject({
  severity: optStr,
  headline: optStr,
  topCause: optStr,
  proposals: z.array(str).default([]),
});

export const ApprovalData = z.looseObject({
  proposalId: str,
  action: str,
  params: z.record(str, z.unknown()).default({}),
  jobId: optStr,
  threadTs: optStr,
});

export const RefusalData = z.looseObject({
  proposalId: str,
  action: optStr,
  /** denied (policy), expired, already_claimed, incident_resolved, cancelled, ... */
  reason: str,
  message: optStr,
});

export const ActionData = z.looseObject({
  proposalId: optStr,
  action: optStr,
  summary: optStr,
  message: optStr,
  progress: optStr,
  tookMs: z.number().nullish(),
  /** What the action recorded (a change to the pod template: from, to, env). */
  details: z.record(str, z.union([str, num, z.boolean(), z.null()])).nullish(),
  /**
   * A change to the pod template: the exact value it replaced (`previous`), or `wasUnset` when the
   * env var or limit was absent; and the Undo offered next to it.
   */
  previous: optStr,
  wasUnset: z.boolean().nullish(),
  undoProposalId: optStr,
});

export const VerificationData = z.looseObject({
  proposalId: str,
  action: optStr,
  /** Worst pod's memory % before the action and at the last sample. */
  before: z.number().nullish(),
  after: z.number().nullish(),
  checks: z.array(z.looseObject({ id: str, ok: z.boolean(), text: str })).default([]),
});

export const HistoryEntry = z.discriminatedUnion("type", [
  entry(ENTRY.opened, z.looseObject({ key: str }).default({ key: "" })),
  entries([ENTRY.alertFiring, ENTRY.alertResolved], AlertData),
  entry(ENTRY.rootPosted, z.looseObject({ channel: str, ts: str })),
  entry(ENTRY.resolved, z.looseObject({}).default({})),
  entry(ENTRY.diagnosis, DiagnosisData),
  entry(ENTRY.diagnosisPosted, DiagnosisPostedData),
  entry(ENTRY.proposalApproved, ApprovalData),
  entry(ENTRY.proposalRefused, RefusalData),
  entry(ENTRY.proposalsWithdrawn, z.looseObject({ count: z.number().int() })),
  entries(ACTION_OUTCOMES, ActionData),
  entry(ENTRY.verificationScheduled, z.looseObject({ proposalId: str, inMs: z.number().nullish() })),
  entries([ENTRY.verificationPassed, ENTRY.verificationFailed], VerificationData),
  entry(ENTRY.verificationError, z.looseObject({ proposalId: optStr, message: optStr })),
  entry(ENTRY.outcome, OutcomeData),
  entry(ENTRY.statusThreadLinked, z.looseObject({ channel: str, ts: str })),
  entry(ENTRY.ownerSet, z.looseObject({ owner: str, previous: optStr })),
  entry(
    ENTRY.silenceCreated,
    z.looseObject({ silenceId: str, until: num, untilResolved: z.boolean().default(false) }),
  ),
  entry(ENTRY.silenceRemoved, z.looseObject({ silenceId: str, reason: str })),
  entry(
    ENTRY.postmortemExported,
    z.looseObject({ fileId: optStr, channel: optStr, threadTs: optStr }).default({}),
  ),
]);
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** An entry this code does not know (or whose data did not parse), kept as it was. */
export type OtherEntry = {
  at: number;
  by?: string;
  type: "other";
  original: string;
  data: Record<string, unknown>;
};

export type ParsedEntry = HistoryEntry | OtherEntry;

/** A stored timeline entry, typed. Never throws. */
export function parseEntry(raw: TimelineEntry): ParsedEntry {
  const parsed = HistoryEntry.safeParse(raw);
  if (parsed.success) return parsed.data;
  return {
    at: raw.at,
    ...(raw.by ? { by: raw.by } : {}),
    type: "other",
    original: raw.type,
    data: raw.data ?? {},
  };
}

/** The entry shape(s) whose type can be one of T (several types share one shape). */
export type EntryOf<T extends string> = HistoryEntry extends infer E
  ? E extends { type: infer U }
    ? [T & U] extends [never]
      ? never
      : E
    : never
  : never;

/** Entries of the given types, narrowed. */
export function entriesOf<T extends HistoryEntry["type"]>(
  entries: readonly ParsedEntry[],
  ...types: T[]
): EntryOf<T>[] {
  return entries.filter((e): e is EntryOf<T> => (types as string[]).includes(e.type));
}
