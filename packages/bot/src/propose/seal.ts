// The approval seal: an HMAC-SHA256 over the approved proposal (what, where, who asked, who approved
// and when), computed by the app when the last approval lands and checked by the worker before it
// touches the cluster. The key (APPROVAL_SIGNING_KEY, or one derived from the bot token) is held by
// the app and the worker only, so someone who can write to Redis cannot approve, alter or invent a
// proposal the worker will run. Pure.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { ActionKind, ActionParams } from "../queue/jobs.ts";

export type SealedApproval = {
  id: string;
  incidentId: string | null;
  kind: ActionKind;
  params: ActionParams;
  target: {
    namespace: string;
    deployment: string;
    pod?: string | undefined;
    podUid?: string | undefined;
    /** Sealed, so a proposal of one cluster cannot be passed to another cluster's worker. */
    cluster?: string | undefined;
  };
  requestedBy: string;
  channel: string;
  threadTs: string | null;
  approvals: readonly { userId: string; at: number }[];
  claimedAt: number;
};

/** JSON with object keys sorted and undefined fields dropped: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

const VERSION = "rdev-approval-v1";
const ORIGIN_VERSION = "rdev-proposal-v1";

/** A proposal as the worker made it (before anyone approved): what it may not lose or gain. */
export type SealedOrigin = {
  id: string;
  incidentId: string | null;
  kind: ActionKind;
  params: ActionParams;
  target: SealedApproval["target"];
  requestedBy: string;
  channel: string;
  threadTs: string | null;
  createdAt: number;
  expiresAt: number;
};

const mac = (key: Buffer, body: unknown) =>
  createHmac("sha256", key).update(canonicalJson(body)).digest("hex");

const sameMac = (expected: string, seal: string | null): boolean =>
  !!seal &&
  /^[0-9a-f]{64}$/.test(seal) &&
  timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(seal, "hex"));

/**
 * The seal the worker puts on a proposal when it makes one, checked before anyone may approve it:
 * a proposal edited in Redis (a lower limit made higher, an alert's proposal passed off as a
 * person's to need one approver instead of two) cannot be approved.
 */
export function sealOrigin(key: Buffer, o: SealedOrigin): string {
  return mac(key, {
    v: ORIGIN_VERSION,
    id: o.id,
    incidentId: o.incidentId,
    kind: o.kind,
    params: o.params,
    target: {
      namespace: o.target.namespace,
      deployment: o.target.deployment,
      pod: o.target.pod,
      podUid: o.target.podUid,
      cluster: o.target.cluster,
    },
    requestedBy: o.requestedBy,
    channel: o.channel,
    threadTs: o.threadTs,
    createdAt: o.createdAt,
    expiresAt: o.expiresAt,
  });
}

export function verifyOrigin(key: Buffer, o: SealedOrigin, seal: string | null): boolean {
  return sameMac(sealOrigin(key, o), seal);
}

export function sealApproval(key: Buffer, approval: SealedApproval): string {
  const body = canonicalJson({
    v: VERSION,
    id: approval.id,
    incidentId: approval.incidentId,
    kind: approval.kind,
    params: approval.params,
    target: {
      namespace: approval.target.namespace,
      deployment: approval.target.deployment,
      pod: approval.target.pod,
      podUid: approval.target.podUid,
      cluster: approval.target.cluster,
    },
    requestedBy: approval.requestedBy,
    channel: approval.channel,
    threadTs: approval.threadTs,
    approvals: approval.approvals.map((a) => ({ userId: a.userId, at: a.at })),
    claimedAt: approval.claimedAt,
  });
  return createHmac("sha256", key).update(body).digest("hex");
}

/** Whether `seal` is this key's seal of `approval` (constant-time comparison). */
export function verifySeal(key: Buffer, approval: SealedApproval, seal: string | null): boolean {
  if (!seal || !/^[0-9a-f]{64}$/.test(seal)) return false;
  const expected = Buffer.from(sealApproval(key, approval), "hex");
  return timingSafeEqual(expected, Buffer.from(seal, "hex"));
}

// The key itself comes from configuration (packages/bot/src/config/approval.ts).
export { signingKey } from "../config/approval.ts";
