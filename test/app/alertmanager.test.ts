// POST /alertmanager through real sockets: auth, limits, grouping into one incident thread per
// alert+namespace+workload (also through two replicas), coalesced root updates, 429s, resolution.
import { readFileSync } from "node:fs";
import { request } from "node:http";
import type { AlertmanagerWebhook } from "@rdev/bot/intake/alertmanager.ts";
import { DiagnoseJob } from "@rdev/bot/queue/jobs.ts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { ALERT_CHANNEL, AM_TOKEN, eventually, type Harness, startHarness } from "./harness.ts";

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/alertmanager/${name}`, import.meta.url), "utf8"),
  ) as AlertmanagerWebhook;
const FIRING = fixture("rdev-high-memory-firing.json");

let redisServer: TestRedis;
let h: Harness;
beforeAll(async () => {
  redisServer = await startRedis();
});
afterAll(async () => {
  await redisServer.stop();
});
beforeEach(async () => {
  h = await startHarness(redisServer);
});
afterEach(async () => {
  await h.stop();
});

const post = (body: string, options: { token?: string | null; base?: string } = {}) =>
  fetch(`${options.base ?? h.instances[0]?.url}/alertmanager`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.token === null ? {} : { authorization: `Bearer ${options.token ?? AM_TOKEN}` }),
    },
    body,
  });

/** A notification for `pods` (firing or resolved), like Alertmanager sends for a per-pod alert. */
function notification(pods: string[], status: "firing" | "resolved" = "firing"): AlertmanagerWebhook {
  const template = FIRING.alerts[0];
  if (!template) throw new Error("fixture has no alerts");
  return {
    ...FIRING,
    status,
    alerts: pods.map((pod) => ({
      ...template,
      status,
      labels: { ...template.labels, pod },
      endsAt: status === "resolved" ? "2026-11-26T03:30:00Z" : template.endsAt,
      fingerprint: `fp-${pod}`,
    })),
  };
}

const pods = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `rdev-api-7d9f8b6c5d-${"bcdfghjklmnpqrstvwxz2456789"[i % 27]}x2k${"4567"[Math.floor(i / 27) % 4]}`,
  );

const rootText = () => JSON.stringify(h.fake.messages(ALERT_CHANNEL)[0]?.blocks ?? []);

describe("authentication and limits", () => {
  it("refuses a missing or wrong bearer token with 401", async () => {
    expect((await post(JSON.stringify(FIRING), { token: null })).status).toBe(401);
    const wrong = await post(JSON.stringify(FIRING), { token: "am-token-0123456789abcdeX" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: expect.stringContaining("bearer token") });
    expect(h.fake.callsTo("chat.postMessage")).toEqual([]);
  });

  it("answers malformed payloads with 400 and a JSON error", async () => {
    const notJson = await post("{nope");
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: "the body is not JSON" });
    const wrongVersion = await post(JSON.stringify({ ...FIRING, version: "3" }));
    expect(wrongVersion.status).toBe(400);
    expect(JSON.stringify(await wrongVersion.json())).toContain('version \\"4\\"');
    expect((await post(JSON.stringify({ version: "4" }))).status).toBe(400);
  });

  it("refuses bodies over 1 MiB with 413, declared or chunked, without reading them whole", async () => {
    const big = "x".repeat(1024 * 1024 + 1);
    expect((await post(big)).status).toBe(413);
    const url = new URL(`${h.instances[0]?.url}/alertmanager`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { authorization: `Bearer ${AM_TOKEN}`, "transfer-encoding": "chunked" },
        },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.on("error", reject);
      // Keep sending 64 KiB chunks; the server answers 413 once 1 MiB has passed.
      let sent = 0;
      const pump = () => {
        while (sent < 4 * 1024 * 1024 && req.write(Buffer.alloc(64 * 1024, 120))) sent += 64 * 1024;
        if (sent < 4 * 1024 * 1024) req.once("drain", pump);
      };
      pump();
    });
    expect(status).toBe(413);
  });
});

describe("incident threads", () => {
  it("opens one thread for a firing notification and queues one diagnosis into it", async () => {
    const res = await post(JSON.stringify(FIRING));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { incidents: { id: string; key: string; created: boolean }[] };
    expect(body.incidents).toHaveLength(1);
    const incident = body.incidents[0];
    expect(incident).toMatchObject({ key: "RdevAPIHighMemory/rdev/rdev-api", created: true });
    // The root is posted by the app's Slack outbox, after the webhook answered.
    const root = await eventually(() => h.fake.messages(ALERT_CHANNEL)[0]);
    expect(root.text).toContain("[FIRING:3] RdevAPIHighMemory rdev/rdev-api");
    const job = await eventually(() => h.queue("diagnose").getJob(`diagnose-incident-${incident?.id}`));
    expect(DiagnoseJob.parse(job?.data)).toMatchObject({
      requestedBy: "alertmanager",
      replyTo: { channel: ALERT_CHANNEL, threadTs: root?.ts, incidentId: incident?.id },
    });
  });

  it("turns a storm (1,000 notifications, 30 pods, two replicas, concurrently) into one thread and bounded updates", async () => {
    const second = await h.startInstance();
    const bases = [h.instances[0]?.url, second.url];
    const all = pods(30);
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        post(JSON.stringify(notification(all.slice(i % 30, (i % 30) + 1 + (i % 3)))), {
          base: bases[i % 2],
        }).then((r) => r.status),
      ),
    );
    expect(new Set(results)).toEqual(new Set([200]));
    await eventually(async () => (await h.queue("diagnose").count()) === 1, 10_000);
    expect(h.fake.messages(ALERT_CHANNEL)).toHaveLength(1);
    const notifications = results.length + 0;
    // The last state is rendered in the end, however the updates were coalesced.
    await eventually(
      () => rootText().includes(`${expectedNotifications(notifications)} notifications`),
      10_000,
    );
    await eventually(() => rootText().includes("on 30 of 30 pods"), 10_000);
    const elapsed = Date.now() - started;
    const updates = h.fake.callsTo("chat.update").length;
    // One gate for both replicas: at most one update per 200 ms interval (+1 for the last state).
    expect(updates).toBeGreaterThan(0);
    expect(updates).toBeLessThanOrEqual(Math.ceil(elapsed / 200) + 2);
    expect(updates).toBeLessThan(60);
  }, 30_000);

  it("backs off by Retry-After when chat.update is rate limited, then renders the latest state", async () => {
    await post(JSON.stringify(notification(pods(1))));
    await eventually(() => h.fake.messages(ALERT_CHANNEL)[0]);
    h.fake.failNext("chat.update", 429, 1, 1);
    await post(JSON.stringify(notification(pods(2))));
    // Wait for the root post's gate to open, then the 429 and the retry after Retry-After.
    await eventually(() => h.fake.callsTo("chat.update").some((c) => c.status === 429), 5000);
    const limitedAt = h.fake.callsTo("chat.update").find((c) => c.status === 429)?.at ?? 0;
    await eventually(() => rootText().includes("on 2 of 2 pods"), 5000);
    const next = h.fake.callsTo("chat.update").find((c) => c.ok);
    expect((next?.at ?? 0) - limitedAt).toBeGreaterThanOrEqual(950);
  });

  it("resolves the incident when every alert has resolved: root updated, approvals withdrawn, the review queued", async () => {
    const started = (await (await post(JSON.stringify(notification(pods(2))))).json()) as {
      incidents: { id: string }[];
    };
    const id = started.incidents[0]?.id ?? "";
    const deps = h.instances[0]?.deps;
    if (!deps) throw new Error("no instance");
    await eventually(() => h.fake.messages(ALERT_CHANNEL)[0]);
    const proposalId = await deps.proposals.createProposal({
      incidentId: id,
      action: { kind: "rolling-restart", params: {} },
      target: { namespace: "rdev", deployment: "rdev-api" },
      requestedBy: "alertmanager",
      channel: ALERT_CHANNEL,
      messageTs: null,
      expiresAt: deps.now() + 60_000,
    });
    await post(JSON.stringify(notification(pods(1), "resolved")));
    expect((await deps.incidents.get(id))?.status).toBe("open");
    await post(JSON.stringify(notification(pods(2).slice(1), "resolved")));
    expect((await deps.incidents.get(id))?.status).toBe("resolved");
    expect((await deps.proposals.get(proposalId))?.status).toBe("incident_resolved");
    // The app does not guess why it ended: the worker's review (a job on the diagnose queue) says.
    const review = await h.queue("diagnose").getJob(`resolve-${id}`);
    expect(review?.name).toBe("resolve");
    expect(review?.data).toMatchObject({ incidentId: id, withdrawn: 1, target: { namespace: "rdev" } });
    const root = h.fake.messages(ALERT_CHANNEL)[0];
    expect(h.fake.thread(ALERT_CHANNEL, root?.ts ?? "").slice(1)).toEqual([]);
    await eventually(
      () => rootText().includes("RESOLVED") && rootText().includes("checking the cluster for why"),
      5000,
    );
    // Firing again within the flap window reopens the same incident: no second thread.
    const again = (await (await post(JSON.stringify(notification(pods(1))))).json()) as {
      incidents: { id: string; reopened: boolean; created: boolean }[];
    };
    expect(again.incidents).toEqual([expect.objectContaining({ id, reopened: true, created: false })]);
    expect((await deps.incidents.get(id))?.status).toBe("open");
    await eventually(() => !rootText().includes("RESOLVED"), 5000);
    expect(h.fake.messages(ALERT_CHANNEL)).toHaveLength(1);
  });
});

/** Notifications the incident counted: one per alert in each notification of the storm. */
function expectedNotifications(n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.min(30, (i % 30) + 1 + (i % 3)) - (i % 30);
  return total;
}

describe("only the runbook's alerts trigger the runbook", () => {
  const other = (alertname: string): AlertmanagerWebhook => {
    const n = notification(pods(1));
    return {
      ...n,
      commonLabels: { ...n.commonLabels, alertname },
      groupLabels: { alertname },
      alerts: n.alerts.map((a) => ({ ...a, labels: { ...a.labels, alertname } })),
    };
  };
  const diagnoseJobs = async () =>
    (await h.queue("diagnose").getJobs(["waiting", "delayed", "prioritized"])).length;

  it("another alert on the same workload gets a plain thread, no diagnosis and no buttons", async () => {
    const res = await post(JSON.stringify(other("KubePodCrashLooping")));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { incidents: { key: string }[] };
    expect(body.incidents.map((i) => i.key)).toEqual(["KubePodCrashLooping/rdev/rdev-api"]);
    // The root is posted by the app's Slack outbox, after the webhook answered.
    await eventually(() => h.fake.messages(ALERT_CHANNEL).length === 1);
    // The runbook's own family (its critical variant included) is diagnosed; the other alert never
    // was (the outbox handles the roots in order, so its diagnosis would be queued by now).
    await post(JSON.stringify(other("RdevAPIHighMemoryCritical")));
    await eventually(async () => (await diagnoseJobs()) === 1);
    await eventually(() => h.fake.messages(ALERT_CHANNEL).length === 2);
    expect(await diagnoseJobs()).toBe(1);
  });

  it("with OTHER_ALERTS=ignore another alert opens nothing at all; RUNBOOK_ALERTS picks the family", async () => {
    await h.stop();
    h = await startHarness(redisServer, {
      env: { OTHER_ALERTS: "ignore", RUNBOOK_ALERTS: "KubePodCrashLooping" },
    });
    const ignored = await post(JSON.stringify(notification(pods(2))));
    expect(((await ignored.json()) as { incidents: unknown[] }).incidents).toEqual([]);
    expect(h.fake.messages(ALERT_CHANNEL)).toEqual([]);
    await post(JSON.stringify(other("KubePodCrashLooping")));
    await eventually(async () => (await diagnoseJobs()) === 1);
  });
});
