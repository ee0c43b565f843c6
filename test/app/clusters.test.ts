// The app with two clusters (CLUSTERS=a,b) and no worker running: `/rdev mem status` asks which
// cluster, `mem status b` queues on b's queue and says at once that b's worker is unavailable;
// alerts open per-cluster incidents from their cluster label, and an alert whose cluster cannot be
// told is answered with the reason and opens nothing. "Diagnose again" outside an incident goes to
// the cluster its button names; a cluster the app does not serve, or none, gets an answer instead.

import { readFileSync } from "node:fs";
import { queueName } from "@rdev/bot/clusters/names.ts";
import type { AlertmanagerWebhook } from "@rdev/bot/intake/alertmanager.ts";
import { createRedis } from "@rdev/bot/redis.ts";
import { diagnoseAgainBlock } from "@rdev/bot/render/blocks/diagnose-again.ts";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { blockActions, signedInteraction, signedSlashCommand } from "../support/slack-sign.ts";
import {
  ALERT_CHANNEL,
  AM_TOKEN,
  APPROVER,
  eventually,
  type Harness,
  OPS_CHANNEL,
  SIGNING_SECRET,
  startHarness,
} from "./harness.ts";

let redisServer: TestRedis;
let h: Harness;
beforeAll(async () => {
  redisServer = await startRedis();
});
afterAll(async () => {
  await redisServer.stop();
});
beforeEach(async () => {
  h = await startHarness(redisServer, { env: { CLUSTERS: "a,b" } });
});
afterEach(async () => {
  await h.stop();
});

const url = () => h.instances[0]?.url ?? "";
async function command(text: string) {
  const responseUrl = h.fake.responseUrl();
  await signedSlashCommand(`${url()}/slack/events`, SIGNING_SECRET, {
    text,
    response_url: responseUrl,
    channel_id: OPS_CHANNEL,
    user_id: "U0DEVANNA1",
  });
  return responseUrl;
}

const FIRING = JSON.parse(
  readFileSync(new URL("../fixtures/alertmanager/rdev-high-memory-firing.json", import.meta.url), "utf8"),
) as AlertmanagerWebhook;

async function notify(clusters: (string | null)[]) {
  const template = FIRING.alerts[0];
  if (!template) throw new Error("no alert in the fixture");
  const body = {
    ...FIRING,
    alerts: clusters.map((cluster, i) => ({
      ...template,
      labels: { ...template.labels, ...(cluster ? { cluster } : {}) },
      fingerprint: `fp-${i}`,
    })),
  };
  const res = await fetch(`${url()}/alertmanager`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${AM_TOKEN}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("an app serving two clusters", () => {
  it("asks which cluster when none is named, and queues nothing", async () => {
    const responseUrl = await command("mem status");
    const [reply] = await eventually(() =>
      h.fake.responses(responseUrl).length > 0 ? h.fake.responses(responseUrl) : false,
    );
    expect((reply?.body as { text?: string } | undefined)?.text).toBe(
      "Which cluster? This bot serves 2: `a`, `b`. Ask for one, e.g. `/rdev mem status a`.",
    );
    const redis = createRedis(redisServer.url, { role: "producer" });
    const queues = ["a", "b"].map(
      (c) => new Queue(queueName("diagnose", c), { connection: redis, prefix: h.bullPrefix }),
    );
    expect(await Promise.all(queues.map((q) => q.count()))).toEqual([0, 0]);
    await Promise.all(queues.map((q) => q.close()));
    redis.disconnect();
  });

  it("`mem status b` queues on b's queue only and says at once that b's worker is unavailable", async () => {
    await command("mem status b");
    const root = await h.fake.waitForCall("chat.postMessage");
    expect(String(root.args.text)).toContain("Gathering diagnostics for `rdev/rdev-api` in cluster `b`");
    const redis = createRedis(redisServer.url, { role: "producer" });
    const [a, b] = ["a", "b"].map(
      (c) => new Queue(queueName("diagnose", c), { connection: redis, prefix: h.bullPrefix }),
    );
    const [job] = await eventually(async () => {
      const jobs = (await b?.getJobs(["waiting"])) ?? [];
      return jobs.length === 1 ? jobs : false;
    });
    expect(job?.data.target).toEqual({ namespace: "rdev", deployment: "rdev-api", cluster: "b" });
    expect(await a?.count()).toBe(0);
    const notice = await eventually(() =>
      h.fake.thread(OPS_CHANNEL, String(root.response?.ts)).find((m) => m.text.includes("unavailable")),
    );
    expect(notice.text).toContain("The worker for cluster *b* is unavailable (no heartbeat was ever seen");
    // The same, for Prometheus: neither cluster's worker beats here.
    const metrics = await (await fetch(`${url()}/metrics`)).text();
    expect(metrics).toContain('rdev_chatops_cluster_worker_up{cluster="a"} 0');
    expect(metrics).toContain('rdev_chatops_cluster_worker_up{cluster="b"} 0');
    await Promise.all([a?.close(), b?.close()]);
    redis.disconnect();
  });

  it("opens one incident per cluster from the alerts' label; an alert without one is answered and not taken", async () => {
    const { status, body } = await notify(["a", "b", null]);
    expect(status).toBe(200);
    const incidents = body.incidents as { key: string; created: boolean }[];
    expect(incidents.map((i) => i.key).sort()).toEqual([
      "a/RdevAPIHighMemory/rdev/rdev-api",
      "b/RdevAPIHighMemory/rdev/rdev-api",
    ]);
    expect(body.unrouted).toEqual([
      {
        fingerprint: "fp-2",
        reason: expect.stringContaining("no cluster label and this app serves several clusters (a, b)"),
      },
    ]);
    const open = await h.instances[0]?.deps.incidents.listOpen();
    expect(open?.map((i) => i.cluster).sort()).toEqual(["a", "b"]);
    // b's root names the cluster and says its worker is unavailable (none ever ran here).
    const rootB = await eventually(() =>
      h.fake.messages(h.config.alertChannel).find((m) => m.text.includes("rdev/rdev-api in b")),
    );
    expect(JSON.stringify(rootB.blocks)).toContain("The worker for cluster *b* is unavailable");
  });
});

const app = () => {
  const i = h.instances[0];
  if (!i) throw new Error("no app instance");
  return i;
};

/** Posts a message with the button (as the worker would after an action) and clicks it. */
async function clickAgain(value: { cluster?: string }) {
  const blocks = [diagnoseAgainBlock({ incidentId: null, ...value })];
  const posted = await app().deps.slack.chat.postMessage({
    channel: ALERT_CHANNEL,
    text: "Finished",
    blocks,
  });
  const button = blocks[0]?.elements[0] as { value: string };
  const responseUrl = h.fake.responseUrl();
  const payload = blockActions({
    actionId: "diagnose_again",
    value: button.value,
    user: { id: APPROVER },
    channelId: ALERT_CHANNEL,
    messageTs: String(posted.ts),
    threadTs: null,
    responseUrl,
    triggerId: h.fake.issueTriggerId(),
  });
  const res = await signedInteraction(`${app().url}/slack/events`, SIGNING_SECRET, payload);
  expect(res.status).toBe(200);
  const [reply] = await eventually(() =>
    h.fake.responses(responseUrl).length > 0 ? h.fake.responses(responseUrl) : false,
  );
  return { text: String((reply?.body as { text?: string } | undefined)?.text), ts: String(posted.ts) };
}

const waiting = async () =>
  (
    await Promise.all(
      app()
        .deps.queues.all()
        .map(async (q) =>
          (await q.getJobs(["waiting", "prioritized", "delayed"])).map((j) => [q.name, j.data]),
        ),
    )
  ).flat() as [string, { target: { cluster?: string }; replyTo: { threadTs: string } }][];

describe("Diagnose again outside an incident, with two clusters", () => {
  it("goes to the cluster the button names, in the button's thread", async () => {
    const { text, ts } = await clickAgain({ cluster: "b" });
    expect(text).toContain("Diagnosing again");
    const jobs = await waiting();
    expect(jobs.map(([queue, d]) => [queue, d.target.cluster, d.replyTo.threadTs])).toEqual([
      ["rdev-diagnose.b", "b", ts],
    ]);
  });

  it("refuses a cluster the app does not serve, and queues nothing", async () => {
    const { text } = await clickAgain({ cluster: "zz" });
    expect(text).toBe("There is no cluster `zz`. Clusters: `a`, `b`.");
    expect(await waiting()).toEqual([]);
  });

  it("asks which cluster when the button names none (a message from before clusters were named)", async () => {
    const { text } = await clickAgain({});
    expect(text).toContain("Which cluster? This bot serves 2: `a`, `b`.");
    expect(await waiting()).toEqual([]);
  });
});
