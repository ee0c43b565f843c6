// `/rdev` through the real HTTP receiver: ack, "Gathering diagnostics..." where the command was
// typed, the diagnose job (real BullMQ), help and refusals privately, history from the store.
import { readFileSync } from "node:fs";
import { DiagnoseJob } from "@rdev/bot/queue/jobs.ts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { signedSlashCommand } from "../support/slack-sign.ts";
import {
  ALERT_CHANNEL,
  AM_TOKEN,
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
  h = await startHarness(redisServer);
});
afterEach(async () => {
  await h.stop();
});

const events = () => `${h.instances[0]?.url}/slack/events`;

async function command(text: string, fields: Record<string, string> = {}) {
  const responseUrl = h.fake.responseUrl();
  const started = performance.now();
  const res = await signedSlashCommand(events(), SIGNING_SECRET, {
    text,
    response_url: responseUrl,
    ...fields,
  });
  return { res, responseUrl, ackMs: performance.now() - started };
}

const responses = (url: string) =>
  eventually(() => (h.fake.responses(url).length > 0 ? h.fake.responses(url) : false));

async function waitingJobs() {
  const jobs = await h.queue("diagnose").getJobs(["waiting", "delayed", "prioritized", "active"]);
  return jobs.map((j) => ({ id: j.id, data: DiagnoseJob.parse(j.data) }));
}

describe("/rdev mem status", () => {
  it("acks at once, posts 'Gathering diagnostics' in the channel and queues a diagnose job into its thread", async () => {
    const { res, ackMs } = await command("mem status", { channel_id: OPS_CHANNEL, user_id: "U0DEVANNA1" });
    expect(res.status).toBe(200);
    expect(ackMs).toBeLessThan(3000);
    const post = await h.fake.waitForCall("chat.postMessage");
    expect(post.args).toMatchObject({ channel: OPS_CHANNEL });
    expect(String(post.args.text)).toContain("Gathering diagnostics for `rdev/rdev-api`");
    const [job] = await eventually(async () =>
      (await waitingJobs()).length === 1 ? await waitingJobs() : false,
    );
    expect(job?.id).toMatch(/^diagnose-/);
    expect(job?.data).toMatchObject({
      target: { namespace: "rdev", deployment: "rdev-api" },
      replyTo: { channel: OPS_CHANNEL, threadTs: post.response?.ts, incidentId: null },
      requestedBy: "U0DEVANNA1",
      heapProfile: false,
    });
  });

  it("accepts the configured target by name", async () => {
    await command("MEM STATUS rdev/rdev-api");
    await eventually(async () => (await waitingJobs()).length === 1);
  });

  it("answers through the response_url when the bot cannot post in the conversation (a DM)", async () => {
    const dm = "D0dmx"; // the fake answers channel_not_found for it, as Slack does for a DM between people
    const { responseUrl } = await command("mem status", { channel_id: dm });
    const [post] = await responses(responseUrl);
    expect(post?.body).toMatchObject({ response_type: "in_channel" });
    expect(JSON.stringify(post?.body)).toContain("Gathering diagnostics");
    const [job] = await eventually(async () =>
      (await waitingJobs()).length === 1 ? await waitingJobs() : false,
    );
    expect(job?.data.replyTo).toEqual({ channel: dm, threadTs: null, incidentId: null, responseUrl });
  });

  it.each([
    ["another deployment", "mem status prod/payments", /only look after rdev\/rdev-api/],
    ["a malformed target", "mem status Rdev/rdev_api!", /not a namespace\/deployment/],
    ["an unknown command", "restart everything", /I do not know/],
    ["too many arguments", "mem status rdev/rdev-api now", /Too many arguments/],
  ])("answers %s privately and queues nothing", async (_name, text, expected) => {
    const { responseUrl } = await command(text);
    const [post] = await responses(responseUrl);
    expect(post?.body).toMatchObject({ response_type: "ephemeral" });
    expect(JSON.stringify(post?.body)).toMatch(expected);
    expect(await waitingJobs()).toEqual([]);
    expect(h.fake.callsTo("chat.postMessage")).toEqual([]);
  });
});

describe("/rdev help and history", () => {
  it("shows the help privately", async () => {
    const { responseUrl } = await command("help");
    const [post] = await responses(responseUrl);
    expect(post?.body).toMatchObject({ response_type: "ephemeral" });
    expect(JSON.stringify(post?.body)).toContain("mem history");
  });

  it("lists recent incidents with their status and a link to the thread", async () => {
    const firing = readFileSync(
      new URL("../fixtures/alertmanager/rdev-high-memory-firing.json", import.meta.url),
      "utf8",
    );
    const am = await fetch(`${h.instances[0]?.url}/alertmanager`, {
      method: "POST",
      headers: { authorization: `Bearer ${AM_TOKEN}`, "content-type": "application/json" },
      body: firing,
    });
    expect(am.status).toBe(200);
    // The thread is posted by the app's Slack outbox, after the webhook answered.
    await eventually(async () => (await h.queue("diagnose").count()) > 0);
    const { responseUrl } = await command("mem history");
    const [post] = await responses(responseUrl);
    const text = JSON.stringify(post?.body);
    expect(post?.body).toMatchObject({ response_type: "ephemeral" });
    expect(text).toContain("RdevAPIHighMemory");
    expect(text).toContain("open");
    expect(text).toContain(`https://rdev.slack.com/archives/${ALERT_CHANNEL}/p`);
  });

  it("says so when there are no incidents", async () => {
    const { responseUrl } = await command("mem history");
    const [post] = await responses(responseUrl);
    expect(JSON.stringify(post?.body)).toContain("No incidents in the last 90 days");
  });
});
