// One incident, summed up from its timeline: when it started and how long it lasted, the peak
// memory (% of limit) seen by alerts, diagnoses and verifications, the likely cause, the actions
// taken (who approved what, what the job did, whether it held) and the outcome. Pure.
import type { IncidentRecord } from "../intake/store.ts";
import { actionLabel } from "./action-label.ts";
import {
  ACTION_OUTCOMES,
  ENTRY,
  entriesOf,
  type OutcomeData,
  type ParsedEntry,
  parseEntry,
} from "./entries.ts";
import { OUTCOME_KIND_WORDS } from "./resolution/describe.ts";
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
  /** Every alert cleared; the worker has not yet said why (see `ending`). */
  | "resolving"
  /** Resolved, and `ending` says why. */
  | "resolved";

export type TakenAction = {
  proposalId: string;
  action: string;
  /** Readable words: "Restart pod rdev-api-…-x2k4q", "Raise the memory limit to 1Gi". */
  text: string;
  approvedBy: string | null;
  approvedAt: number;
  /** The job's last reported step (action_applied, action_failed, ...), null when none yet. */
  result: string | null;
  summary: string | null;
  /** When it changed the cluster (applied or found already done). */
  appliedAt: number | null;
  verification: "passed" | "failed" | null;
  /** Asked for in a thread other than the incident's (a `/rdev mem status` thread). */
  elsewhere: boolean;
};

export type ActiveSilence = { id: string; by: string | null; until: number; untilResolved: boolean };

/** The latest silence made from the root that has neither been ended nor run out by `now`. */
function activeSilence(entries: readonly ParsedEntry[], now: number): ActiveSilence | null {
  const ended = new Set(entriesOf(entries, ENTRY.silenceRemoved).map((e) => e.data.silenceId));
  const last = entriesOf(entries, ENTRY.silenceCreated).at(-1);
  if (!last || ended.has(last.data.silenceId) || last.data.until <= now) return null;
  return {
    id: last.data.silenceId,
    by: last.by ?? null,
    until: last.data.until,
    untilResolved: last.data.untilResolved,
  };
}

/** A next step the worker offered after a failed verification, still waiting for approval. */
export type OfferedStep = { proposalId: string; kind: string };

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
  /** The outcome in words, for every view (history, App Home, incident view, postmortem). */
  outcomeText: string;
  /** Why it ended (the worker's classification), once known. */
  ending: OutcomeData | null;
  /** Next steps offered by the last failed verification, when it is the latest verdict. */
  nextSteps: OfferedStep[];
  /** People who approved actions: the owners of the fix. */
  fixedBy: string[];
  /** Who took the incident ("I'm on it"), the latest; null when nobody has. */
  owner: string | null;
  /** The bot's Alertmanager silence in force now (not ended, not past its end), if any. */
  silence: ActiveSilence | null;
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
  resolving: "resolved, checking why",
  resolved: "resolved",
};

/** The outcome in words: a resolved incident says why it ended. */
export function outcomeText(outcome: Outcome, ending: OutcomeData | null): string {
  if (outcome !== "resolved" || !ending) return OUTCOME_TEXT[outcome];
  if (ending.kind !== "action") return OUTCOME_KIND_WORDS[ending.kind];
  if (ending.verification === "passed") return "fixed (verified)";
  if (ending.verification === "failed") return "resolved, but the fix did not hold";
  return "fixed (not verified)";
}

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

const APPLIED = new Set<string>([ENTRY.actionApplied, ENTRY.actionAlreadyDone]);

function actionsOf(entries: readonly ParsedEntry[], rootTs: string | null): TakenAction[] {
  const taken = new Map<string, TakenAction>();
  for (const e of entriesOf(entries, ENTRY.proposalApproved)) {
    const threadTs = typeof e.data.threadTs === "string" ? e.data.threadTs : null;
    taken.set(e.data.proposalId, {
      proposalId: e.data.proposalId,
      action: e.data.action,
      text: actionLabel(e.data.action, e.data.params),
      approvedBy: e.by ?? null,
      approvedAt: e.at,
      result: null,
      summary: null,
      appliedAt: null,
      verification: null,
      elsewhere: threadTs !== null && rootTs !== null && threadTs !== rootTs,
    });
  }
  for (const e of entriesOf(entries, ...ACTION_OUTCOMES)) {
    const id = e.data.proposalId;
    if (!id) continue;
    const action = e.data.action ?? "action";
    const known = taken.get(id) ?? {
      proposalId: id,
      action,
      text: actionLabel(action, {}),
      approvedBy: null,
      approvedAt: e.at,
      result: null,
      summary: null,
      appliedAt: null,
      verification: null,
      elsewhere: false,
    };
    taken.set(id, {
      ...known,
      result: e.type,
      summary: e.data.summary ?? e.data.message ?? known.summary,
      appliedAt: known.appliedAt ?? (APPLIED.has(e.type) ? e.at : null),
    });
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
  if (status === "resolved") {
    return entriesOf(entries, ENTRY.outcome).length > 0 ? "resolved" : "resolving";
  }
  if (last?.type === ENTRY.verificationPassed) return "verified";
  if (last?.type === ENTRY.verificationFailed) return "not_held";
  if (last) return "action_failed";
  return actions.length > 0 ? "in_progress" : "open";
}

/** The next steps of the latest verification, when it failed and nothing was approved since. */
function offeredSteps(entries: readonly ParsedEntry[]): OfferedStep[] {
  const verdicts = entriesOf(entries, ENTRY.verificationPassed, ENTRY.verificationFailed);
  const last = verdicts.at(-1);
  if (!last || last.type !== ENTRY.verificationFailed) return [];
  const approvedSince = entriesOf(entries, ENTRY.proposalApproved).some((e) => e.at > last.at);
  if (approvedSince) return [];
  const steps = Array.isArray(last.data.nextSteps) ? last.data.nextSteps : [];
  return steps.flatMap((s: unknown) => {
    const step = s as { kind?: unknown; proposalId?: unknown };
    return typeof step.proposalId === "string" && typeof step.kind === "string"
      ? [{ proposalId: step.proposalId, kind: step.kind }]
      : [];
  });
}

export function summariseIncident(record: IncidentRecord, now: number): IncidentSummary {
  const { incident } = record;
  const entries = record.timeline.map(parseEntry);
  const diagnoses = entriesOf(entries, ENTRY.diagnosis).map((e) => e.data.snapshot);
  const latest = diagnoses.at(-1) ?? null;
  const cause = [...diagnoses].reverse().find((d) => d.cause !== null)?.cause ?? null;
  const peak = peakOf(entries);
  const actions = actionsOf(entries, incident.root?.ts ?? null);
  const reviewed = entriesOf(entries, ENTRY.outcome).at(-1)?.data ?? null;
  // A verification may finish after the review (the alerts cleared first): the action's latest
  // verdict is the truth, not the one known when the incident ended.
  const credited =
    reviewed?.kind === "action" ? actions.find((a) => a.proposalId === reviewed.proposalId) : null;
  const ending =
    reviewed && credited?.verification ? { ...reviewed, verification: credited.verification } : reviewed;
  const outcome = outcomeOf(incident.status, entries, actions);
  const startedAt = incident.startsAt ?? incident.createdAt;
  const endedAt = incident.status === "resolved" ? (incident.resolvedAt ?? incident.updatedAt) : null;
  return {
    id: incident.id,
    alertName: incident.alertName,
    where: `${[incident.namespace, incident.workload].filter((p) => p !== null).join("/") || "?"}${incident.cluster ? ` in ${incident.cluster}` : ""}`,
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
    outcome,
    outcomeText: outcomeText(outcome, ending),
    ending,
    nextSteps: offeredSteps(entries),
    owner: entriesOf(entries, ENTRY.ownerSet).at(-1)?.data.owner ?? null,
    silence: activeSilence(entries, now),
    fixedBy: [...new Set(actions.flatMap((a) => (a.approvedBy ? [a.approvedBy] : [])))],
    root: incident.root,
    permalink: record.permalink,
    entries,
  };
}
