import { ManualClock } from "@rdev/bot/clock.ts";
import {
  claimFailureMessage,
  createProposalStore,
  type ProposalInput,
  type ProposalStore,
} from "@rdev/bot/propose/proposals.ts";
import { createRedis, type RedisClient, RedisUnavailableError, waitUntilReady } from "@rdev/bot/redis.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisUnderTest, startTopology, topologyKind } from "../support/redis-topology.ts";

let redis: RedisUnderTest;
const clients: RedisClient[] = [];
let counter = 0;
const uniquePrefix = () => `{test-proposals-${process.pid}-${++counter}}`;

async function client(): Promise<RedisClient> {
  const c = createRedis(redis.target, { role: "producer" });
  clients.push(c);
  await waitUntilReady(c);
  return c;
}

beforeAll(async () => {
  redis = await startTopology();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis.stop();
});

const MINUTE = 60_000;

/** One completing approval (no seal: these tests are about the store's atomicity, not the worker). */
function claimWith(store: ProposalStore | undefined, id: string, userId: string, at?: number) {
  if (!store) throw new Error("no store");
  return store.approve(id, {
    userId,
    ...(at === undefined ? {} : { at }),
    prior: [],
    params: {},
    final: true,
    seal: null,
  });
}

function input(clock: ManualClock, overrides: Partial<ProposalInput> = {}): ProposalInput {
  return {
    incidentId: "inc-1",
    action: { kind: "restart-pod", params: { pod: "rdev-api-7d9f8b6c5d-x2k4q", podUid: "6c1a2a57" } },
    target: {
      namespace: "rdev",
      deployment: "rdev-api",
      pod: "rdev-api-7d9f8b6c5d-x2k4q",
      podUid: "6c1a2a57",
    },
    requestedBy: "U0DEV",
    channel: "C0RDEV",
    messageTs: null,
    expiresAt: clock.now() + 15 * MINUTE,
    ...overrides,
  };
}

describe("createProposal / get", () => {
  it("stores the proposal under an opaque id usable as a BullMQ job id", async () => {
    const clock = new ManualClock();
    const store = createProposalStore({
      redis: await client(),
      prefix: uniquePrefix(),
      now: () => clock.now(),
    });
    const id = await store.createProposal(input(clock));
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(id).not.toContain(":");
    expect(await store.attachMessage(id, "C0RDEV", "1732590000.000100")).toBe(true);
    expect(await store.get(id)).toEqual({
      ...input(clock),
      messageTs: "1732590000.000100",
      id,
      threadTs: null,
      createdAt: clock.now(),
      status: "pending",
      keepAfterResolve: false,
      approvals: [],
      approvedParams: null,
      seal: null,
      originSeal: null,
      claimedBy: null,
      claimedAt: null,
      cancelledBy: null,
      cancelledAt: null,
      usedBy: null,
      usedAt: null,
    });
  });

  it("refuses injected ids that BullMQ could not use", async () => {
    const clock = new ManualClock();
    const store = createProposalStore({ redis: await client(), prefix: uniquePrefix(), newId: () => "a:b" });
    await expect(store.createProposal(input(clock))).rejects.toThrow(/no ":"/);
  });

  it("sets a Redis TTL covering the proposal's life plus the retention", async () => {
    const clock = new ManualClock();
    const prefix = uniquePrefix();
    const r = await client();
    const store = createProposalStore({ redis: r, prefix, now: () => clock.now(), retentionMs: MINUTE });
    const id = await store.createProposal(input(clock));
    const ttl = await r.pttl(`${prefix}:proposal:${id}`);
    expect(ttl).toBeGreaterThan(15 * MINUTE);
    expect(ttl).toBeLessThanOrEqual(16 * MINUTE);
    expect(await r.pttl(`${prefix}:proposals:incident:inc-1`)).toBeGreaterThan(0);
  });
});

describe("claim", () => {
  it("lets exactly one of 100 concurrent claims from 2 clients win", async () => {
    const clock = new ManualClock();
    const prefix = uniquePrefix();
    const [a, b] = await Promise.all([client(), client()]);
    const stores = [a, b].map((r) => createProposalStore({ redis: r, prefix, now: () => clock.now() }));
    const id = (await stores[0]?.createProposal(input(clock))) ?? "";
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => claimWith(stores[i % 2], id, `U0USER${i}`, clock.now())),
    );
    const winners = results.filter((r) => r?.ok);
    expect(winners).toHaveLength(1);
    const winner = winners[0];
    if (!winner?.ok) throw new Error("no winner");
    expect(winner.proposal.status).toBe("claimed");
    for (const r of results) {
      if (r && !r.ok) {
        expect(r).toEqual({
          ok: false,
          reason: "already_claimed",
          by: winner.proposal.claimedBy,
          at: clock.now(),
        });
      }
    }
    expect((await stores[1]?.get(id))?.claimedBy).toBe(winner.proposal.claimedBy);
  });

  it("refuses an expired proposal, by the injected clock", async () => {
    const clock = new ManualClock();
    const store = createProposalStore({
      redis: await client(),
      prefix: uniquePrefix(),
      now: () => clock.now(),
    });
    const proposal = input(clock);
    const id = await store.createProposal(proposal);
    clock.advance(15 * MINUTE - 1);
    const stillOpen = await store.get(id);
    expect(stillOpen?.status).toBe("pending");
    clock.advance(1);
    expect(await claimWith(store, id, "U0LEAD", clock.now())).toEqual({
      ok: false,
      reason: "expired",
      expiredAt: proposal.expiresAt,
    });
    // Uses the store's clock when no time is passed.
    expect(await claimWith(store, id, "U0LEAD")).toMatchObject({ reason: "expired" });
  });

  it("reports unknown and malformed ids as not_found", async () => {
    const store = createProposalStore({ redis: await client(), prefix: uniquePrefix() });
    expect(await claimWith(store, "0d4f8a4e-0000-4000-8000-000000000000", "U0LEAD")).toEqual({
      ok: false,
      reason: "not_found",
    });
    expect(await claimWith(store, "x:y", "U0LEAD")).toEqual({ ok: false, reason: "not_found" });
    expect(await store.get("../etc")).toBeNull();
  });

  it("refuses proposals of a resolved incident", async () => {
    const clock = new ManualClock();
    const store = createProposalStore({
      redis: await client(),
      prefix: uniquePrefix(),
      now: () => clock.now(),
    });
    const first = await store.createProposal(input(clock));
    const second = await store.createProposal(
      input(clock, { action: { kind: "rolling-restart", params: {} } }),
    );
    const other = await store.createProposal(input(clock, { incidentId: "inc-2" }));
    const claimed = await store.createProposal(input(clock));
    // A next step offered after a fix that did not hold stays offered when the alerts clear.
    const nextStep = await store.createProposal(input(clock, { keepAfterResolve: true }));
    expect((await claimWith(store, claimed, "U0LEAD")).ok).toBe(true);
    clock.advance(MINUTE);
    expect(await store.expireForIncident("inc-1")).toBe(2);
    expect((await store.get(nextStep))?.status).toBe("pending");
    expect((await claimWith(store, nextStep, "U0LEAD")).ok).toBe(true);
    expect(await claimWith(store, first, "U0LEAD")).toEqual({
      ok: false,
      reason: "incident_resolved",
      at: clock.now(),
    });
    expect((await claimWith(store, second, "U0LEAD")).ok).toBe(false);
    expect((await claimWith(store, other, "U0LEAD")).ok).toBe(true);
    expect((await store.get(claimed))?.status).toBe("claimed");
    expect(await store.expireForIncident("no-such-incident")).toBe(0);
  });

  it("refuses cancelled proposals, naming who dismissed them", async () => {
    const clock = new ManualClock();
    const store = createProposalStore({
      redis: await client(),
      prefix: uniquePrefix(),
      now: () => clock.now(),
    });
    const id = await store.createProposal(input(clock, { incidentId: null }));
    expect((await store.cancel(id, "U0DEV")).ok).toBe(true);
    expect(await claimWith(store, id, "U0LEAD")).toEqual({
      ok: false,
      reason: "cancelled",
      by: "U0DEV",
      at: clock.now(),
    });
    expect(await store.cancel(id, "U0DEV")).toMatchObject({ ok: false, reason: "cancelled" });
  });

  it.skipIf(topologyKind() !== "single")("reports a Redis outage clearly", async () => {
    const clock = new ManualClock();
    const r = await client();
    const store = createProposalStore({ redis: r, prefix: uniquePrefix(), now: () => clock.now() });
    const id = await store.createProposal(input(clock));
    await redis.server?.kill();
    try {
      await expect(claimWith(store, id, "U0LEAD")).rejects.toThrow(RedisUnavailableError);
      await expect(store.createProposal(input(clock))).rejects.toThrow(
        /Redis is unavailable while trying to create/,
      );
    } finally {
      await redis.server?.start();
    }
    await waitUntilReady(r);
    expect(await claimWith(store, id, "U0LEAD")).toEqual({ ok: false, reason: "not_found" });
  });
});

describe("claimFailureMessage", () => {
  it.each([
    [{ ok: false, reason: "not_found" } as const, /no longer exists/],
    [
      { ok: false, reason: "expired", expiredAt: Date.parse("2026-11-26T03:15:00Z") } as const,
      /expired at 03:15 UTC/,
    ],
    [
      { ok: false, reason: "already_claimed", by: "U0LEAD", at: Date.parse("2026-11-26T03:04:00Z") } as const,
      /<@U0LEAD> already approved this at 03:04 UTC/,
    ],
    [{ ok: false, reason: "incident_resolved", at: null } as const, /resolved/],
    [
      { ok: false, reason: "cancelled", by: "U0DEV", at: Date.parse("2026-11-26T03:01:00Z") } as const,
      /dismissed by <@U0DEV> at 03:01/,
    ],
  ])("%j", (failure, pattern) => {
    expect(claimFailureMessage(failure)).toMatch(pattern);
  });
});
