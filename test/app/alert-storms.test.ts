// The Alertmanager webhook on a bad day, through the real app, real Redis and the fake Slack: big
// notifications (caps), floods of incidents (per-minute cap, one summary), flapping (reopen), a
// slow, failing and rate-limiting Slack (the webhook never waits for it; one root, ever), bad
// timestamps, and Redis stopped and restarted.

import type { AlertmanagerWebhook } from "@rdev/bot/intake/alertmanager.ts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { ALERT_CHANNEL, AM_TOKEN, eventually, type Harness, startHarness } from "./harness.ts";

let redisServer: TestRedis;
let h: Harness | null = null;
beforeAll(async () => {
  redisServer = await startRedis();
});
afterAll(async () => {
  await redisServer.stop();
});
afterEach(async () => {
  await h?.stop();
  h = null;
});

const start = async (env: Record<string, string> = {}) => {
  h = await startHarness(redisServer, { env });
  return h;
};
const app = () => {
  if (!h) throw new Error("no harness");
  return h;
};

type Answer = { status: number; body: Record<string, unknown> };
async function post(body: unknown): Promise<Answer> {
  const res = await fetch(`${app().instances[0]?.url}/alertmanager`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${AM_TOKEN}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The 5-character suffix Kubernetes gives a pod (from the consonants and digits it uses). */
const podSuffix = (i: number) => {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  let out = "";
  for (let n = i, k = 0; k < 5; k++, n = Math.floor(n / alphabet.length))
    out += alphabet[n % alphabet.length];
  return out;
};

/** A compact notification: `n` alerts named by `name(i)`, one pod each, on `workload`. */
function notification(
  n: number,
  options: { name?: (i: number) => string; status?: "firing" | "resolved"; workload?: string } = {},
): AlertmanagerWebhook {
  const status = options.status ?? "firing";
  const workload = options.workload ?? "rdev-api";
  return {
    version: "4",
    groupKey: "{}:{}",
    truncatedAlerts: 0,
    receiver: "rdev-chatops",
    status,
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://alertmanager.example",
    alerts: Array.from({ length: n }, (_, i) => ({
      status,
      labels: {
        alertname: options.name?.(i) ?? "RdevAPIHighMemory",
        namespace: "rdev",
        pod: `${workload}-7d9f8b6c5d-${podSuffix(i)}`,
        severity: "warning",
      },
      annotations: { summary: "memory high" },
      startsAt: "2026-11-26T02:51:03.157076523Z",
      endsAt: status === "resolved" ? "2026-11-26T03:30:00Z" : "0001-01-01T00:00:00Z",
      generatorURL: "",
      fingerprint: `fp-${workload}-${i}`,
    })),
  };
}

const roots = () => app().fake.messages(ALERT_CHANNEL);

describe("payload checks and caps", () => {
  it('refuses a time that is not RFC 3339 (startsAt: "1") with 400 and stores nothing', async () => {
    await start();
    const bad = notification(1);
    (bad.alerts[0] as { startsAt: string }).startsAt = "1";
    const answer = await post(bad);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain("alerts.0.startsAt: must be an RFC 3339 timestamp");
    expect(await app().instances[0]?.deps.incidents.countOpen()).toBe(0);
  });

  it("keeps at most ALERTS_PER_INCIDENT_MAX alerts of an incident and says how many it dropped", async () => {
    await start({ ALERTS_PER_INCIDENT_MAX: "50" });
    const answer = await post(notification(120));
    expect(answer).toMatchObject({ status: 200, body: { dropped: 70 } });
    const id = (answer.body.incidents as { id: string }[])[0]?.id ?? "";
    const incident = await app().instances[0]?.deps.incidents.get(id);
    expect(incident).toMatchObject({ firingCount: 50, alertsDropped: 70 });
    // Alerts it already keeps still resolve it.
    await post(notification(120, { status: "resolved" }));
    expect((await app().instances[0]?.deps.incidents.get(id))?.status).toBe("resolved");
    const root = await eventually(() => roots()[0]);
    expect(JSON.stringify(root.blocks)).toContain("70 more alerts");
  });

  it("handles at most ALERTS_PER_NOTIFICATION_MAX alerts of one notification and answers with the count left out", async () => {
    await start({ ALERTS_PER_NOTIFICATION_MAX: "100" });
    const answer = await post(notification(130, { name: (i) => `Alert${i % 2}` }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ truncatedAlerts: 30 });
    expect(String(answer.body.note)).toContain("ALERTS_PER_NOTIFICATION_MAX");
    const open = await app().instances[0]?.deps.incidents.listOpen();
    expect(open?.map((i) => i.firingCount).reduce((a, b) => a + b, 0)).toBe(100);
  });
});

describe("floods and flapping", () => {
  it("opens at most INCIDENTS_PER_MINUTE_MAX threads a minute and posts one flood summary for the rest", async () => {
    await start({ INCIDENTS_PER_MINUTE_MAX: "5" });
    // The app's clock 1 s into a minute, so the cap's minute cannot end during the storm.
    const now = app().clock.now();
    app().clock.offsetMs += 60_000 - (now % 60_000) + 1_000;
    const answer = await post(notification(200, { name: (i) => `Storm${i}`, workload: "other" }));
    expect(answer).toMatchObject({ status: 200, body: { suppressed: 195 } });
    // Every incident is recorded, with or without a thread.
    expect(await app().instances[0]?.deps.incidents.countOpen()).toBe(200);
    const summary = await eventually(() => roots().find((m) => m.text.includes("Alert flood")), 10_000);
    // A minute boundary during the storm splits it into two summaries at most.
    expect(summary.text).toMatch(/\d+ incidents opened in the minute/);
    await eventually(() => roots().filter((m) => !m.text.includes("Alert flood")).length >= 5, 10_000);
    const threads = roots().filter((m) => !m.text.includes("Alert flood"));
    expect(threads.length).toBeLessThanOrEqual(10);
    expect(roots().filter((m) => m.text.includes("Alert flood")).length).toBeLessThanOrEqual(2);
  }, 20_000);

  it("the runbook's workload always gets its thread, even past the cap", async () => {
    await start({ INCIDENTS_PER_MINUTE_MAX: "2" });
    await post(notification(10, { name: (i) => `Other${i}`, workload: "other" }));
    await post(notification(1));
    await eventually(() => roots().find((m) => m.text.includes("RdevAPIHighMemory rdev/rdev-api")), 10_000);
  });

  it("reopens an incident that fires again within the flap window: 40 cycles, one incident, one thread, one diagnosis", async () => {
    await start();
    for (let i = 0; i < 40; i++) {
      expect((await post(notification(1))).status).toBe(200);
      expect((await post(notification(1, { status: "resolved" }))).status).toBe(200);
    }
    const ids = await app().instances[0]?.deps.incidents.listIds(0, Number.MAX_SAFE_INTEGER);
    expect(ids).toHaveLength(1);
    const incident = await app().instances[0]?.deps.incidents.get(ids?.[0] ?? "");
    expect(incident).toMatchObject({ status: "resolved", reopened: 39 });
    await eventually(() => roots().length === 1);
    await eventually(
      async () => (await app().queue("diagnose").getJob(`diagnose-incident-${incident?.id}`)) ?? null,
    );
    // One review now for the first resolution; the later ones wait out the flap window and only
    // the one still resolved then runs (the worker skips a reopened incident).
    const jobs = await app().queue("diagnose").getJobs(["waiting", "delayed"]);
    expect(jobs.filter((j) => j.name === "resolve" && !j.opts.delay)).toHaveLength(1);
    expect(jobs.filter((j) => j.name === "resolve" && (j.opts.delay ?? 0) > 0)).toHaveLength(39);
    expect(jobs.filter((j) => j.name === "diagnose")).toHaveLength(1);
    // Slack calls stay bounded: one root, coalesced updates (not one per cycle).
    await app().instances[0]?.handle.rootUpdater.settled();
    expect(app().fake.callsTo("chat.postMessage")).toHaveLength(1);
    expect(app().fake.callsTo("chat.update").length).toBeLessThan(40);
  }, 30_000);
});

describe("a slow, failing or rate-limiting Slack", () => {
  it("answers Alertmanager before Slack has answered, and a re-sent alert during the hang posts no second root", async () => {
    await start();
    app().fake.setLatency("chat.postMessage", 1500);
    const first = await post(notification(1));
    expect(first.status).toBe(200);
    // Answered while Slack is still hanging on the root post.
    expect(app().fake.callsTo("chat.postMessage")).toHaveLength(0);
    const again = await post(notification(2));
    expect(again.status).toBe(200);
    await eventually(() => roots().length === 1, 10_000);
    await app().instances[0]?.handle.rootUpdater.settled();
    expect(roots()).toHaveLength(1);
    await eventually(() => JSON.stringify(roots()[0]?.blocks).includes("on 2 of 2 pods"), 10_000);
  });

  it("retries a root after Slack's 500s and waits Retry-After after a 429: still one root", async () => {
    await start();
    app().fake.failNext("chat.postMessage", 500, 2);
    app().fake.failNext("chat.postMessage", 429, 1, 2);
    expect((await post(notification(1))).status).toBe(200);
    const root = await eventually(() => roots()[0], 15_000);
    const calls = app().fake.callsTo("chat.postMessage");
    expect(calls.map((c) => c.status)).toEqual([500, 500, 429, 200]);
    const limited = calls[2]?.at ?? 0;
    expect((calls[3]?.at ?? 0) - limited).toBeGreaterThanOrEqual(1900);
    expect(root.text).toContain("RdevAPIHighMemory");
    expect(roots()).toHaveLength(1);
  }, 20_000);

  it("posts the cleared line of an unwatched workload from the outbox, not the webhook", async () => {
    await start({ FLAP_WINDOW: "0s" });
    await post(notification(1, { workload: "other" }));
    const root = await eventually(() => roots()[0]);
    app().fake.setLatency("chat.postMessage", 1000);
    expect((await post(notification(1, { workload: "other", status: "resolved" }))).status).toBe(200);
    expect(app().fake.thread(ALERT_CHANNEL, root.ts)).toHaveLength(1);
    await eventually(() => app().fake.thread(ALERT_CHANNEL, root.ts)[1]?.text.includes("cleared"), 10_000);
  });
});

describe("Redis stopped and restarted", () => {
  it("answers 503 while Redis is down, then takes the retried notification and posts its root", async () => {
    await start();
    await redisServer.kill();
    try {
      const down = await post(notification(1));
      expect(down.status).toBe(503);
      expect(roots()).toHaveLength(0);
    } finally {
      await redisServer.start();
    }
    const redis = app().instances[0]?.redis;
    await eventually(() => redis?.status === "ready", 10_000);
    const retried = await post(notification(1));
    expect(retried.status).toBe(200);
    await eventually(() => roots()[0], 15_000);
    expect(roots()).toHaveLength(1);
  }, 30_000);
});
