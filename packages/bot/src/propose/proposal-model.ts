// The proposal as stored in Redis and decoded from its hash, the sealed view of an approved one,
// and the sentences for a click that lost. Pure.
import { z } from "zod";
import { ActionKind, ActionParams } from "../queue/jobs.ts";
import type { SealedApproval, SealedOrigin } from "./seal.ts";

export type ProposalTarget = {
  namespace: string;
  deployment: string;
  pod?: string;
  podUid?: string;
  /** The cluster whose worker made it and may run it (sealed); absent: the default cluster. */
  cluster?: string;
};

export type ProposalInput = {
  incidentId: string | null;
  action: { kind: ActionKind; params: ActionParams };
  target: ProposalTarget;
  /** Slack user id, or "alertmanager" for proposals the bot made on its own. */
  requestedBy: string;
  channel: string;
  /** The thread the buttons are posted in (results go there); null: a top-level message. */
  threadTs?: string | null;
  /** The message carrying the buttons; null until it is posted (see attachMessage). */
  messageTs: string | null;
  expiresAt: number;
  /** Stays pending when the incident resolves (a next step after a fix that did not hold). */
  keepAfterResolve?: boolean;
};

export type ProposalStatus = "pending" | "claimed" | "cancelled" | "incident_resolved";

export const Approval = z.object({ userId: z.string().min(1), at: z.number().int() });
export type Approval = z.infer<typeof Approval>;

export type Proposal = Omit<ProposalInput, "threadTs"> & {
  id: string;
  threadTs: string | null;
  createdAt: number;
  status: ProposalStatus;
  /** Who approved so far, in order (two-person actions collect two). */
  approvals: Approval[];
  /** The parameters as approved (the modal's value, a rollout restart's fixed time); null before. */
  approvedParams: ActionParams | null;
  /** HMAC of the approved proposal (seal.ts), set with the completing approval. */
  seal: string | null;
  /** HMAC of the proposal as the worker made it (seal.ts sealOrigin); checked before any approval. */
  originSeal: string | null;
  claimedBy: string | null;
  claimedAt: number | null;
  cancelledBy: string | null;
  cancelledAt: number | null;
  /** The remediate job that used the approval (the worker marks it, once). */
  usedBy: string | null;
  usedAt: number | null;
};

export type ClaimFailure =
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "expired"; expiredAt: number }
  | { ok: false; reason: "already_claimed"; by: string; at: number }
  | { ok: false; reason: "incident_resolved"; at: number | null }
  | { ok: false; reason: "cancelled"; by: string | null; at: number | null };

export type ClaimResult = { ok: true; proposal: Proposal } | ClaimFailure;

const num = (v: unknown): number | null => (v === undefined || v === null || v === "" ? null : Number(v));
const str = (v: unknown): string | null => (v === undefined || v === null || v === "" ? null : String(v));

function parsed<T>(schema: z.ZodType<T>, text: string | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : fallback;
  } catch {
    return fallback;
  }
}

const StoredAction = z.object({ kind: ActionKind, params: ActionParams });
const StoredTarget = z.object({
  namespace: z.string(),
  deployment: z.string(),
  pod: z.string().optional(),
  podUid: z.string().optional(),
  cluster: z.string().optional(),
});

/** A Proposal from its Redis hash; null for an empty hash (unknown or expired id) or a mangled one. */
export function decodeProposal(hash: Record<string, string>): Proposal | null {
  if (!hash.id) return null;
  const action = parsed(StoredAction, hash.action, null);
  const target = parsed(StoredTarget, hash.target, null);
  if (!action || !target) return null;
  const status: ProposalStatus =
    hash.status === "claimed" || hash.status === "cancelled" || hash.status === "incident_resolved"
      ? hash.status
      : "pending";
  return {
    id: hash.id,
    incidentId: str(hash.incidentId),
    action,
    target: JSON.parse(JSON.stringify(target)) as ProposalTarget,
    requestedBy: hash.requestedBy ?? "",
    channel: hash.channel ?? "",
    threadTs: str(hash.threadTs),
    messageTs: str(hash.messageTs),
    createdAt: num(hash.createdAt) ?? 0,
    expiresAt: num(hash.expiresAt) ?? 0,
    keepAfterResolve: hash.keepAfterResolve === "1",
    status,
    approvals: parsed(z.array(Approval), hash.approvals, []),
    approvedParams: parsed(ActionParams.nullable(), hash.approvedParams, null),
    seal: str(hash.seal),
    originSeal: str(hash.originSeal),
    claimedBy: str(hash.claimedBy),
    claimedAt: num(hash.claimedAt),
    cancelledBy: str(hash.cancelledBy),
    cancelledAt: num(hash.cancelledAt),
    usedBy: str(hash.usedBy),
    usedAt: num(hash.usedAt),
  };
}

/** What the origin seal covers. */
export function originOf(p: Proposal): SealedOrigin {
  return {
    id: p.id,
    incidentId: p.incidentId,
    kind: p.action.kind,
    params: p.action.params,
    target: p.target,
    requestedBy: p.requestedBy,
    channel: p.channel,
    threadTs: p.threadTs,
    createdAt: p.createdAt,
    expiresAt: p.expiresAt,
  };
}

/** What the seal covers, from a proposal (with `approvals` and `claimedAt` as given). */
export function sealedApprovalOf(
  p: Proposal,
  approved: { params: ActionParams; approvals: readonly Approval[]; claimedAt: number },
): SealedApproval {
  return {
    id: p.id,
    incidentId: p.incidentId,
    kind: p.action.kind,
    params: approved.params,
    target: p.target,
    requestedBy: p.requestedBy,
    channel: p.channel,
    threadTs: p.threadTs,
    approvals: approved.approvals,
    claimedAt: approved.claimedAt,
  };
}

/** Where the worker answers for a proposal: its stored channel and thread, never a click's. */
export function replyToOf(p: Proposal): {
  channel: string;
  threadTs: string | null;
  incidentId: string | null;
} {
  return { channel: p.channel, threadTs: p.threadTs ?? p.messageTs, incidentId: p.incidentId };
}

/** One sentence for the user whose click lost, e.g. in an ephemeral reply. */
export function claimFailureMessage(failure: ClaimFailure): string {
  const when = (ms: number | null) => (ms ? new Date(ms).toISOString().slice(11, 16) : "earlier");
  switch (failure.reason) {
    case "not_found":
      return "This proposal no longer exists (it expired a while ago). Ask the bot for a fresh diagnosis.";
    case "expired":
      return `This proposal expired at ${when(failure.expiredAt)} UTC. Ask the bot for a fresh diagnosis before acting.`;
    case "already_claimed":
      return `<@${failure.by}> already approved this at ${when(failure.at)} UTC; nothing more to do.`;
    case "incident_resolved":
      return "The incident was resolved, so this proposal was withdrawn.";
    case "cancelled":
      return `This proposal was dismissed${failure.by ? ` by <@${failure.by}>` : ""} at ${when(failure.at)} UTC.`;
  }
}
