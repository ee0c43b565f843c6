import { readFileSync } from "node:fs";
import { ManualClock } from "@rdev/bot/clock.ts";
import { type Alert, parseAlertmanagerWebhook } from "@rdev/bot/intake/alertmanager.ts";
import { incidentKey } from "@rdev/bot/intake/incident-key.ts";
import { createIncidentStore, IncidentNotFoundError } from "@rdev/bot/intake/store.ts";
import { createRedis, type RedisClient, RedisUnavailableError, waitUntilReady } from "@rdev/bot/redis.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisUnderTest, startTopology, topologyKind } from "../support/redis-topology.ts";

const firing = parseAlertmanagerWebhook(
  JSON.parse(
    readFileSync(new URL("../fixtures/alertmanager/rdev-high-memory-firing.json", import.meta.url), "utf8"),
  ),
);
const resolvedFixture = parseAlertmanagerWebhook(
  JSON.parse(
    readFileSync(new URL("../fixtures/alertmanager/rdev-high-memory-resolved.json", import.meta.url), "utf8"),
  ),
);
const [alertA, alertB] = firing.alerts as [Alert, Alert, Alert];
const [resolvedA] = resolvedFixture.alerts as [Alert];
const KEY = incidentKey(alertA.labels);

/** The same alert as reported for another pod (another fingerprint). */
function podAlert(i: number): Alert {
  const pod = `rdev-api-7d9f8b6c5d-p${String(i).padStart(4, "z")}`;
  return { ...alertA, fingerprint: `fp-${i}`, labels: { ...alertA.labels, pod } };
}

let redis: RedisUnderTest;
const clients: RedisClient[] = [];
let prefixCounter = 0;

async function client(): Promise<RedisClient> {
  const c = createRedis(redis.target, { role: "producer" });
  clients.push(c);
  await waitUntilReady(c);
  return c;
}
// Hash-tagged, as the default prefix is: on a Redis Cluster every key of a store shares one slot.
const uniquePrefix = () => `{test-incidents-${process.pid}-${++prefixCounter}}`;

beforeAll(async () => {
  redis = await startTopology();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis.stop();
});

describe("openOrUpdate", () => {
  it("opens an incident on the first firing alert and folds repeats into it", async () => {
    const clock = new ManualClock();
    const store = createIncidentStore({
      redis: await client(),
      prefix: uniquePrefix(),
      now: () => clock.now(),
    });
    const first = await store.openOrUpdate(KEY, alertA);
    expect(first.created).toBe(true);
    expect(first.incident).toMatchObject({
      key: "RdevAPIHighMemory/rdev/rdev-api",
      alertName: "RdevAPIHighMemory",
      namespace: "rdev",
      workload: "rdev-api",
      status: "open",
      severity: "warning",
      summary: "Memory usage exceeds 80% of limit",
      createdAt: clock.now(),
      startsAt: Date.parse("2026-11-26T02:51:03.157Z"),
      notifications: 1,
      firingCount: 1,
      root: null,
    });
    clock.advance(60_000);
    const repeat = await store.openOrUpdate(KEY, alertA);
    const second = await store.openOrUpdate(KEY, alertB);
    expect(repeat.created).toBe(false);
    expect(second.created).toBe(false);
    expect(second.incident?.id).toBe(first.incident?.id);
    expect(second.incident?.notifications).toBe(3);
    expect(second.incident?.alerts.map((a) => a.pod)).toEqual([
      "rdev-api-7d9f8b6c5d-m8zlp",
      "rdev-api-7d9f8b6c5d-x2k4q",
    ]);
    expect(second.incident?.updatedAt).toBe(clock.now());
    const id = first.incident?.id ?? "";
    // The repeat of alert A is not a new event: the timeline only records changes.
    expect((await store.timeline(id)).map((e) => e.type)).toEqual([
      "incident_opened",
      "alert_firing",
      "alert_firing",
    ]);
  });

  it("ignores a resolved notification when no incident is open", async () => {
    const store = createIncidentStore({ redis: await client(), prefix: uniquePrefix() });
    expect(await store.openOrUpdate(KEY, resolvedA)).toMatchObject({ incident: null, created: false });
    expect(await store.listOpen()).toEqual([]);
  });

  it("tracks which pods still fire", async () => {
    const store = createIncidentStore({ redis: await client(), prefix: uniquePrefix() });
    await store.openOrUpdate(KEY, alertA);
    await store.openOrUpdate(KEY, alertB);
    const { incident } = await store.openOrUpdate(KEY, resolvedA);
    expect(incident?.firingCount).toBe(1);
    expect(incident?.alerts.find((a) => a.fingerprint === resolvedA.fingerprint)).toMatchObject({
      status: "resolved",
      endsAt: Date.parse("2026-11-26T03:12:18.157Z"),
    });
  });

  it("opens exactly one incident for a storm of 1,000 notifications from 3 replicas", async () => {
    const prefix = uniquePrefix();
    const replicas = await Promise.all([client(), client(), client()]);
    const stores = replicas.map((r) => createIncidentStore({ redis: r, prefix }));
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => stores[i % 3]?.openOrUpdate(KEY, podAlert(i % 30))),
    );
    const created = results.filter((r) => r?.created);
    expect(created).toHaveLength(1);
    const ids = new Set(results.map((r) => r?.incident?.id));
    expect(ids.size).toBe(1);
    const open = await stores[0]?.listOpen();
    expect(open).toHaveLength(1);
    expect(open?.[0]?.notifications).toBe(1000);
    expect(open?.[0]?.alerts).toHaveLength(30);
    expect(open?.[0]?.firingCount).toBe(30);
  });
});

describe("resolve", () => {
  it("resolves, clears the key so the next firing opens a new incident, and expires after retention", async () => {
    const prefix = uniquePrefix();
    const r = await client();
    const store = createIncidentStore({ redis: r, prefix, retentionMs: 3_600_000, flapWindowMs: 0 });
    const { incident } = await store.openOrUpdate(KEY, alertA);
    const id = incident?.id ?? "";
    const resolved = await store.resolve(id, "U123");
    expect(resolved.outcome).toBe("resolved");
    expect(resolved.incident).toMatchObject({ status: "resolved", resolvedBy: "U123" });
    expect(await store.listOpen()).toEqual([]);
    expect(await store.findOpen(KEY)).toBeNull();
    const ttl = await r.pttl(`${prefix}:incident:${id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    expect(await r.pttl(`${prefix}:incident:${id}:timeline`)).toBeGreaterThan(0);
    expect((await store.resolve(id, "U456")).outcome).toBe("already_resolved");
    expect((await store.resolve("no-such-id", "U1")).outcome).toBe("not_found");

    const again = await store.openOrUpdate(KEY, alertA);
    expect(again.created).toBe(true);
    expect(again.incident?.id).not.toBe(id);
    expect((await store.get(id))?.status).toBe("resolved");
    expect(await store.listIds(0, Number.MAX_SAFE_INTEGER)).toEqual([again.incident?.id, id]);
  });
});

describe("flap window", () => {
  it("reopens the incident its key resolved within the window, and opens a new one after it", async () => {
    const clock = new ManualClock();
    const store = createIncidentStore({
      redis: await client(),
      prefix: uniquePrefix(),
      now: () => clock.now(),
      flapWindowMs: 60_000,
    });
    const id = (await store.openOrUpdate(KEY, alertA)).incident?.id ?? "";
    await store.resolve(id, "alertmanager");
    clock.advance(59_000);
    const again = await store.openOrUpdate(KEY, alertA);
    expect(again).toMatchObject({
      created: false,
      reopened: true,
      incident: { id, status: "open", reopened: 1 },
    });
    expect(again.incident?.resolvedAt).toBeNull();
    expect((await store.timeline(id)).map((e) => e.type)).toContain("incident_reopened");
    expect(await store.listOpen()).toHaveLength(1);
    await store.resolve(id, "alertmanager");
    clock.advance(61_000);
    const fresh = await store.openOrUpdate(KEY, alertA);
    expect(fresh).toMatchObject({ created: true, reopened: false });
    expect(fresh.incident?.id).not.toBe(id);
  });

  it("keeps new incidents past the per-minute cap, marked suppressed; exempt keys are not counted", async () => {
    const clock = new ManualClock();
    const store = createIncidentStore({
      redis: await client(),
      prefix: uniquePrefix(),
      now: () => clock.now(),
      incidentsPerMinuteMax: 2,
    });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await store.openOrUpdate(`K${i}`, alertA));
    expect(results.map((r) => r.suppressed)).toEqual([false, false, true, true]);
    expect((await store.openOrUpdate("exempt", alertA, { exempt: true })).suppressed).toBe(false);
    expect(await store.countOpen()).toBe(5);
  });
});

describe("claimRoot / setRoot", () => {
  it("lets exactly one of many replicas post the root message", async () => {
    const prefix = uniquePrefix();
    const stores = (await Promise.all([client(), client(), client()])).map((r) =>
      createIncidentStore({ redis: r, prefix }),
    );
    const { incident } = (await stores[0]?.openOrUpdate(KEY, alertA)) ?? {};
    const id = incident?.id ?? "";
    const claims = await Promise.all(Array.from({ length: 60 }, (_, i) => stores[i % 3]?.claimRoot(id)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await stores[1]?.setRoot(id, { channel: "C0RDEV", ts: "1732590000.000100" })).toBe(true);
    expect(await stores[2]?.setRoot(id, { channel: "C0RDEV", ts: "1732590000.000200" })).toBe(false);
    expect(await stores[0]?.claimRoot(id)).toBe(false);
    expect((await stores[0]?.get(id))?.root).toEqual({ channel: "C0RDEV", ts: "1732590000.000100" });
    expect((await stores[0]?.timeline(id))?.at(-1)).toMatchObject({ type: "root_posted" });
  });

  it("lets another replica claim once the holder's lease lapses without a root", async () => {
    const prefix = uniquePrefix();
    const r = await client();
    const store = createIncidentStore({ redis: r, prefix, rootClaimLeaseMs: 1 });
    const { incident } = await store.openOrUpdate(KEY, alertA);
    const id = incident?.id ?? "";
    expect(await store.claimRoot(id, "replica-1")).toBe(true);
    while ((await r.exists(`${prefix}:incident:${id}:root-claim`)) === 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await store.claimRoot(id, "replica-2")).toBe(true);
  });

  it("does not claim for an unknown incident, and setRoot says what is wrong", async () => {
    const store = createIncidentStore({ redis: await client(), prefix: uniquePrefix() });
    expect(await store.claimRoot("missing")).toBe(false);
    await expect(store.setRoot("missing", { channel: "C1", ts: "1.000100" })).rejects.toThrow(
      IncidentNotFoundError,
    );
  });
});

describe("timeline", () => {
  it("keeps only the most recent timelineMax entries", async () => {
    const clock = new ManualClock();
    const store = createIncidentStore({
      redis: await client(),
      prefix: uniquePrefix(),
      timelineMax: 4,
      now: () => clock.now(),
    });
    const { incident } = await store.openOrUpdate(KEY, alertA);
    const id = incident?.id ?? "";
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      await store.appendTimeline(id, { type: "diagnostics", by: "worker", data: { i } });
    }
    const entries = await store.timeline(id);
    expect(entries.map((e) => e.data?.i)).toEqual([1, 2, 3, 4]);
    expect(entries[3]?.at).toBe(clock.now());
    await expect(store.appendTimeline("missing", { type: "x" })).rejects.toThrow(/No incident "missing"/);
  });
});

describe("when Redis restarts", () => {
  it.skipIf(topologyKind() !== "single")(
    "reports a clear error while Redis is down and works again after",
    async () => {
      const r = await client();
      const store = createIncidentStore({ redis: r, prefix: uniquePrefix() });
      await store.openOrUpdate(KEY, alertA);
      await redis.server?.kill();
      try {
        const error = await store.openOrUpdate(KEY, alertA).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RedisUnavailableError);
        expect((error as Error).message).toMatch(
          /Redis is unavailable while trying to open or update an incident/,
        );
        expect((error as Error).message).toMatch(/REDIS_URL/);
        await expect(store.listOpen()).rejects.toThrow(RedisUnavailableError);
      } finally {
        await redis.server?.start();
      }
      await waitUntilReady(r);
      // The restarted Redis kept nothing (no persistence): the store opens a fresh incident.
      const after = await store.openOrUpdate(KEY, alertA);
      expect(after.created).toBe(true);
      expect(await store.listOpen()).toHaveLength(1);
    },
  );
});

describe("alert text that could mislead", () => {
  it("stores summaries on one line without bidi controls, and links the configured runbook, never the alert's", async () => {
    const spoofing: Alert = {
      ...alertA,
      fingerprint: "fp-spoof",
      labels: { ...alertA.labels, severity: "crit\u202eical" },
      annotations: {
        summary: "rdev-api at 97%\n\n*Approve the rolling restart now* \u2066<@U0BOSS>\u2069 \u202Egnp.exe",
        runbook_url: "https://evil.example.com/runbook",
      },
    };
    const configured = createIncidentStore({
      redis: await client(),
      prefix: uniquePrefix(),
      runbookUrl: "https://wiki.example.com/rdev/high-memory",
    });
    const { incident } = await configured.openOrUpdate(KEY, spoofing);
    expect(incident?.summary).toBe("rdev-api at 97% *Approve the rolling restart now* <@U0BOSS> gnp.exe");
    expect(incident?.severity).toBe("critical");
    expect(incident?.runbookUrl).toBe("https://wiki.example.com/rdev/high-memory");
    const unset = createIncidentStore({ redis: await client(), prefix: uniquePrefix() });
    expect((await unset.openOrUpdate(KEY, spoofing)).incident?.runbookUrl).toBeNull();
  });
});
