// Who may approve a remediation. Pure: the caller resolves the clicking user's Slack user groups
// (usergroups.users.list) and passes them in.
import { z } from "zod";
import { ActionKind } from "../queue/jobs.ts";

export { ActionKind };

/** Actions that change the whole deployment: by default they need a second person to approve. */
export const RISKY_ACTIONS = [
  "rolling-restart",
  "raise-memory-limit",
  "set-cache-ttl",
  "rollback",
] as const satisfies readonly ActionKind[];

export const ApprovalPolicy = z.object({
  /** Slack user ids (U…/W…) allowed to approve. */
  approverUserIds: z.array(z.string().regex(/^[UW][A-Z0-9]+$/, "must be a Slack user id like U0123ABCD")),
  /** Slack user group ids (S…) whose members may approve, e.g. the on-call group. */
  approverGroupIds: z.array(z.string().regex(/^S[A-Z0-9]+$/, "must be a Slack user group id like S0123ABCD")),
  /** Everyone in the channel may approve (demo and small teams); the lists above are then ignored. */
  anyoneMayApprove: z.boolean().default(false),
  /** Actions the requester may not approve themselves (four-eyes). */
  fourEyesActions: z.array(ActionKind).default([...RISKY_ACTIONS]),
});
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

export type ApprovalRequest = {
  userId: string;
  /** Ids of the Slack user groups the user belongs to. */
  userGroups: readonly string[];
  /** Who asked for the action (the proposal's requestedBy): a Slack user id or "alertmanager". */
  requestedBy: string;
  actionKind: ActionKind;
  policy: ApprovalPolicy;
};

export type DenialReason = "no_approvers_configured" | "not_an_approver" | "requester_may_not_approve";

export type ApprovalDecision =
  | { allowed: true }
  | { allowed: false; reason: DenialReason /** One sentence for the user. */; message: string };

/** Whether `userId` may approve `actionKind` under `policy`. */
export function mayApprove(request: ApprovalRequest): ApprovalDecision {
  const { userId, userGroups, requestedBy, actionKind, policy } = request;
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
      const groups = policy.approverGroupIds.map((g) => `<!subteam^${g}>`).join(", ");
      return {
        allowed: false,
        reason: "not_an_approver",
        message: `You are not an approver for remediations${groups ? `; ask someone in ${groups}` : "; ask one of the configured approvers"}.`,
      };
    }
  }
  if (userId === requestedBy && policy.fourEyesActions.includes(actionKind)) {
    return {
      allowed: false,
      reason: "requester_may_not_approve",
      message: `"${actionKind}" needs a second person: someone other than the requester has to approve it.`,
    };
  }
  return { allowed: true };
}

/** Splits a comma/space separated id list from configuration ("U1, U2" -> ["U1", "U2"]). */
export function parseIdList(text: string | undefined): string[] {
  return (text ?? "")
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
