// Approving a proposal: policy, then an atomic claim, then the remediate job. Decided order:
// PING Redis before claiming (a dead Redis changes nothing and the user is told; a proposal the
// caller has just read proves the same, so then neither the PING nor a second read is made), and
// RELEASE the claim if the job cannot be queued after all, so no claim is left dangling without
// its job. The claim is atomic and checks the state itself, so a just-read proposal is safe to use.
import { recordApproval, recordRefusal } from "../../history/record.ts";
import { findOpenIncident } from "../../incidents/find-open.ts";
import type { ActionParams, RemediateJob } from "../../queue/jobs.ts";
import { RedisUnavailableError } from "../../redis.ts";
import { type ApprovalDecision, mayApprove } from "../../remediation/policy.ts";
import { type ClaimFailure, claimFailureMessage, type Proposal } from "../../remediation/proposals.ts";
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
  /** The thread the worker should answer in. */
  threadTs: string | null;
  /** Values the approver changed in the modal. */
  overrides?: Partial<ActionParams>;
  /** The proposal as the caller has just read it (Redis answered): saves a PING and a read. */
  proposal?: Proposal;
};

export type ApproveFailureReason = ClaimFailure["reason"] | "denied" | "redis_unavailable" | "queue_failed";

export type ApproveOutcome =
  | { ok: true; proposal: Proposal; job: RemediateJob; jobId: string }
  | { ok: false; reason: ApproveFailureReason; message: string };

const REDIS_DOWN =
  ":warning: I cannot reach Redis right now, so nothing was approved or started. Please try again in a minute.";

/** The approval policy's answer for `userId` on `proposal` (looks up user groups when needed). */
export async function checkPolicy(
  deps: Pick<ApproveDeps, "config" | "groups">,
  proposal: Proposal,
  userId: string,
): Promise<ApprovalDecision> {
  const policy = deps.config.approval;
  const needGroups =
    !policy.anyoneMayApprove &&
    !policy.approverUserIds.includes(userId) &&
    policy.approverGroupIds.length > 0;
  const userGroups = needGroups ? await deps.groups.groupsOf(userId, policy.approverGroupIds) : [];
  return mayApprove({
    userId,
    userGroups,
    requestedBy: proposal.requestedBy,
    actionKind: proposal.action.kind,
    policy,
  });
}

function remediateJob(
  proposal: Proposal,
  input: ApproveInput,
  at: number,
  incidentId: string | null,
): RemediateJob {
  const params: ActionParams = { ...proposal.action.params, ...input.overrides };
  // A rollout restart writes this fixed value: a retried job restarts once, not twice.
  if (proposal.action.kind === "rolling-restart") params.restartedAt = new Date(at).toISOString();
  return {
    proposalId: proposal.id,
    action: proposal.action.kind,
    params,
    target: { namespace: proposal.target.namespace, deployment: proposal.target.deployment },
    replyTo: { channel: proposal.channel, threadTs: input.threadTs, incidentId },
    approvedBy: input.userId,
    approvedAt: at,
  };
}

export async function approveProposal(deps: ApproveDeps, input: ApproveInput): Promise<ApproveOutcome> {
  const fail = (reason: ApproveFailureReason, message: string): ApproveOutcome => {
    deps.metrics.approvals.inc({ outcome: reason });
    return { ok: false, reason, message };
  };
  /** A refusal of a known proposal: counted by action, and on the incident's timeline. */
  const refuse = async (proposal: Proposal, reason: ApproveFailureReason, message: string) => {
    deps.metrics.proposalDecisions.inc({ action: proposal.action.kind, decision: reason });
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
  const decision = await checkPolicy(deps, proposal, input.userId);
  if (!decision.allowed) return await refuse(proposal, "denied", decision.message);
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
  const claim = await deps.proposals.claim(input.proposalId, input.userId, at);
  if (!claim.ok) return await refuse(proposal, claim.reason, claimFailureMessage(claim));
  // A proposal from a status thread belongs to the workload's open incident, if one is open now.
  const incidentId =
    proposal.incidentId ??
    (await findOpenIncident(deps.incidents, proposal.target).catch(() => null))?.id ??
    null;
  const job = remediateJob(claim.proposal, input, at, incidentId);
  let jobId: string;
  try {
    jobId = (await deps.queues.enqueueRemediate(job)).jobId;
  } catch (error) {
    const released = await deps.proposals.release(input.proposalId, input.userId).catch(() => false);
    deps.metrics.jobsEnqueued.inc({ queue: "remediate", outcome: "failed" });
    const why =
      error instanceof RedisUnavailableError ? "Redis is unavailable" : "the job could not be queued";
    return fail(
      "queue_failed",
      released
        ? `:warning: Not started: ${why}. The proposal is still open; please try again in a minute.`
        : `:warning: Not started: ${why}, and the approval could not be undone. Ask the bot for a fresh diagnosis.`,
    );
  }
  deps.metrics.jobsEnqueued.inc({ queue: "remediate", outcome: "queued" });
  deps.metrics.approvals.inc({ outcome: "approved" });
  deps.metrics.proposalDecisions.inc({ action: job.action, decision: "approved" });
  // An incident expired after its retention is not recorded; the job is queued all the same.
  await recordApproval(deps.incidents, {
    at,
    incidentId,
    threadTs: input.threadTs,
    proposalId: proposal.id,
    action: job.action,
    params: job.params,
    jobId,
    by: input.userId,
  });
  return { ok: true, proposal: claim.proposal, job, jobId };
}
