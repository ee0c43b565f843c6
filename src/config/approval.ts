// Approval settings, read by the app (which asks) and the worker (which checks again before it
// touches the cluster), and the key that seals approvals between them.
import { z } from "zod";
import { ActionKind } from "../queue/jobs.ts";
import type { ApprovalPolicy } from "../remediation/policy.ts";
import { signingKey } from "../remediation/seal.ts";
import { booleanFlag } from "./shared.ts";

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
    .default("rolling-restart,raise-memory-limit,set-cache-ttl")
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
