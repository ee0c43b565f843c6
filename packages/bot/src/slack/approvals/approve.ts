// Approving a proposal: policy, then an atomic approval (two people for the actions in
// FOUR_EYES_ACTIONS that the bot proposed on its own), then, once the last approval lands, the
// remediate job. Decided order: PING Redis before approving (a dead Redis changes nothing and the
// user is told; a proposal the caller has just read proves the same, so then neither the PING nor
// a second read is made), and RELEASE the claim if the job cannot be queued after all, so no claim
// is left dangling without its job. The job names the proposal; the worker trusts nothing else in
// it and checks the sealed proposal again.

import { addApproval, decideFor } from "../../approve/approval.ts";
import type { ApprovalDecision } from "../../approve/policy.ts";
import { clusterOf, withCluster } from "../../clusters/names.ts";
import { recordApproval, recordRefusal } from "../../history/record.ts";
import { findOpenIncident } from "../../intake/find-open.ts";
import { type ClaimFailure, claimFailureMessage, type Proposal, replyToOf } from "../../propose/proposals.ts";
import type { ActionParams, RemediateJob } from "../../queue/jobs.ts";
import { RedisUnavailableError } from "../../redis.ts";
import type { AppDeps } from "../deps.ts";
import type { GroupMembership } from "./user-groups.ts";

export type ApproveDeps = Pick<
  AppDeps,
  "config" | "incidents" | "proposals" | "queues" | "metrics" | "now"
> & {
  groups: GroupMembership;
};

export type ApproveInput = {
  proposalId: string;
  userId: string;
  /** Values the approver changed in the modal. */
  overrides?: Partial<ActionParams>;
  /** The proposal as the caller has just read it (Redis answered): saves a PING and a read. */
  proposal?: Proposal;
};

export type ApproveFailureReason =
  | ClaimFailure["reason"]
  | "denied"
  | "params_differ"
  | "redis_unavailable"
  | "queue_failed";

export type ApproveOutcome =
  | { ok: true; kind: "queued"; proposal: Proposal; job: RemediateJob; jobId: string }
  | { ok: true; kind: "partial"; proposal: Proposal; needed: string }
  | { ok: false; reason: ApproveFailureReason; message: string };

const REDIS_DOWN =
  ":warning: I cannot reach Redis right now, so nothing was approved or started. Please try again in a minute.";

const approvalDeps = (deps: Pick<ApproveDeps, "config" | "groups" | "proposals">) => ({
  proposals: deps.proposals,
  policy: deps.config.approval,
  signingKey: deps.config.approvalSigningKey,
  groupsOf: (userId: string) => deps.groups.groupsOf(userId, deps.config.approval.approverGroupIds),
});

/** The approval policy's answer for `userId` on `proposal` now (looks up user groups when needed). */
export async function checkPolicy(
  deps: Pick<ApproveDeps, "config" | "groups" | "proposals">,
  proposal: Proposal,
  userId: string,
): Promise<ApprovalDecision> {
  return await decideFor(approvalDeps(deps), proposal, userId);
}

/** The job for a claimed proposal: its id and, for the record, what was approved. */
export function remediateJob(p: Proposal): RemediateJob {
  return {
    proposalId: p.id,
    action: p.action.kind,
    params: p.approvedParams ?? p.action.params,
    target: withCluster({ namespace: p.target.namespace, deployment: p.target.deployment }, p.target.cluster),
    replyTo: replyToOf(p),
    approvedBy: p.claimedBy ?? "unknown",
    approvedAt: p.claimedAt ?? 0,
  };
}

export async function approveProposal(deps: ApproveDeps, input: ApproveInput): Promise<ApproveOutcome> {
  const fail = (reason: ApproveFailureReason, message: string): ApproveOutcome => {
    deps.metrics.approvals.inc({ outcome: reason });
    return { ok: false, reason, message };
  };
  /** A refusal of a known proposal: counted by action, and on the incident's timeline. */
  const refuse = async (proposal: Proposal, reason: ApproveFailureReason, message: string) => {
    deps.metrics.proposalDecisions.inc({
      action: proposal.action.kind,
      decision: reason,
      cluster: clusterOf(proposal.target.cluster),
    });
    await recordRefusal(deps.incidents, {
      incidentId: proposal.incidentId,
      proposalId: proposal.id,
      action: proposal.action.kind,
      reason,
      message,
      by: input.userId,
    });
    return fail(reason, message);
  };
  if (!input.proposal) {
    try {
      await deps.queues.ping();
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      return fail("redis_unavailable", REDIS_DOWN);
    }
  }
  const proposal = input.proposal ?? (await deps.proposals.get(input.proposalId));
  if (!proposal) return fail("not_found", claimFailureMessage({ ok: false, reason: "not_found" }));
  if (proposal.incidentId && proposal.status === "pending") {
    const incident = await deps.incidents.get(proposal.incidentId);
    // Proposals from before the resolution are withdrawn with it; a next step offered after a fix
    // that did not hold, or anything proposed after the resolution, is still a way forward.
    const stale =
      incident?.status === "resolved" &&
      !proposal.keepAfterResolve &&
      proposal.createdAt <= (incident.resolvedAt ?? Number.MAX_SAFE_INTEGER);
    if (incident && stale) {
      await deps.proposals.expireForIncident(proposal.incidentId);
      return await refuse(
        proposal,
        "incident_resolved",
        claimFailureMessage({ ok: false, reason: "incident_resolved", at: incident.resolvedAt }),
      );
    }
  }
  const at = deps.now();
  // A proposal from a status thread belongs to the workload's open incident, if one is open now
  // (the worker credits it the same way when it runs the job).
  const creditedIncident =
    proposal.incidentId ??
    (await findOpenIncident(deps.incidents, proposal.target).catch(() => null))?.id ??
    null;
  const added = await addApproval(approvalDeps(deps), proposal, {
    userId: input.userId,
    at,
    ...(input.overrides ? { overrides: input.overrides } : {}),
  });
  switch (added.kind) {
    case "denied":
      return await refuse(proposal, "denied", added.message);
    case "params_differ":
      return await refuse(proposal, "params_differ", added.message);
    case "failed":
      return await refuse(proposal, added.failure.reason, claimFailureMessage(added.failure));
    case "partial": {
      deps.metrics.approvals.inc({ outcome: "partial" });
      deps.metrics.proposalDecisions.inc({
        action: proposal.action.kind,
        decision: "approved_partially",
        cluster: clusterOf(proposal.target.cluster),
      });
      await recordApproval(deps.incidents, {
        at,
        incidentId: creditedIncident,
        threadTs: proposal.threadTs,
        proposalId: proposal.id,
        action: proposal.action.kind,
        params: added.proposal.approvedParams ?? {},
        jobId: null,
        by: input.userId,
      });
      return { ok: true, kind: "partial", proposal: added.proposal, needed: added.needed };
    }
    case "claimed":
      break;
  }
  const claimed = added.proposal;
  const job = remediateJob(claimed);
  let jobId: string;
  try {
    jobId = (await deps.queues.enqueueRemediate(job)).jobId;
  } catch (error) {
    const prior = claimed.approvals.slice(0, -1);
    const released = await deps.proposals.release(claimed.id, input.userId, prior).catch(() => false);
    deps.metrics.jobsEnqueued.inc({
      queue: "remediate",
      outcome: "failed",
      cluster: clusterOf(job.target.cluster),
    });
    const why =
      error instanceof RedisUnavailableError ? "Redis is unavailable" : "the job could not be queued";
    return fail(
      "queue_failed",
      released
        ? `:warning: Not started: ${why}. The proposal is still open; please try again in a minute.`
        : `:warning: Not started: ${why}, and the approval could not be undone. Ask the bot for a fresh diagnosis.`,
    );
  }
  const cluster = clusterOf(job.target.cluster);
  deps.metrics.jobsEnqueued.inc({ queue: "remediate", outcome: "queued", cluster });
  deps.metrics.approvals.inc({ outcome: "approved" });
  deps.metrics.proposalDecisions.inc({ action: job.action, decision: "approved", cluster });
  // An incident expired after its retention is not recorded; the job is queued all the same.
  await recordApproval(deps.incidents, {
    at,
    incidentId: creditedIncident,
    threadTs: claimed.threadTs,
    proposalId: proposal.id,
    action: job.action,
    params: job.params,
    jobId,
    by: input.userId,
  });
  return { ok: true, kind: "queued", proposal: claimed, job, jobId };
}
