// The incident history in real Redis: timelines survive a restart of the app (a new store on a new
// connection), retention is enforced (TTLs, index trimming, timeline cap) on an injected clock,
// concurrent writers lose nothing, and the read paths (readMany, matchIds, permalinks) behave.

import { ManualClock } from "@rdev/bot/clock.ts";
import { ENTRY, parseEntry } from "@rdev/bot/history/entries.ts";
import { loadHistory } from "@rdev/bot/history/query.ts";
import { recordApproval } from "@rdev/bot/history/record.ts";
import { incidentKey } from "@rdev/bot/intake/incident-key.ts";
import { createIncidentStore } from "@rdev/bot/intake/store.ts";
import { createRedis, type RedisClient, waitUntilReady } from "@rdev/bot/redis.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryAlert, PODS, seedIncident } from "../support/history.ts";
import { type RedisUnderTest, startTopology } from "../support/redis-topology.ts";

const DAY = 86_400_000;
let server: RedisUnderTest;
const clients: RedisClient[] = [];
let counter = 0;

async function client(): Promise<RedisClient> {
  const c = createRedis(server.target, { role: "producer" });
  clients.push(c);
  await waitUntilReady(c);
  return c;
}
const prefix = () => `{hist-${process.pid}-${++counter}}`;

beforeAll(async () => {
  server = await startTopology();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server.stop();
});

describe("timelines", () => {
  it("survive an app restart: a new store on a new connection reads every entry back, typed", async () => {
    const p = prefix();
    const clock = new ManualClock();
    const first = createIncidentStore({ redis: await client(), prefix: p, now: () => clock.now() });
    const id = await seedIncident(first, clock);
    const before = await first.timeline(id);
    clients.at(-1)?.disconnect();

    const restarted = createIncidentStore({ redis: await client(), prefix: p, now: () => clock.now() });
    const [record] = await restarted.readMany([id]);
    expect(record?.timeline).toEqual(before);
    expect(record?.incident.status).toBe("resolved");
    const types = record?.timeline.map((e) => parseEntry(e).type) ?? [];
    expect(types).not.toContain("other");
    expect(types).toEqual([
      "incident_opened",
      "alert_firing",
      "alert_firing",
      "root_posted",
      "diagnosis",
      "proposal_refused",
      "proposal_approved",
      "action_started",
      "action_applied",
      "action_finished",
      "verification_scheduled",
      "verification_passed",
      "alert_resolved",
      "alert_resolved",
      "incident_resolved",
    ]);
    // Alert entries carry the value the alert reported.
    const firing = record?.timeline.filter((e) => e.type === ENTRY.alertFiring).map((e) => e.data?.value);
    expect(firing).toEqual([86.4, 83.1]);
  });

  it("lose no entry when many writers append at once", async () => {
    const p = prefix();
    const clock = new ManualClock();
    const stores = await Promise.all(
      [1, 2, 3, 4].map(async () =>
        createIncidentStore({ redis: await client(), prefix: p, now: () => clock.now() }),
      ),
    );
    const alert = memoryAlert(PODS[0] ?? "", 90);
    const opened = await stores[0]?.openOrUpdate(incidentKey(alert.labels), alert);
    const id = opened?.incident?.id ?? "";
    const n = 400;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        recordApproval(
          stores[i % stores.length] ?? createIncidentStore({ redis: clients[0] as RedisClient }),
          {
            incidentId: id,
            proposalId: `p-${i}`,
            action: "restart-pod",
            by: "U0LEAD0001",
          },
        ),
      ),
    );
    const timeline = await stores[1]?.timeline(id);
    const approvals = (timeline ?? []).filter((e) => e.type === ENTRY.proposalApproved);
    expect(approvals).toHaveLength(n);
    expect(new Set(approvals.map((e) => e.data?.proposalId)).size).toBe(n);
  });

  it("keep at most timelineMax entries, the newest", async () => {
    const clock = new ManualClock();
    const store = createIncidentStore({
      redis: await client(),
      prefix: prefix(),
      now: () => clock.now(),
      timelineMax: 10,
    });
    const alert = memoryAlert(PODS[0] ?? "", 90);
    const id = (await store.openOrUpdate(incidentKey(alert.labels), alert)).incident?.id ?? "";
    for (let i = 0; i < 25; i++) {
      await recordApproval(store, { incidentId: id, proposalId: `p-${i}`, action: "restart-pod", by: "U1" });
    }
    const timeline = await store.timeline(id);
    expect(timeline).toHaveLength(10);
    expect(timeline.at(-1)?.data?.proposalId).toBe("p-24");
    expect(timeline[0]?.data?.proposalId).toBe("p-15");
  });
});

describe("retention", () => {
  it("expires a resolved incident's keys after the retention and trims the index on the clock", async () => {
    const redis = await client();
    const p = prefix();
    const clock = new ManualClock();
    const retentionMs = 90 * DAY;
    const store = createIncidentStore({ redis, prefix: p, now: () => clock.now(), retentionMs });
    const old = await seedIncident(store, clock);
    for (const suffix of ["", ":alerts", ":timeline"]) {
      const ttl = await redis.pttl(`${p}:incident:${old}${suffix}`);
      expect(ttl).toBeGreaterThan(retentionMs - 60_000);
      expect(ttl).toBeLessThanOrEqual(retentionMs);
    }
    expect(await store.listIds(0, clock.now())).toEqual([old]);

    // 91 days later: opening a new incident trims the old one out of the index.
    clock.advance(91 * DAY);
    const fresh = await seedIncident(store, clock, { resolved: false });
    expect(await store.listIds(0, clock.now())).toEqual([fresh]);
    expect(await redis.zscore(`${p}:incidents:all`, old)).toBeNull();

    // And with no new incident at all, a history query trims on its own.
    clock.advance(91 * DAY);
    const history = await loadHistory({ incidents: store, now: () => clock.now() }, { limit: 10, days: 365 });
    expect(history).toEqual([]);
    expect(await redis.zcard(`${p}:incidents:all`)).toBe(0);
    // An open incident never expires: it is still open, and still counted.
    expect(await store.countOpen()).toBe(1);
    expect(await redis.pttl(`${p}:incident:${fresh}`)).toBe(-1);
  });

  it("uses HISTORY_RETENTION's default of 90 days when the app builds its store", async () => {
    const { loadConfig } = await import("@rdev/bot/config.ts");
    expect(loadConfig({}).historyRetentionMs).toBe(90 * DAY);
    expect(loadConfig({ HISTORY_RETENTION: "14d" }).historyRetentionMs).toBe(14 * DAY);
    expect(() => loadConfig({ HISTORY_RETENTION: "forever" })).toThrow(/HISTORY_RETENTION/);
  });
});

describe("read paths", () => {
  it("readMany keeps the order asked for and skips unknown ids", async () => {
    const clock = new ManualClock();
    const store = createIncidentStore({ redis: await client(), prefix: prefix(), now: () => clock.now() });
    const a = await seedIncident(store, clock);
    clock.advance(DAY);
    const b = await seedIncident(store, clock);
    const records = await store.readMany([b, "no-such-incident", a], 3);
    expect(records.map((r) => r.incident.id)).toEqual([b, a]);
    expect(records[0]?.timeline).toHaveLength(3);
    expect(await store.readMany([])).toEqual([]);
  });

  it("caches permalinks on existing incidents only", async () => {
    const redis = await client();
    const p = prefix();
    const clock = new ManualClock();
    const store = createIncidentStore({ redis, prefix: p, now: () => clock.now() });
    const id = await seedIncident(store, clock);
    expect(await store.setPermalink(id, "https://rdev.slack.com/archives/C1/p1")).toBe(true);
    expect((await store.readMany([id]))[0]?.permalink).toBe("https://rdev.slack.com/archives/C1/p1");
    expect(await store.setPermalink("gone", "https://x")).toBe(false);
    expect(await redis.exists(`${p}:incident:gone`)).toBe(0);
  });

  it("finds incidents by the first characters of their id", async () => {
    const clock = new ManualClock();
    let n = 0;
    let lead = "";
    // openOrUpdate draws an id per call; the one drawn when the incident opens is kept.
    const store = createIncidentStore({
      redis: await client(),
      prefix: prefix(),
      now: () => clock.now(),
      newId: () => `${lead}-${n++}`,
    });
    const ids: string[] = [];
    for (const [i, l] of ["4f1d2c3b", "4f1d9999", "7e00aaaa"].entries()) {
      lead = l;
      ids.push(await seedIncident(store, clock, { workload: `w${i}` }));
      clock.advance(1000);
    }
    expect(await store.matchIds("7e00")).toEqual([ids[2]]);
    expect((await store.matchIds("4f1d")).sort()).toEqual([ids[0], ids[1]].sort());
    expect(await store.matchIds("zzzz")).toEqual([]);
    expect(await store.matchIds("4f*")).toEqual([]);
  });
});
