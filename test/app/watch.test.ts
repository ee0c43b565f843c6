// Alertmanager's own Slack notifier posting in a watched channel: the bot answers in that
// message's thread and queues a diagnosis into it.

import { DiagnoseJob } from "@rdev/bot/queue/jobs.ts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { messageEvent, signedEvent } from "../support/slack-sign.ts";
import { eventually, type Harness, OPS_CHANNEL, SIGNING_SECRET, startHarness } from "./harness.ts";

const WATCHED = "C0ALERTS01";
let redisServer: TestRedis;
let h: Harness;
beforeAll(async () => {
  redisServer = await startRedis();
});
afterAll(async () => {
  await redisServer.stop();
});
beforeEach(async () => {
  h = await startHarness(redisServer, { env: { WATCH_CHANNELS: WATCHED } });
});
afterEach(async () => {
  await h.stop();
});

/** What Alertmanager's slack_configs (default templates) makes Slack deliver as a message event. */
function notifierMessage(options: {
  channel?: string;
  ts: string;
  title: string;
  botId?: string;
  eventId?: string;
}) {
  const envelope = messageEvent({
    channel: options.channel ?? WATCHED,
    ts: options.ts,
    threadTs: null,
    text: "",
    eventId: options.eventId,
  }) as {
    event: Record<string, unknown>;
  };
  const event = envelope.event;
  delete event.user;
  delete event.client_msg_id;
  delete event.blocks;
  Object.assign(event, {
    subtype: "bot_message",
    bot_id: options.botId ?? "B0ALERTMGR",
    username: "Alertmanager",
    attachments: [
      {
        id: 1,
        color: "a30200",
        fallback: `${options.title} | http://alertmanager-main-0:9093/#/alerts?receiver=slack`,
        title: options.title,
        title_link: "http://alertmanager-main-0:9093/#/alerts?receiver=slack",
        text: "",
        mrkdwn_in: ["fallback", "pretext", "text"],
      },
    ],
  });
  return envelope;
}

const send = (envelope: unknown, options: Parameters<typeof signedEvent>[3] = {}) =>
  signedEvent(
    `${h.instances[0]?.url}/slack/events`,
    SIGNING_SECRET,
    envelope as Record<string, unknown>,
    options,
  );

describe("Alertmanager's Slack notifier in a watched channel", () => {
  it("answers in the alert message's thread and queues a diagnosis into it, once", async () => {
    const ts = "1764125463.000100";
    const title = "[FIRING:3] RdevAPIHighMemory rdev (rdev-api monitoring/k8s warning)";
    // Fixed timestamps: a retry computed as "now - 1" a second boundary later would be signed
    // exactly like the original, and rightly refused as a replay.
    const signedAt = Math.floor(Date.now() / 1000);
    const first = await send(notifierMessage({ ts, title, eventId: "Ev0WATCH0001" }), {
      timestamp: signedAt,
    });
    expect(first.status).toBe(200);
    const reply = await h.fake.waitForCall("chat.postMessage");
    expect(reply.args).toMatchObject({ channel: WATCHED, thread_ts: ts });
    const id = `diagnose-notifier-${WATCHED}-${ts.replace(".", "-")}`;
    const job = await eventually(() => h.queue("diagnose").getJob(id));
    expect(DiagnoseJob.parse(job.data)).toMatchObject({
      replyTo: { channel: WATCHED, threadTs: ts },
      requestedBy: "alertmanager",
    });
    // Slack redelivers the event (a retry, signed anew): no second reply.
    const retry = await send(notifierMessage({ ts, title, eventId: "Ev0WATCH0001" }), {
      timestamp: signedAt - 1,
      headers: { "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout" },
    });
    expect(retry.status).toBe(200);
    // A later alert message is answered; by then the retry has been handled (and ignored).
    await send(notifierMessage({ ts: "1764125999.000100", title }));
    await eventually(() =>
      h.fake.callsTo("chat.postMessage").some((c) => c.args.thread_ts === "1764125999.000100"),
    );
    expect(h.fake.callsTo("chat.postMessage").map((c) => c.args.thread_ts)).toEqual([
      ts,
      "1764125999.000100",
    ]);
  });

  it.each([
    ["another alert", { ts: "1764125463.000200", title: "[FIRING:1] KubePodCrashLooping rdev" }],
    ["a resolved notification", { ts: "1764125463.000300", title: "[RESOLVED] RdevAPIHighMemory rdev" }],
    [
      "a channel not watched",
      { ts: "1764125463.000400", title: "[FIRING:1] RdevAPIHighMemory rdev", channel: OPS_CHANNEL },
    ],
    [
      "the bot's own message",
      { ts: "1764125463.000500", title: "[FIRING:1] RdevAPIHighMemory rdev", botId: "B0RDEVBOT1" },
    ],
  ])("ignores %s", async (_name, options) => {
    expect((await send(notifierMessage(options))).status).toBe(200);
    // A known-good event afterwards proves the ignored one was processed (events are handled in order of arrival).
    await send(notifierMessage({ ts: "1764125999.000100", title: "[FIRING:1] RdevAPIHighMemory rdev" }));
    await eventually(() => h.fake.callsTo("chat.postMessage").length === 1);
    expect(h.fake.callsTo("chat.postMessage")[0]?.args).toMatchObject({ thread_ts: "1764125999.000100" });
    expect(await h.queue("diagnose").count()).toBe(1);
  });
});
