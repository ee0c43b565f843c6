// Remediation proposals in Redis: server-side truth for approval buttons. A button carries only the
// opaque proposal id; approve() is one Lua script (compare-and-set on the approvals so far), so a
// double click, a second replica or a replayed payload cannot start a second job, and a
// two-person action cannot be completed twice or by one person clicking twice.
//
// Layout under prefix P (default KEY_PREFIX, "{rdev}"):
//   P:proposal:<id>                 hash  fields of Proposal (action/target/approvals as JSON)
//   P:proposals:incident:<incident> set   proposal ids of an incident, for expireForIncident
// A proposal hash expires `retentionMs` after its expiry (pending) or after its claim/cancel, so
// late clicks still get "expired"/"already claimed" for a while, then "not_found".

import { randomUUID } from "node:crypto";
import { storedCluster } from "../clusters/names.ts";
import type { ActionParams } from "../queue/jobs.ts";
import { type Durability, evalScript, type RedisClient, waitForReplicas, withRedis } from "../redis.ts";
import { KEY_PREFIX } from "../redis-keys.ts";
import {
  type Approval,
  type ClaimFailure,
  type ClaimResult,
  decodeProposal,
  type Proposal,
  type ProposalInput,
} from "./proposal-model.ts";
import { APPROVE, CANCEL, EXPIRE_FOR_INCIDENT, MARK_USED, RELEASE } from "./proposal-scripts.ts";
import { sealOrigin } from "./seal.ts";

export * from "./proposal-model.ts";

export type ProposalStoreOptions = {
  redis: RedisClient;
  prefix?: string;
  newId?: () => string;
  now?: () => number;
  /** How long a finished or expired proposal stays readable. Default 24 h. */
  retentionMs?: number;
  /** APPROVAL_SIGNING_KEY: new proposals get an origin seal (without one nobody can approve them). */
  signingKey?: Buffer;
  /**
   * Replicas a proposal marked used waits for (REDIS_WAIT_REPLICAS) before the worker touches the
   * cluster, so a failover cannot forget that this job has used it.
   */
  durability?: Durability;
  /** The worker's cluster (CLUSTER): its new proposals name it in their target. */
  cluster?: string;
};

export type ApproveRequest = {
  userId: string;
  /** Default: the store's clock. */
  at?: number;
  /** The approvals the caller read (compare-and-set). */
  prior: readonly Approval[];
  /** The parameters being approved. */
  params: ActionParams;
  /** This approval completes the proposal: it is claimed, with `seal`. */
  final: boolean;
  seal: string | null;
};

export type ApproveResult =
  | { ok: true; proposal: Proposal }
  | { ok: false; reason: "partial"; proposal: Proposal }
  | { ok: false; reason: "conflict" }
  | ClaimFailure;

export type MarkUsedResult =
  /** replicas: how many acknowledged the mark (WAIT), null when none were asked for. */
  | { ok: true; replicas: number | null }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "not_claimed"; status: string }
  | { ok: false; reason: "used"; by: string; at: number | null };

/** Proposal ids become BullMQ job ids, which may not contain ":". */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

/** The stored form of a list of approvals ('' for none), as approve() compares it. */
export const approvalsText = (approvals: readonly Approval[]): string =>
  approvals.length === 0 ? "" : JSON.stringify(approvals.map((a) => ({ userId: a.userId, at: a.at })));

export type ProposalStore = ReturnType<typeof createProposalStore>;

export function createProposalStore(options: ProposalStoreOptions) {
  const { redis } = options;
  const prefix = options.prefix ?? KEY_PREFIX;
  const newId = options.newId ?? (() => randomUUID());
  const now = options.now ?? Date.now;
  const retentionMs = options.retentionMs ?? 86_400_000;
  const proposalKey = (id: string) => `${prefix}:proposal:${id}`;
  const incidentKey = (incidentId: string) => `${prefix}:proposals:incident:${incidentId}`;

  return {
    /** Stores a pending proposal and returns its opaque id (safe as a BullMQ job id). */
    async createProposal(given: ProposalInput): Promise<string> {
      // A worker's proposals name its cluster (sealed): only that cluster's worker may run them.
      const stamp = storedCluster(options.cluster);
      const input = stamp ? { ...given, target: { ...given.target, cluster: stamp } } : given;
      const id = newId();
      if (!ID_PATTERN.test(id)) {
        throw new Error(
          `newId() returned ${JSON.stringify(id)}: proposal ids must match ${ID_PATTERN} (no ":")`,
        );
      }
      const createdAt = now();
      const ttl = Math.max(1, input.expiresAt - createdAt) + retentionMs;
      const fields: Record<string, string> = {
        id,
        incidentId: input.incidentId ?? "",
        action: JSON.stringify(input.action),
        target: JSON.stringify(input.target),
        requestedBy: input.requestedBy,
        channel: input.channel,
        threadTs: input.threadTs ?? "",
        messageTs: input.messageTs ?? "",
        createdAt: String(createdAt),
        expiresAt: String(input.expiresAt),
        status: "pending",
        ...(input.keepAfterResolve ? { keepAfterResolve: "1" } : {}),
      };
      if (options.signingKey) {
        fields.originSeal = sealOrigin(options.signingKey, {
          id,
          incidentId: input.incidentId,
          kind: input.action.kind,
          params: input.action.params,
          target: input.target,
          requestedBy: input.requestedBy,
          channel: input.channel,
          threadTs: input.threadTs ?? null,
          createdAt,
          expiresAt: input.expiresAt,
        });
      }
      await withRedis("create a proposal", async () => {
        const tx = redis.multi().hset(proposalKey(id), fields).pexpire(proposalKey(id), ttl);
        if (input.incidentId) {
          tx.sadd(incidentKey(input.incidentId), id).pexpire(incidentKey(input.incidentId), ttl);
        }
        const results = await tx.exec();
        const failed = results?.find(([error]) => error);
        if (!results || failed) throw failed?.[0] ?? new Error("Redis discarded the transaction");
      });
      return id;
    },

    /**
     * Records the Slack message that carries the proposal's buttons. False if it is gone, or if
     * it is in another channel than the proposal's (the channel is sealed; it never changes).
     */
    async attachMessage(id: string, channel: string, messageTs: string): Promise<boolean> {
      return await withRedis("attach a message to a proposal", async () => {
        const stored = await redis.hget(proposalKey(id), "channel");
        if (stored === null || stored !== channel) return false;
        await redis.hset(proposalKey(id), { messageTs });
        return true;
      });
    },

    async get(id: string): Promise<Proposal | null> {
      if (!ID_PATTERN.test(id)) return null;
      const hash = await withRedis("read a proposal", () => redis.hgetall(proposalKey(id)));
      return decodeProposal(hash);
    },

    /**
     * Adds `userId`'s approval to a pending, unexpired proposal if its approvals are still `prior`.
     * With `final`, the proposal is claimed (sealed): exactly one of any number of concurrent
     * completing approvals succeeds; the others learn who won and when, or get "conflict" (the
     * approvals changed since they were read: read again and decide again).
     */
    async approve(id: string, request: ApproveRequest): Promise<ApproveResult> {
      if (!ID_PATTERN.test(id)) return { ok: false, reason: "not_found" };
      const at = request.at ?? now();
      const next = [...request.prior, { userId: request.userId, at }];
      const reply = (await withRedis("approve a proposal", () =>
        evalScript(
          redis,
          APPROVE,
          [proposalKey(id)],
          [
            request.userId,
            at,
            retentionMs,
            approvalsText(request.prior),
            approvalsText(next),
            JSON.stringify(request.params),
            request.final ? "1" : "0",
            request.seal ?? "",
          ],
        ),
      )) as [string, ...unknown[]];
      if (reply[0] === "conflict") return { ok: false, reason: "conflict" };
      if (reply[0] === "partial") {
        const proposal = decodeProposal(flatToRecord(reply[1]));
        return proposal ? { ok: false, reason: "partial", proposal } : { ok: false, reason: "not_found" };
      }
      return claimReply(reply);
    },

    /** Cancels a pending proposal (a "Dismiss" button). Same outcomes as a completing approve. */
    async cancel(id: string, userId: string, at: number = now()): Promise<ClaimResult> {
      if (!ID_PATTERN.test(id)) return { ok: false, reason: "not_found" };
      const reply = (await withRedis("cancel a proposal", () =>
        evalScript(redis, CANCEL, [proposalKey(id)], [userId, at, retentionMs]),
      )) as [string, ...unknown[]];
      return claimReply(reply);
    },

    /**
     * Undoes `userId`'s completing approval when its job could not be queued, so the proposal is
     * pending again (with the approvals before it, `prior`) and can be approved later. False when
     * the proposal is not claimed by that user or a job already used it (nothing changed).
     */
    async release(
      id: string,
      userId: string,
      prior: readonly Approval[] = [],
      at: number = now(),
    ): Promise<boolean> {
      if (!ID_PATTERN.test(id)) return false;
      const reply = await withRedis("release a proposal claim", () =>
        evalScript(redis, RELEASE, [proposalKey(id)], [userId, at, retentionMs, approvalsText(prior)]),
      );
      return reply === 1;
    },

    /** The worker takes a claimed proposal for `jobId`: once, or again by the same job (a retry). */
    async markUsed(id: string, jobId: string, at: number = now()): Promise<MarkUsedResult> {
      if (!ID_PATTERN.test(id)) return { ok: false, reason: "not_found" };
      const reply = (await withRedis("mark a proposal used", () =>
        evalScript(redis, MARK_USED, [proposalKey(id)], [jobId, at]),
      )) as [string, ...unknown[]];
      const [outcome, a, b] = reply;
      if (outcome === "ok") {
        const replicas = await withRedis("wait for Redis replicas", () =>
          waitForReplicas(redis, options.durability, prefix),
        );
        return { ok: true, replicas };
      }
      if (outcome === "not_claimed") return { ok: false, reason: "not_claimed", status: String(a ?? "") };
      if (outcome === "used") return { ok: false, reason: "used", by: String(a ?? ""), at: num(b) };
      return { ok: false, reason: "not_found" };
    },

    /** Marks every pending proposal of a resolved incident; returns how many were pending. */
    async expireForIncident(incidentId: string, at: number = now()): Promise<number> {
      const reply = await withRedis("expire an incident's proposals", () =>
        evalScript(
          redis,
          EXPIRE_FOR_INCIDENT,
          [incidentKey(incidentId)],
          [`${prefix}:proposal:`, at, retentionMs],
        ),
      );
      return Number(reply);
    },
  };
}

function flatToRecord(flat: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(flat))
    for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}

const num = (v: unknown): number | null => (v === undefined || v === null || v === "" ? null : Number(v));
const str = (v: unknown): string | null => (v === undefined || v === null || v === "" ? null : String(v));

function claimReply(reply: [string, ...unknown[]]): ClaimResult {
  const [outcome, a, b] = reply;
  switch (outcome) {
    case "ok": {
      const proposal = decodeProposal(flatToRecord(a));
      if (!proposal) return { ok: false, reason: "not_found" };
      return { ok: true, proposal };
    }
    case "expired":
      return { ok: false, reason: "expired", expiredAt: num(a) ?? 0 };
    case "already_claimed":
      return { ok: false, reason: "already_claimed", by: str(a) ?? "unknown", at: num(b) ?? 0 };
    case "incident_resolved":
      return { ok: false, reason: "incident_resolved", at: num(a) };
    case "cancelled":
      return { ok: false, reason: "cancelled", by: str(a), at: num(b) };
    default:
      return { ok: false, reason: "not_found" };
  }
}
