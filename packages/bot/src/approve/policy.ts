// Who may approve a remediation, and how many people it takes. Pure: the caller resolves the
// clicking user's Slack user groups (usergroups.users.list) and passes them in. The app checks a
// click with mayApprove; the worker checks the whole approved proposal with approvalsSatisfy, under
// the policy it is configured with, before it touches the cluster.
import { ApprovalPolicy, RISKY_ACTIONS } from "../config/approval.ts";
import { ActionKind } from "../queue/jobs.ts";
import { CATALOG } from "../runbooks/high-memory/catalog/index.ts";

// The policy's shape is a setting (packages/bot/src/config/approval.ts); this module applies it.
export { ActionKind, ApprovalPolicy, RISKY_ACTIONS };

/** What people read instead of an action id. */
export const ACTION_NAMES = Object.fromEntries(Object.values(CATALOG).map((a) => [a.kind, a.name])) as Record<
  ActionKind,
  string
>;

/** A Slack user id; anything else ("alertmanager") means the bot proposed the action itself. */
export const isPerson = (requestedBy: string): boolean => /^[UW][A-Z0-9]+$/.test(requestedBy);

/**
 * The change whose approval rules an action follows: an undo is approved like the change it undoes
 * (`params.undoes`), so it takes the same people; any other action follows its own.
 */
export function rulesOf(action: {
  kind: ActionKind;
  params?: { undoes?: ActionKind | undefined };
}): ActionKind {
  return action.kind === "undo" && action.params?.undoes ? action.params.undoes : action.kind;
}

/** Whether `actionKind` (an undo: or the change it undoes) is one of FOUR_EYES_ACTIONS. */
function fourEyes(
  policy: Pick<ApprovalPolicy, "fourEyesActions">,
  actionKind: ActionKind,
  rules: ActionKind | undefined,
): boolean {
  return (
    policy.fourEyesActions.includes(actionKind) ||
    (rules !== undefined && policy.fourEyesActions.includes(rules))
  );
}

/** How many different people must approve `actionKind` proposed by `requestedBy`. */
export function requiredApprovals(
  actionKind: ActionKind,
  requestedBy: string,
  policy: Pick<ApprovalPolicy, "fourEyesActions">,
  rules?: ActionKind,
): 1 | 2 {
  return fourEyes(policy, actionKind, rules) && !isPerson(requestedBy) ? 2 : 1;
}

export type ApprovalRequest = {
  userId: string;
  /** Ids of the Slack user groups the user belongs to. */
  userGroups: readonly string[];
  /** Who asked for the action (the proposal's requestedBy): a Slack user id or "alertmanager". */
  requestedBy: string;
  actionKind: ActionKind;
  /** The change whose rules apply (rulesOf: an undo's undone change); default actionKind. */
  rules?: ActionKind;
  policy: ApprovalPolicy;
  /** Who has approved this proposal already (a two-person action waiting for its second). */
  approvedBy?: readonly string[];
};

export type DenialReason =
  | "no_approvers_configured"
  | "not_an_approver"
  | "requester_may_not_approve"
  | "already_approved"
  /** The proposal is not as the bot made it (its origin seal does not match). */
  | "tampered";

export type ApprovalDecision =
  | { allowed: true }
  | { allowed: false; reason: DenialReason /** One sentence for the user. */; message: string };

const mention = (id: string) => `<@${id}>`;

/** "<@U1>, <@U2> or anyone in <!subteam^S1>", without `exclude`; null when nobody is configured. */
export function whoCanApprove(policy: ApprovalPolicy, excluded: readonly string[] = []): string | null {
  const exclude = [...new Set(excluded.filter(isPerson))];
  if (policy.anyoneMayApprove) {
    return exclude.length > 0 ? `anyone other than ${exclude.map(mention).join(" and ")}` : "anyone";
  }
  const people = policy.approverUserIds.filter((u) => !exclude.includes(u)).map(mention);
  const groups = policy.approverGroupIds.map((g) => `<!subteam^${g}>`);
  const parts = [...people, ...(groups.length > 0 ? [`anyone in ${groups.join(", ")}`] : [])];
  if (parts.length === 0) return null;
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} or ${parts.at(-1)}`;
  const but =
    exclude.length > 0 && groups.length > 0 ? ` (other than ${exclude.map(mention).join(" and ")})` : "";
  return `${list}${but}`;
}

/** Whether `userId` may approve `actionKind` under `policy` (one click). */
export function mayApprove(request: ApprovalRequest): ApprovalDecision {
  const { userId, userGroups, requestedBy, actionKind, policy } = request;
  const approvedBy = request.approvedBy ?? [];
  const name = ACTION_NAMES[actionKind];
  if (!policy.anyoneMayApprove) {
    if (policy.approverUserIds.length === 0 && policy.approverGroupIds.length === 0) {
      return {
        allowed: false,
        reason: "no_approvers_configured",
        message:
          "Nobody may approve remediations yet: configure approver user ids or an approver user group for the bot.",
      };
    }
    const byUser = policy.approverUserIds.includes(userId);
    const byGroup = policy.approverGroupIds.some((group) => userGroups.includes(group));
    if (!byUser && !byGroup) {
      const who = whoCanApprove(policy, [requestedBy, ...approvedBy]);
      return {
        allowed: false,
        reason: "not_an_approver",
        message: `You are not an approver for remediations${who ? `. Who can approve: ${who}` : ""}.`,
      };
    }
  }
  if (approvedBy.includes(userId)) {
    const who = whoCanApprove(policy, [requestedBy, ...approvedBy]);
    return {
      allowed: false,
      reason: "already_approved",
      message: `You have already approved *${name}*; it needs a second, different person${who ? `: ${who}` : ""}.`,
    };
  }
  if (userId === requestedBy && fourEyes(policy, actionKind, request.rules)) {
    const who = whoCanApprove(policy, [requestedBy]);
    return {
      allowed: false,
      reason: "requester_may_not_approve",
      message: `*${name}* needs a second person: someone other than the requester has to approve it${who ? `. Who can approve: ${who}` : ""}.`,
    };
  }
  return { allowed: true };
}

/** One approval as the worker checks it: who, and the approver groups they belong to now. */
export type CheckedApproval = { userId: string; userGroups: readonly string[] };

/**
 * Whether these approvals, together, authorise the action under `policy`: each approver may
 * approve on their own, they are different people, and there are as many as the action needs.
 * Null when they do; else why not, in one sentence.
 */
export function approvalsSatisfy(options: {
  approvals: readonly CheckedApproval[];
  requestedBy: string;
  actionKind: ActionKind;
  /** The change whose rules apply (rulesOf); default actionKind. */
  rules?: ActionKind;
  policy: ApprovalPolicy;
}): string | null {
  const { approvals, requestedBy, actionKind, policy, rules } = options;
  const ids = approvals.map((a) => a.userId);
  if (new Set(ids).size !== ids.length) return "the same person approved twice";
  const required = requiredApprovals(actionKind, requestedBy, policy, rules);
  if (ids.length < required)
    return `${ACTION_NAMES[actionKind]} needs ${required} approvers and has ${ids.length}`;
  for (const a of approvals) {
    const decision = mayApprove({ ...a, requestedBy, actionKind, policy, ...(rules ? { rules } : {}) });
    if (!decision.allowed) return `<@${a.userId}> may not approve it (${decision.reason})`;
  }
  return null;
}

/** Splits a comma/space separated id list from configuration ("U1, U2" -> ["U1", "U2"]). */
export function parseIdList(text: string | undefined): string[] {
  return (text ?? "")
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
