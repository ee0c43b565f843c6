// Approval settings, read by the app (which asks) and the worker (which checks again before it
// touches the cluster), and the key that seals approvals between them.
import { createHmac } from "node:crypto";
import { z } from "zod";
import { ActionKind } from "../queue/jobs.ts";
import { kindsWhere } from "../runbooks/high-memory/catalog/index.ts";
import { booleanFlag } from "./shared.ts";

/** Actions that change the whole deployment: by default they need a second person to approve. */
export const RISKY_ACTIONS: readonly ActionKind[] = kindsWhere((a) => a.risky);

export const ApprovalPolicy = z.object({
  /** Slack user ids (U…/W…) allowed to approve. */
  approverUserIds: z.array(z.string().regex(/^[UW][A-Z0-9]+$/, "must be a Slack user id like U0123ABCD")),
  /** Slack user group ids (S…) whose members may approve, e.g. the on-call group. */
  approverGroupIds: z.array(z.string().regex(/^S[A-Z0-9]+$/, "must be a Slack user group id like S0123ABCD")),
  /** Everyone in the channel may approve (demo and small teams); the lists above are then ignored. */
  anyoneMayApprove: z.boolean().default(false),
  /**
   * Actions that take two people: someone other than the requester when a person asked, two
   * different approvers when the bot proposed it on its own (an alert).
   */
  fourEyesActions: z.array(ActionKind).default([...RISKY_ACTIONS]),
});
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

/**
 * The signing key: APPROVAL_SIGNING_KEY when set, else derived from the Slack bot token (which the
 * app and the worker both hold and Redis never sees). Rotating either invalidates approved jobs
 * that have not started yet.
 */
export function signingKey(configured: string | null, botToken: string): Buffer {
  if (configured) return createHmac("sha256", "rdev-approval-signing-key").update(configured).digest();
  return createHmac("sha256", "rdev-approval-signing-key-from-bot-token").update(botToken).digest();
}

const slackId = (prefix: string, example: string) =>
  z.string().regex(new RegExp(`^[${prefix}][A-Z0-9]{2,}$`), `must be a Slack id like ${example}`);

export const idList = (prefix: string, example: string) =>
  z
    .string()
    .default("")
    .transform((text) =>
      text
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .pipe(z.array(slackId(prefix, example)));

export const ApprovalEnvShape = {
  APPROVER_USER_IDS: idList("UW", "U0123ABCD"),
  APPROVER_GROUP_IDS: idList("S", "S0123ABCD"),
  APPROVE_ANYONE: booleanFlag(false),
  FOUR_EYES_ACTIONS: z
    .string()
    .default(kindsWhere((a) => a.fourEyesByDefault).join(","))
    .transform((text) => text.split(/[\s,]+/).filter((s) => s.length > 0))
    .pipe(z.array(ActionKind)),
  /** HMAC key sealing approvals (app and worker); unset: derived from SLACK_BOT_TOKEN. */
  APPROVAL_SIGNING_KEY: z
    .string()
    .min(32, "must be at least 32 characters (openssl rand -hex 32)")
    .optional(),
};

type ApprovalEnv = {
  APPROVER_USER_IDS: string[];
  APPROVER_GROUP_IDS: string[];
  APPROVE_ANYONE: boolean;
  FOUR_EYES_ACTIONS: ActionKind[];
  APPROVAL_SIGNING_KEY?: string | undefined;
  SLACK_BOT_TOKEN: string;
};

export function approvalSettings(e: ApprovalEnv): { approval: ApprovalPolicy; approvalSigningKey: Buffer } {
  return {
    approval: {
      approverUserIds: e.APPROVER_USER_IDS,
      approverGroupIds: e.APPROVER_GROUP_IDS,
      anyoneMayApprove: e.APPROVE_ANYONE,
      fourEyesActions: e.FOUR_EYES_ACTIONS,
    },
    approvalSigningKey: signingKey(e.APPROVAL_SIGNING_KEY ?? null, e.SLACK_BOT_TOKEN),
  };
}
