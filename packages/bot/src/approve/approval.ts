// One person's approval of a proposal, decided and stored: the policy for this person (with who
// approved before), how many approvals the action needs, the parameters being approved, and the
// seal once the last approval lands. The store's compare-and-set makes concurrent approvals (a
// double click, two replicas, two people at once) count exactly once each; on a conflict the
// proposal is read again and the decision made again.

import {
  type ClaimFailure,
  originOf,
  type Proposal,
  type ProposalStore,
  sealedApprovalOf,
} from "../propose/proposals.ts";
import { sealApproval, verifyOrigin } from "../propose/seal.ts";
import type { ActionParams } from "../queue/jobs.ts";
import { CATALOG } from "../runbooks/high-memory/catalog/index.ts";
import { sameParams } from "./authority.ts";
import {
  type ApprovalDecision,
  type ApprovalPolicy,
  mayApprove,
  requiredApprovals,
  rulesOf,
  whoCanApprove,
} from "./policy.ts";

export type AddApprovalDeps = {
  proposals: Pick<ProposalStore, "get" | "approve">;
  policy: ApprovalPolicy;
  signingKey: Buffer;
  /** The approver user groups `userId` belongs to (only asked when the policy needs it). */
  groupsOf(userId: string): Promise<string[]>;
};

export type AddApprovalInput = {
  userId: string;
  at: number;
  /** Values the approver set in the modal. */
  overrides?: Partial<ActionParams>;
};

export type AddApprovalOutcome =
  | { kind: "claimed"; proposal: Proposal }
  /** Recorded; the action waits for another approver (`needed` says who can give it). */
  | { kind: "partial"; proposal: Proposal; needed: string }
  | { kind: "denied"; reason: string; message: string }
  | { kind: "params_differ"; message: string }
  | { kind: "failed"; failure: ClaimFailure };

/** Whether `userId` may add an approval to `proposal` now (looks up user groups when needed). */
export async function decideFor(
  deps: Pick<AddApprovalDeps, "policy" | "groupsOf" | "signingKey">,
  proposal: Proposal,
  userId: string,
): Promise<ApprovalDecision> {
  if (!verifyOrigin(deps.signingKey, originOf(proposal), proposal.originSeal)) {
    return {
      allowed: false,
      reason: "tampered",
      message:
        "This proposal was changed after the bot made it (or made with another key), so nobody can approve it. Ask for a fresh diagnosis.",
    };
  }
  const { policy } = deps;
  const needGroups =
    !policy.anyoneMayApprove &&
    !policy.approverUserIds.includes(userId) &&
    policy.approverGroupIds.length > 0;
  return mayApprove({
    userId,
    userGroups: needGroups ? await deps.groupsOf(userId) : [],
    requestedBy: proposal.requestedBy,
    actionKind: proposal.action.kind,
    rules: rulesOf(proposal.action),
    policy,
    approvedBy: proposal.approvals.map((a) => a.userId),
  });
}

/** "someone other than <@U1>: <@U2> or anyone in <!subteam^S1>" for the thread and the buttons. */
export function neededText(policy: ApprovalPolicy, proposal: Proposal): string {
  const exclude = [proposal.requestedBy, ...proposal.approvals.map((a) => a.userId)].filter((u) =>
    /^[UW]/.test(u),
  );
  return whoCanApprove(policy, exclude) ?? "a configured approver";
}

export async function addApproval(
  deps: AddApprovalDeps,
  first: Proposal,
  input: AddApprovalInput,
): Promise<AddApprovalOutcome> {
  let proposal = first;
  for (let attempt = 0; attempt < 5; attempt++) {
    // A decided proposal is refused by the store ("already approved by ..."), whoever clicks.
    if (
      proposal.status === "pending" ||
      !verifyOrigin(deps.signingKey, originOf(proposal), proposal.originSeal)
    ) {
      const decision = await decideFor(deps, proposal, input.userId);
      if (!decision.allowed) return { kind: "denied", reason: decision.reason, message: decision.message };
    }
    const prior = proposal.approvals;
    let params: ActionParams;
    // A decided proposal is the store's to refuse ("already approved by ..."), whatever the values.
    if (prior.length > 0 && proposal.approvedParams && proposal.status === "pending") {
      params = { ...proposal.approvedParams };
      const asked = { ...params, ...input.overrides };
      if (!sameParams(asked, params)) {
        return {
          kind: "params_differ",
          message: `<@${prior[0]?.userId}> approved different values (${JSON.stringify(params)}); approve those, or dismiss the proposal and ask for a new one.`,
        };
      }
    } else {
      params = { ...proposal.action.params, ...input.overrides };
    }
    const required = requiredApprovals(
      proposal.action.kind,
      proposal.requestedBy,
      deps.policy,
      rulesOf(proposal.action),
    );
    const final = prior.length + 1 >= required;
    // A rollout restart writes this fixed value: a retried job restarts once, not twice.
    if (final && CATALOG[proposal.action.kind].stampsRestart)
      params.restartedAt ??= new Date(input.at).toISOString();
    const approvals = [...prior, { userId: input.userId, at: input.at }];
    const seal = final
      ? sealApproval(deps.signingKey, sealedApprovalOf(proposal, { params, approvals, claimedAt: input.at }))
      : null;
    const result = await deps.proposals.approve(proposal.id, {
      userId: input.userId,
      at: input.at,
      prior,
      params,
      final,
      seal,
    });
    if (result.ok) return { kind: "claimed", proposal: result.proposal };
    if (result.reason === "partial")
      return { kind: "partial", proposal: result.proposal, needed: neededText(deps.policy, result.proposal) };
    if (result.reason !== "conflict") return { kind: "failed", failure: result };
    const again = await deps.proposals.get(proposal.id);
    if (!again) return { kind: "failed", failure: { ok: false, reason: "not_found" } };
    proposal = again;
  }
  return {
    kind: "failed",
    failure: {
      ok: false,
      reason: "already_claimed",
      by: proposal.claimedBy ?? "someone",
      at: proposal.claimedAt ?? 0,
    },
  };
}
