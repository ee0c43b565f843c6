// Small helpers the app and the worker call to put what happened on an incident's timeline. Each
// validates its data with the schema the readers use (entries.ts), does nothing for a job that
// belongs to no incident (incidentId null), and returns false instead of throwing when the incident
// has expired after its retention: the side effect already happened; only its record is lost.
import type { Diagnosis } from "../diagnose/types.ts";
import type { TimelineEntry } from "../intake/model.ts";
import { IncidentNotFoundError, type IncidentStore } from "../intake/store.ts";
import {
  ActionData,
  type ActionOutcome,
  ApprovalData,
  DiagnosisData,
  ENTRY,
  OutcomeData,
  RefusalData,
  VerificationData,
} from "./entries.ts";
import { type DiagnosisSnapshot, toSnapshot } from "./snapshot.ts";
import type { SnapshotStore } from "./snapshots.ts";

export type TimelineWriter = Pick<IncidentStore, "appendTimeline">;

type When = { at?: number };

async function append(
  incidents: TimelineWriter,
  incidentId: string | null | undefined,
  entry: Omit<TimelineEntry, "at"> & When,
): Promise<boolean> {
  if (!incidentId) return false;
  try {
    await incidents.appendTimeline(incidentId, entry);
    return true;
  } catch (error) {
    if (error instanceof IncidentNotFoundError) return false;
    throw error;
  }
}

const stamp = (at: number | undefined) => (at === undefined ? {} : { at });

export type DiagnosisRecord = When & {
  incidentId: string | null;
  diagnosis: Diagnosis;
  /** Slack user id or "alertmanager". */
  requestedBy?: string;
  requestId?: string;
  /** Proposal ids of the buttons posted with the diagnosis (postDiagnosis' proposalIds). */
  proposalIds?: readonly string[];
};

/**
 * Records a diagnosis: its snapshot on the incident's timeline (when it belongs to one) and, unless
 * it failed, as its workload's latest snapshot (previousSnapshot reads both). Returns the snapshot.
 */
export async function recordDiagnosis(
  deps: { incidents: TimelineWriter; snapshots?: Pick<SnapshotStore, "saveLatest"> },
  input: DiagnosisRecord,
): Promise<DiagnosisSnapshot> {
  const snapshot = toSnapshot(input.diagnosis);
  if (deps.snapshots && input.diagnosis.error === null) await deps.snapshots.saveLatest(snapshot);
  const data = DiagnosisData.parse({
    snapshot,
    requestId: input.requestId ?? null,
    requestedBy: input.requestedBy ?? null,
    proposals: [...(input.proposalIds ?? [])],
  });
  await append(deps.incidents, input.incidentId, {
    ...stamp(input.at),
    type: ENTRY.diagnosis,
    by: input.requestedBy ?? "worker",
    data,
  });
  return snapshot;
}

/** An approved proposal whose job was queued. */
export async function recordApproval(
  incidents: TimelineWriter,
  input: When & {
    incidentId: string | null;
    proposalId: string;
    action: string;
    params?: Record<string, unknown>;
    jobId?: string | null;
    /** The thread it was approved in (a status thread differs from the incident's). */
    threadTs?: string | null;
    /** Slack user id of the approver. */
    by: string;
  },
): Promise<boolean> {
  const data = ApprovalData.parse({
    proposalId: input.proposalId,
    action: input.action,
    params: input.params ?? {},
    jobId: input.jobId ?? null,
    threadTs: input.threadTs ?? null,
  });
  return await append(incidents, input.incidentId, {
    ...stamp(input.at),
    type: ENTRY.proposalApproved,
    by: input.by,
    data,
  });
}

/** An approval attempt that was refused: policy denial, expired, already claimed, ... */
export async function recordRefusal(
  incidents: TimelineWriter,
  input: When & {
    incidentId: string | null;
    proposalId: string;
    action?: string | null;
    reason: string;
    message?: string | null;
    by: string;
  },
): Promise<boolean> {
  const data = RefusalData.parse({
    proposalId: input.proposalId,
    action: input.action ?? null,
    reason: input.reason,
    message: input.message ?? null,
  });
  return await append(incidents, input.incidentId, {
    ...stamp(input.at),
    type: ENTRY.proposalRefused,
    by: input.by,
    data,
  });
}

/** A step or the end of a remediation job (action_started, action_applied, action_failed, ...). */
export async function recordJobOutcome(
  incidents: TimelineWriter,
  input: When & {
    incidentId: string | null;
    outcome: ActionOutcome;
    proposalId: string;
    action: string;
    summary?: string | null;
    message?: string | null;
    progress?: string | null;
    tookMs?: number | null;
    /** Extra facts (method used, values before and after): flat and JSON-serialisable. */
    details?: Record<string, string | number | boolean | null>;
  },
): Promise<boolean> {
  const data = ActionData.parse({
    proposalId: input.proposalId,
    action: input.action,
    summary: input.summary ?? null,
    message: input.message ?? null,
    progress: input.progress ?? null,
    tookMs: input.tookMs === undefined || input.tookMs === null ? null : Math.round(input.tookMs),
    ...(input.details ? { details: input.details } : {}),
  });
  return await append(incidents, input.incidentId, {
    ...stamp(input.at),
    type: input.outcome,
    by: "worker",
    data,
  });
}

/** A verification verdict: memory before and after, and each check. */
export async function recordVerification(
  incidents: TimelineWriter,
  input: When & {
    incidentId: string | null;
    proposalId: string;
    action: string;
    passed: boolean;
    before: number | null;
    after: number | null;
    checks: readonly { id: string; ok: boolean; text: string }[];
  },
): Promise<boolean> {
  const data = VerificationData.parse({
    proposalId: input.proposalId,
    action: input.action,
    before: input.before,
    after: input.after,
    checks: input.checks.map((c) => ({ id: c.id, ok: c.ok, text: c.text })),
  });
  return await append(incidents, input.incidentId, {
    ...stamp(input.at),
    type: input.passed ? ENTRY.verificationPassed : ENTRY.verificationFailed,
    by: "worker",
    data,
  });
}

/** A postmortem draft exported into the thread. */
export async function recordPostmortem(
  incidents: TimelineWriter,
  input: When & { incidentId: string; by: string; fileId: string | null; channel: string; threadTs: string },
): Promise<boolean> {
  return await append(incidents, input.incidentId, {
    ...stamp(input.at),
    type: ENTRY.postmortemExported,
    by: input.by,
    data: { fileId: input.fileId, channel: input.channel, threadTs: input.threadTs },
  });
}

/** Why the incident ended (the worker's classification at resolution). */
export async function recordOutcome(
  incidents: TimelineWriter,
  input: When & { incidentId: string; outcome: OutcomeData },
): Promise<boolean> {
  return await append(incidents, input.incidentId, {
    ...stamp(input.at),
    type: ENTRY.outcome,
    by: "worker",
    data: OutcomeData.parse(input.outcome),
  });
}

/** A status thread opened while the incident was open. */
export async function recordStatusThread(
  incidents: TimelineWriter,
  input: When & { incidentId: string; channel: string; ts: string; by: string },
): Promise<boolean> {
  return await append(incidents, input.incidentId, {
    ...stamp(input.at),
    type: ENTRY.statusThreadLinked,
    by: input.by,
    data: { channel: input.channel, ts: input.ts },
  });
}

/** Pending approvals withdrawn because the incident resolved. */
export async function recordWithdrawn(
  incidents: TimelineWriter,
  input: When & { incidentId: string; count: number },
): Promise<boolean> {
  if (input.count <= 0) return false;
  return await append(incidents, input.incidentId, {
    ...stamp(input.at),
    type: ENTRY.proposalsWithdrawn,
    by: "alertmanager",
    data: { count: input.count },
  });
}
