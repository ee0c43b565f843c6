// The worker's side of "trust an id, nothing else": before a remediate job touches the cluster,
// read the proposal it names, look up the approvers' groups, check the job against the sealed
// approval (packages/bot/src/approve/authority.ts) and take the proposal for this job, once. A refusal is
// logged, counted (remediations_refused_total{reason}) and told in the incident's thread when
// there is one (the thread of the incident in the store, never the job's replyTo); the job fails
// without a retry.
import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { checkAuthority, type Refusal } from "../approve/authority.ts";
import { findOpenIncident } from "../intake/find-open.ts";
import type { Logger } from "../logger.ts";
import { type Proposal, replyToOf } from "../propose/proposals.ts";
import { jobIds, type ReplyTo } from "../queue/jobs.ts";
import { escapeMrkdwn } from "../render/blocks/escape.ts";
import type { WorkerDeps } from "./deps.ts";
import type { RemediateJobData } from "./job-state.ts";
import { postBestEffort, record } from "./thread.ts";

export class RemediationRefused extends UnrecoverableError {
  readonly reason: Refusal["reason"];
  constructor(refusal: Refusal) {
    super(`Refused by the worker (${refusal.reason}): ${refusal.message}`);
    this.reason = refusal.reason;
  }
}

async function approverGroups(deps: WorkerDeps, proposal: Proposal | null) {
  const groups = new Map<string, readonly string[]>();
  const policy = deps.config.approval;
  if (!proposal || policy.anyoneMayApprove || policy.approverGroupIds.length === 0) return groups;
  for (const { userId } of proposal.approvals) {
    if (policy.approverUserIds.includes(userId)) continue;
    groups.set(userId, await deps.groups.groupsOf(userId, policy.approverGroupIds));
  }
  return groups;
}

/** The incident thread a refusal is told in: the proposal's incident, else the job's if it exists. */
async function incidentThread(
  deps: WorkerDeps,
  proposal: Proposal | null,
  data: RemediateJobData,
): Promise<ReplyTo | null> {
  const id = proposal?.incidentId ?? data.replyTo.incidentId;
  if (!id) return null;
  const incident = await deps.incidents.get(id).catch(() => null);
  if (!incident?.root) return null;
  return { channel: incident.root.channel, threadTs: incident.root.ts, incidentId: incident.id };
}

async function refuse(
  deps: WorkerDeps,
  log: Logger,
  refusal: Refusal,
  proposal: Proposal | null,
  data: RemediateJobData,
): Promise<never> {
  deps.metrics.refused.inc({ reason: refusal.reason });
  log.warn({ reason: refusal.reason, detail: refusal.message }, "remediation refused");
  const thread = await incidentThread(deps, proposal, data);
  if (thread) {
    const text = `:no_entry: The worker refused a remediation job (${refusal.reason}): ${escapeMrkdwn(refusal.message)}. Nothing was changed in the cluster.`;
    await postBestEffort(deps, log, thread, {
      text,
      blocks: [{ type: "section", text: { type: "mrkdwn", text: text.slice(0, 3000) } }],
    });
    await record(deps, log, thread, "remediation_refused", {
      proposalId: data.proposalId,
      action: data.action,
      reason: refusal.reason,
      message: refusal.message,
    }).catch((e: unknown) => log.warn({ err: e }, "could not record the refusal on the timeline"));
  }
  throw new RemediationRefused(refusal);
}

/**
 * The job as the approved proposal says it (action, params, target, where to answer, who
 * approved); throws RemediationRefused when the job is not backed by a valid approval.
 */
export async function authorise(
  deps: WorkerDeps,
  log: Logger,
  job: Pick<Job, "id" | "timestamp">,
  data: RemediateJobData,
): Promise<RemediateJobData> {
  const proposal = await deps.proposals.get(data.proposalId);
  const refusal = checkAuthority(data, proposal, {
    policy: deps.config.approval,
    signingKey: deps.config.approvalSigningKey,
    target: deps.config.runbook.target,
    cluster: deps.config.cluster,
    groups: await approverGroups(deps, proposal),
    now: deps.realNow(),
    maxAgeMs: deps.config.approvalMaxAgeMs,
  });
  if (refusal || !proposal)
    return await refuse(
      deps,
      log,
      refusal ?? { reason: "unknown_proposal", message: "no proposal" },
      proposal,
      data,
    );
  const jobId = String(job.id);
  if (jobId !== jobIds.remediate(proposal.id)) {
    return await refuse(
      deps,
      log,
      { reason: "wrong_job_id", message: `job ${jobId} is not the job of proposal ${proposal.id}` },
      proposal,
      data,
    );
  }
  // The job's creation time is part of the mark: the same job id added again is another job.
  const used = await deps.proposals.markUsed(proposal.id, `${jobId}@${job.timestamp}`, deps.realNow());
  if (!used.ok) {
    const message =
      used.reason === "used"
        ? `proposal ${proposal.id} was already used by job ${used.by.split("@")[0]}`
        : `proposal ${proposal.id} cannot be used (${used.reason})`;
    return await refuse(
      deps,
      log,
      { reason: used.reason === "used" ? "reused" : "not_approved", message },
      proposal,
      data,
    );
  }
  if (used.replicas === 0) {
    // REDIS_WAIT_REPLICAS asked for replicas and none acknowledged in time: a failover now could
    // forget the mark. The action still runs (idempotent: UID, fixed restartedAt, set values).
    log.warn({ proposalId: proposal.id }, "no Redis replica acknowledged the proposal's use in time");
  }
  // A proposal from a status thread belongs to the workload's open incident, found in the store.
  const replyTo = replyToOf(proposal);
  const incidentId =
    replyTo.incidentId ??
    (await findOpenIncident(deps.incidents, proposal.target).catch(() => null))?.id ??
    null;
  return {
    ...data,
    action: proposal.action.kind,
    params: proposal.approvedParams ?? {},
    target: {
      namespace: proposal.target.namespace,
      deployment: proposal.target.deployment,
      ...(proposal.target.cluster ? { cluster: proposal.target.cluster } : {}),
    },
    replyTo: { ...replyTo, incidentId },
    approvedBy: proposal.approvals.map((a) => a.userId).join(",") || (proposal.claimedBy ?? "unknown"),
    approvedAt: proposal.claimedAt ?? data.approvedAt,
  };
}
