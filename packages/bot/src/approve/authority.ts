// The worker's check of a remediate job against the proposal it names, before the cluster is
// touched. A job is only a pointer: everything it says (action, parameters, target) must equal the
// sealed, approved proposal, the approvals must satisfy the policy the worker runs with, and the
// target must be the workload the worker is configured for. Pure; the caller reads the proposal
// and the approvers' groups, and marks the proposal used afterwards.
import { clusterOf } from "../clusters/names.ts";
import { originOf, type Proposal, sealedApprovalOf } from "../propose/proposal-model.ts";
import { verifyOrigin, verifySeal } from "../propose/seal.ts";
import type { ActionParams, RemediateJob } from "../queue/jobs.ts";
import { CATALOG } from "../runbooks/high-memory/catalog/index.ts";
import { type ApprovalPolicy, approvalsSatisfy, rulesOf } from "./policy.ts";

export const REFUSAL_REASONS = [
  "unknown_proposal",
  "not_approved",
  "bad_seal",
  "policy",
  "wrong_target",
  "wrong_cluster",
  "altered_action",
  "altered_params",
  "altered_target",
  "reused",
  "wrong_job_id",
  "stale_approval",
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export type Refusal = { reason: RefusalReason; message: string };

export type AuthorityContext = {
  policy: ApprovalPolicy;
  signingKey: Buffer;
  /** The workload this worker may change. */
  target: { namespace: string; deployment: string };
  /** The cluster this worker runs in (CLUSTER): a proposal of another cluster is refused. */
  cluster?: string;
  /** Each approver's approver groups, as looked up now. */
  groups: ReadonlyMap<string, readonly string[]>;
  /** Real time now (approvals are stamped with the app's real clock), and how old one may be. */
  now: number;
  maxAgeMs: number;
};

export function sameParams(a: ActionParams, b: ActionParams): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ActionParams>;
  return [...keys].every((k) => a[k] === b[k]);
}

/** Null when `job` may run as the approved `proposal` says; else why not. */
export function checkAuthority(
  job: Pick<RemediateJob, "proposalId" | "action" | "params" | "target">,
  proposal: Proposal | null,
  ctx: AuthorityContext,
): Refusal | null {
  if (!proposal || proposal.id !== job.proposalId)
    return { reason: "unknown_proposal", message: `no proposal ${job.proposalId} exists` };
  const { approvedParams, claimedAt } = proposal;
  if (proposal.status !== "claimed" || claimedAt === null || approvedParams === null)
    return {
      reason: "not_approved",
      message: `proposal ${proposal.id} was never approved (${proposal.status})`,
    };
  if (!verifyOrigin(ctx.signingKey, originOf(proposal), proposal.originSeal))
    return {
      reason: "bad_seal",
      message: `proposal ${proposal.id} does not carry the seal the worker made it with (it was changed in Redis, or made with another key)`,
    };
  const sealed = sealedApprovalOf(proposal, {
    params: approvedParams,
    approvals: proposal.approvals,
    claimedAt,
  });
  if (!verifySeal(ctx.signingKey, sealed, proposal.seal))
    return {
      reason: "bad_seal",
      message: `proposal ${proposal.id} does not carry a valid approval seal (it was changed after approval, or approved with another key)`,
    };
  const policy = approvalsSatisfy({
    approvals: proposal.approvals.map((a) => ({
      userId: a.userId,
      userGroups: ctx.groups.get(a.userId) ?? [],
    })),
    requestedBy: proposal.requestedBy,
    actionKind: proposal.action.kind,
    rules: rulesOf(proposal.action),
    policy: ctx.policy,
  });
  if (ctx.now - claimedAt > ctx.maxAgeMs)
    return {
      reason: "stale_approval",
      message: `the approval is from ${new Date(claimedAt).toISOString()}, older than APPROVAL_MAX_AGE; approve a fresh proposal`,
    };
  if (policy)
    return { reason: "policy", message: `the approvals do not satisfy the approval policy: ${policy}` };
  const t = proposal.target;
  const mine = clusterOf(ctx.cluster);
  if (clusterOf(t.cluster) !== mine)
    return {
      reason: "wrong_cluster",
      message: `proposal ${proposal.id} is for cluster ${clusterOf(t.cluster)}; this worker runs in cluster ${mine}`,
    };
  if (t.namespace !== ctx.target.namespace || t.deployment !== ctx.target.deployment)
    return {
      reason: "wrong_target",
      message: `proposal ${proposal.id} targets ${t.namespace}/${t.deployment}; this worker only changes ${ctx.target.namespace}/${ctx.target.deployment}`,
    };
  if (
    CATALOG[proposal.action.kind].targetsPod &&
    (!t.pod || !t.podUid || t.pod !== approvedParams.pod || t.podUid !== approvedParams.podUid)
  )
    return { reason: "wrong_target", message: "the approved pod is not the proposal's target pod" };
  if (job.action !== proposal.action.kind)
    return {
      reason: "altered_action",
      message: `the job asks for ${job.action}; the approved action is ${proposal.action.kind}`,
    };
  if (!sameParams(job.params, approvedParams))
    return { reason: "altered_params", message: "the job's parameters differ from the approved ones" };
  if (
    job.target.namespace !== t.namespace ||
    job.target.deployment !== t.deployment ||
    clusterOf(job.target.cluster) !== clusterOf(t.cluster)
  )
    return {
      reason: "altered_target",
      message: `the job targets ${job.target.namespace}/${job.target.deployment}; the approved target is ${t.namespace}/${t.deployment}`,
    };
  return null;
}
