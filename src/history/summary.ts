// One incident, summed up from its timeline: when it started and how long it lasted, the peak
// memory (% of limit) seen by alerts, diagnoses and verifications, the likely cause, the actions
// taken (who approved what, what the job did, whether it held) and the outcome. Pure.
import type { IncidentRecord } from "../incidents/store.ts";
import { ACTION_OUTCOMES, ENTRY, entriesOf, type ParsedEntry, parseEntry } from "./entries.ts";
import type { DiagnosisSnapshot } from "./snapshot.ts";

export type Outcome =
  /** Open, nothing approved yet. */
  | "open"
  /** Open, an approved action is running or waiting for verification. */
  | "in_progress"
  /** The last verification passed. */
  | "verified"
  /** The last verification failed: the fix did not hold. */
  | "not_held"
  /** The last action failed (or its rollout got stuck). */
  | "action_failed"
  /** Resolved by the alerts clearing, after actions (none verified). */
  | "resolved_after_action"
  /** Resolved by the alerts clearing, no action taken. */
  | "resolved";

export type TakenAction = {
  proposalId: string;
  action: string;
  approvedBy: string | null;
  approvedAt: number;
  /** The job's last reported step (action_applied, action_failed, ...), null when none yet. */
  result: string | null;
  summary: string | null;
  verification: "passed" | "failed" | null;
};

export type IncidentSummary = {
  id: string;
  alertName: string;
  where: string;
  status: "open" | "resolved";
  startedAt: number;
  endedAt: number | null;
  durationMs: number;
  peakPercent: number | null;
  peakPod: string | null;
  cause: DiagnosisSnapshot["cause"];
  /** The latest diagnosis snapshot, if any. */
  latest: DiagnosisSnapshot | null;
  diagnoses: number;
  actions: TakenAction[];
  refusals: number;
  outcome: Outcome;
  root: { channel: string; ts: string } | null;
  permalink: string | null;
  entries: ParsedEntry[];
};

/** A remediation job's last reported step, in words. */
export const ACTION_RESULT_TEXT: Record<string, string> = {
  action_started: "running",
  action_applied: "applied",
  action_already_done: "already done",
  action_nothing_to_do: "nothing to do",
  action_retry: "retrying",
  action_failed: "failed",
  action_finished: "done",
  action_rollout_stuck: "rollout stuck",
};

export const OUTCOME_TEXT: Record<Outcome, string> = {
  open: "open, no action yet",
  in_progress: "open, action in progress",
  verified: "fixed (verified)",
  not_held: "fix did not hold",
  action_failed: "action failed",
  resolved_after_action: "resolved after action",
  resolved: "resolved on its own",
};

function peakOf(entries: readonly ParsedEntry[]): { percent: number; pod: string | null } | null {
  let best: { percent: number; pod: string | null } | null = null;
  const consider = (percent: number | null | undefined, pod: string | null) => {
    if (percent === null || percent === undefined || !Number.isFinite(percent)) return;
    if (!best || percent > best.percent) best = { percent, pod };
  };
  for (const e of entries) {
    if (e.type === ENTRY.alertFiring) consider(e.data.value, e.data.pod);
    else if (e.type === ENTRY.diagnosis)
      consider(e.data.snapshot.peak?.percent, e.data.snapshot.peak?.pod ?? null);
    else if (e.type === ENTRY.verificationPassed || e.type === ENTRY.verificationFailed) {
      consider(e.data.before, null);
      consider(e.data.after, null);
    }
  }
  return best;
}

function actionsOf(entries: readonly ParsedEntry[]): TakenAction[] {
  const taken = new Map<string, TakenAction>();
  for (const e of entriesOf(entries, ENTRY.proposalApproved)) {
    taken.set(e.data.proposalId, {
      proposalId: e.data.proposalId,
      action: e.data.action,
      approvedBy: e.by ?? null,
      approvedAt: e.at,
      result: null,
      summary: null,
      verification: null,
    });
  }
  for (const e of entriesOf(entries, ...ACTION_OUTCOMES)) {
    const id = e.data.proposalId;
    if (!id) continue;
    const known = taken.get(id) ?? {
      proposalId: id,
      action: e.data.action ?? "action",
      approvedBy: null,
      approvedAt: e.at,
      result: null,
      summary: null,
      verification: null,
    };
    taken.set(id, { ...known, result: e.type, summary: e.data.summary ?? e.data.message ?? known.summary });
  }
  for (const e of entriesOf(entries, ENTRY.verificationPassed, ENTRY.verificationFailed)) {
    const known = taken.get(e.data.proposalId);
    if (known) known.verification = e.type === ENTRY.verificationPassed ? "passed" : "failed";
  }
  return [...taken.values()].sort((a, b) => a.approvedAt - b.approvedAt);
}

function outcomeOf(
  status: "open" | "resolved",
  entries: readonly ParsedEntry[],
  actions: TakenAction[],
): Outcome {
  const last = [...entries]
    .reverse()
    .find(
      (e) =>
        e.type === ENTRY.verificationPassed ||
        e.type === ENTRY.verificationFailed ||
        e.type === ENTRY.actionFailed ||
        e.type === ENTRY.actionRolloutStuck,
    );
  if (last?.type === ENTRY.verificationPassed) return "verified";
  if (last?.type === ENTRY.verificationFailed) return "not_held";
  if (last) return "action_failed";
  if (status === "resolved") return actions.length > 0 ? "resolved_after_action" : "resolved";
  return actions.length > 0 ? "in_progress" : "open";
}

export function summariseIncident(record: IncidentRecord, now: number): IncidentSummary {
  const { incident } = record;
  const entries = record.timeline.map(parseEntry);
  const diagnoses = entriesOf(entries, ENTRY.diagnosis).map((e) => e.data.snapshot);
  const latest = diagnoses.at(-1) ?? null;
  const cause = [...diagnoses].reverse().find((d) => d.cause !== null)?.cause ?? null;
  const peak = peakOf(entries);
  const actions = actionsOf(entries);
  const startedAt = incident.startsAt ?? incident.createdAt;
  const endedAt = incident.status === "resolved" ? (incident.resolvedAt ?? incident.updatedAt) : null;
  return {
    id: incident.id,
    alertName: incident.alertName,
    where: [incident.namespace, incident.workload].filter((p) => p !== null).join("/") || "?",
    status: incident.status,
    startedAt,
    endedAt,
    durationMs: Math.max(0, (endedAt ?? now) - startedAt),
    peakPercent: peak?.percent ?? null,
    peakPod: peak?.pod ?? null,
    cause,
    latest,
    diagnoses: diagnoses.length,
    actions,
    refusals: entriesOf(entries, ENTRY.proposalRefused).length,
    outcome: outcomeOf(incident.status, entries, actions),
    root: incident.root,
    permalink: record.permalink,
    entries,
  };
}
