// Remediation proposals in Redis: server-side truth for approval buttons. A button carries only the
// opaque proposal id; claim() is one Lua script, so a double click, a second replica or a replayed
// payload cannot start a second job.
//
// Layout under prefix P (default "rdev"):
//   P:proposal:<id>                 hash  fields of Proposal (action/target as JSON)
//   P:proposals:incident:<incident> set   proposal ids of an incident, for expireForIncident
// A proposal hash expires `retentionMs` after its expiry (pending) or after its claim/cancel, so
// late clicks still get "expired"/"already claimed" for a while, then "not_found".
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { ActionKind, ActionParams } from "../queue/jobs.ts";
import { evalScript, withRedis } from "../redis.ts";

export type ProposalTarget = { namespace: string; deployment: string; pod?: string; podUid?: string };

export type ProposalInput = {
  incidentId: string | null;
  action: { kind: ActionKind; params: ActionParams };
  target: ProposalTarget;
  /** Slack user id, or "alertmanager" for proposals the bot made on its own. */
  requestedBy: string;
  channel: string;
  /** The message carrying the buttons; null until it is posted (see attachMessage). */
  messageTs: string | null;
  expiresAt: number;
  /** Stays pending when the incident resolves (a next step after a fix that did not hold). */
  keepAfterResolve?: boolean;
};

export type ProposalStatus = "pending" | "claimed" | "cancelled" | "incident_resolved";

export type Proposal = ProposalInput & {
  id: string;
  createdAt: number;
  status: ProposalStatus;
  claimedBy: string | null;
  claimedAt: number | null;
  cancelledBy: string | null;
  cancelledAt: number | null;
};

export type ClaimFailure =
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "expired"; expiredAt: number }
  | { ok: false; reason: "already_claimed"; by: string; at: number }
  | { ok: false; reason: "incident_resolved"; at: number | null }
  | { ok: false; reason: "cancelled"; by: string | null; at: number | null };

export type ClaimResult = { ok: true; proposal: Proposal } | ClaimFailure;

export type ProposalStoreOptions = {
  redis: Redis;
  prefix?: string;
  newId?: () => string;
  now?: () => number;
  /** How long a finished or expired proposal stays readable. Default 24 h. */
  retentionMs?: number;
};

/** Proposal ids become BullMQ job ids, which may not contain ":". */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

export type ProposalStore = ReturnType<typeof createProposalStore>;

export function createProposalStore(options: ProposalStoreOptions) {
  const { redis } = options;
  const prefix = options.prefix ?? "rdev";
  const newId = options.newId ?? (() => randomUUID());
  const now = options.now ?? Date.now;
  const retentionMs = options.retentionMs ?? 86_400_000;
  const proposalKey = (id: string) => `${prefix}:proposal:${id}`;
  const incidentKey = (incidentId: string) => `${prefix}:proposals:incident:${incidentId}`;

  return {
    /** Stores a pending proposal and returns its opaque id (safe as a BullMQ job id). */
    async createProposal(input: ProposalInput): Promise<string> {
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
        messageTs: input.messageTs ?? "",
        createdAt: String(createdAt),
        expiresAt: String(input.expiresAt),
        status: "pending",
        ...(input.keepAfterResolve ? { keepAfterResolve: "1" } : {}),
      };
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

    /** Records the Slack message that carries the proposal's buttons. False if it is gone. */
    async attachMessage(id: string, channel: string, messageTs: string): Promise<boolean> {
      return await withRedis("attach a message to a proposal", async () => {
        const exists = await redis.exists(proposalKey(id));
        if (exists === 0) return false;
        await redis.hset(proposalKey(id), { channel, messageTs });
        return true;
      });
    },

    async get(id: string): Promise<Proposal | null> {
      if (!ID_PATTERN.test(id)) return null;
      const hash = await withRedis("read a proposal", () => redis.hgetall(proposalKey(id)));
      return decodeProposal(hash);
    },

    /**
     * Atomically claims a pending, unexpired proposal for `userId` at `at` (ms). Exactly one of
     * any number of concurrent claims succeeds; the others learn who won and when.
     */
    async claim(id: string, userId: string, at: number = now()): Promise<ClaimResult> {
      if (!ID_PATTERN.test(id)) return { ok: false, reason: "not_found" };
      const reply = (await withRedis("claim a proposal", () =>
        evalScript(redis, CLAIM, [proposalKey(id)], [userId, at, retentionMs]),
      )) as [string, ...unknown[]];
      return claimReply(reply);
    },

    /** Cancels a pending proposal (a "Dismiss" button). Same outcomes as claim. */
    async cancel(id: string, userId: string, at: number = now()): Promise<ClaimResult> {
      if (!ID_PATTERN.test(id)) return { ok: false, reason: "not_found" };
      const reply = (await withRedis("cancel a proposal", () =>
        evalScript(redis, CANCEL, [proposalKey(id)], [userId, at, retentionMs]),
      )) as [string, ...unknown[]];
      return claimReply(reply);
    },

    /**
     * Undoes `userId`'s claim when its job could not be queued, so the proposal is pending again and
     * can be approved later. False when the proposal is not claimed by that user (nothing changed).
     */
    async release(id: string, userId: string, at: number = now()): Promise<boolean> {
      if (!ID_PATTERN.test(id)) return false;
      const reply = await withRedis("release a proposal claim", () =>
        evalScript(redis, RELEASE, [proposalKey(id)], [userId, at, retentionMs]),
      );
      return reply === 1;
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

// --- Lua scripts: each runs atomically; replies are arrays of strings { outcome, ... }.
// Shared checks: who already decided, and expiry. `now` is the caller's clock (ARGV[2]), so tests
// can inject time; Redis TTLs are only used for cleanup.
const DECIDED = `
local f = redis.call('HMGET', KEYS[1], 'status', 'expiresAt', 'claimedBy', 'claimedAt', 'cancelledBy', 'cancelledAt')
local status = f[1]
if status == 'claimed' then return {'already_claimed', f[3], f[4]} end
if status == 'cancelled' then return {'cancelled', f[5] or '', f[6] or ''} end
if status == 'incident_resolved' then return {'incident_resolved', f[6] or ''} end
if tonumber(ARGV[2]) >= tonumber(f[2]) then return {'expired', f[2]} end
`;

/** KEYS: 1 proposal hash. ARGV: 1 user id, 2 now ms, 3 retention ms. */
const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found'} end
${DECIDED}
redis.call('HSET', KEYS[1], 'status', 'claimed', 'claimedBy', ARGV[1], 'claimedAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {'ok', redis.call('HGETALL', KEYS[1])}
`;

/** KEYS: 1 proposal hash. ARGV: 1 user id, 2 now ms, 3 retention ms. */
const CANCEL = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not_found'} end
${DECIDED}
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'cancelledBy', ARGV[1], 'cancelledAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {'ok', redis.call('HGETALL', KEYS[1])}
`;

/** KEYS: 1 proposal hash. ARGV: 1 user id, 2 now ms, 3 retention ms. Returns 1 when released. */
const RELEASE = `
local f = redis.call('HMGET', KEYS[1], 'status', 'claimedBy', 'expiresAt')
if f[1] ~= 'claimed' or f[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', 'pending')
redis.call('HDEL', KEYS[1], 'claimedBy', 'claimedAt')
redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(f[3]) - tonumber(ARGV[2])) + tonumber(ARGV[3]))
return 1
`;

/**
 * KEYS: 1 the incident's proposal-id set. ARGV: 1 proposal key prefix, 2 now ms, 3 retention ms.
 * Returns how many pending proposals were withdrawn; those marked keepAfterResolve stay pending.
 */
const EXPIRE_FOR_INCIDENT = `
local count = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. id
  if redis.call('HGET', key, 'status') == 'pending' and redis.call('HGET', key, 'keepAfterResolve') ~= '1' then
    redis.call('HSET', key, 'status', 'incident_resolved', 'cancelledBy', 'incident', 'cancelledAt', ARGV[2])
    redis.call('PEXPIRE', key, ARGV[3])
    count = count + 1
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return count
`;

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

/** A Proposal from its Redis hash; null for an empty hash (unknown or expired id). */
export function decodeProposal(hash: Record<string, string>): Proposal | null {
  if (!hash.id) return null;
  const status: ProposalStatus =
    hash.status === "claimed" || hash.status === "cancelled" || hash.status === "incident_resolved"
      ? hash.status
      : "pending";
  return {
    id: hash.id,
    incidentId: str(hash.incidentId),
    action: JSON.parse(hash.action ?? "{}") as Proposal["action"],
    target: JSON.parse(hash.target ?? "{}") as ProposalTarget,
    requestedBy: hash.requestedBy ?? "",
    channel: hash.channel ?? "",
    messageTs: str(hash.messageTs),
    createdAt: num(hash.createdAt) ?? 0,
    expiresAt: num(hash.expiresAt) ?? 0,
    keepAfterResolve: hash.keepAfterResolve === "1",
    status,
    claimedBy: str(hash.claimedBy),
    claimedAt: num(hash.claimedAt),
    cancelledBy: str(hash.cancelledBy),
    cancelledAt: num(hash.cancelledAt),
  };
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
