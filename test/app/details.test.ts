// The Details button of a compact diagnosis, through the real app (signed Bolt requests, real Redis,
// the fake Slack): the report the worker stored opens in a modal for whoever clicked, in every
// conversation the diagnosis was posted in and nowhere else; clicking again opens it again and
// posts nothing into the thread.

import { createDiagnosisDetailsStore } from "@rdev/bot/history/diagnosis-details.ts";
import { DIAGNOSIS_DETAILS_ACTION } from "@rdev/bot/render/blocks/diagnosis-compact.ts";
import { postDiagnosis, saveDiagnosisDetails } from "@rdev/bot/slack/post-diagnosis.ts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { criticalSseLeak } from "../support/diagnosis-fixtures.ts";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { blockActions, signedInteraction } from "../support/slack-sign.ts";
import {
  ALERT_CHANNEL,
  eventually,
  type Harness,
  ONCALL_MEMBER,
  OPS_CHANNEL,
  SIGNING_SECRET,
  STRANGER,
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

type Message = { ts: string; thread_ts?: string; text: string; blocks?: unknown[] };
type Button = { action_id: string; value: string };
type View = { title: { text: string }; blocks: { type: string; text?: { text: string } }[] };

/** Posts a diagnosis into a thread of each channel, the way the worker does (details first). */
async function postInThreads(channels: string[], detailsId = "d-0123456789") {
  const deps = h.instances[0]?.deps;
  if (!deps) throw new Error("no app");
  const diagnosis = criticalSseLeak();
  const store = createDiagnosisDetailsStore({ redis: deps.redis, prefix: h.prefix });
  await saveDiagnosisDetails(store, { id: detailsId, diagnosis, channels });
  const messages: Message[] = [];
  for (const channel of channels) {
    const root = await deps.slack.chat.postMessage({ channel, text: "Gathering diagnostics…" });
    const posted = await postDiagnosis(
      { slack: deps.slack, proposals: deps.proposals, now: deps.now, proposalTtlMs: h.config.proposalTtlMs },
      {
        diagnosis,
        replyTo: { channel, threadTs: String(root.ts), incidentId: null },
        requestedBy: ONCALL_MEMBER,
        detailsId,
      },
    );
    const message = h.fake.thread(channel, String(root.ts)).find((m) => m.ts === posted.ts);
    if (!message) throw new Error("diagnosis not posted");
    messages.push(message as Message);
  }
  return messages;
}

function detailsButton(message: Message): Button {
  const blocks = (message.blocks ?? []) as { accessory?: Button }[];
  const button = blocks.map((b) => b.accessory).find((a) => a?.action_id === DIAGNOSIS_DETAILS_ACTION);
  if (!button) throw new Error("no Details button");
  return button;
}

/** Clicks a button of `message` in `channel` as `user`; the modal the app opened for that click. */
async function click(message: Message, channel: string, button: Button, user = STRANGER): Promise<View> {
  const triggerId = h.fake.issueTriggerId();
  const payload = blockActions({
    actionId: button.action_id,
    value: button.value,
    user: { id: user },
    channelId: channel,
    messageTs: message.ts,
    threadTs: message.thread_ts ?? null,
    responseUrl: h.fake.responseUrl(),
    triggerId,
  }) as { message: Record<string, unknown> };
  payload.message.blocks = message.blocks;
  payload.message.text = message.text;
  const res = await signedInteraction(`${h.instances[0]?.url}/slack/events`, SIGNING_SECRET, payload);
  expect(res.status).toBe(200);
  const opened = await eventually(() =>
    h.fake.callsTo("views.open").find((c) => c.args.trigger_id === triggerId),
  );
  const view = opened.args.view;
  return (typeof view === "string" ? JSON.parse(view) : view) as View;
}

const textOf = (view: View) => view.blocks.map((b) => b.text?.text ?? JSON.stringify(b)).join("\n");

describe("Details of a compact diagnosis", () => {
  it("opens the full report in a modal, from every thread the diagnosis went to", async () => {
    const [alertThread, opsThread] = await postInThreads([ALERT_CHANNEL, OPS_CHANNEL]);
    if (!alertThread || !opsThread) throw new Error("not posted");
    // The thread message itself is compact: no heap table, no kubectl lines.
    expect(JSON.stringify(alertThread.blocks)).not.toContain("Heap profile");
    for (const [message, channel] of [
      [alertThread, ALERT_CHANNEL],
      [opsThread, OPS_CHANNEL],
    ] as const) {
      const view = await click(message, channel, detailsButton(message));
      expect(view.title.text).toBe("Diagnosis details");
      const text = textOf(view);
      expect(text).toContain("Heap profile");
      expect(text).toContain("(*Broker).Subscribe");
      expect(text).toContain("kubectl -n rdev delete pod rdev-api-7c9f8-x2k4q");
      expect(text).toContain("*Pods* (worst first)");
      expect(text).toMatch(/OOM kills in the last 1h: 1/);
    }
  });

  it("clicking twice opens it twice and posts nothing into the thread", async () => {
    const [message] = await postInThreads([ALERT_CHANNEL]);
    if (!message) throw new Error("not posted");
    const before = h.fake.thread(ALERT_CHANNEL, message.thread_ts ?? "").length;
    const posts = h.fake.callsTo("chat.postMessage").length;
    await click(message, ALERT_CHANNEL, detailsButton(message));
    await click(message, ALERT_CHANNEL, detailsButton(message));
    expect(h.fake.thread(ALERT_CHANNEL, message.thread_ts ?? "")).toHaveLength(before);
    expect(h.fake.callsTo("chat.postMessage")).toHaveLength(posts);
  });

  it("says so for a report from another conversation, or one no longer kept", async () => {
    const [message] = await postInThreads([ALERT_CHANNEL]);
    if (!message) throw new Error("not posted");
    const elsewhere = await click(message, "C0ELSEWHR1", detailsButton(message));
    expect(textOf(elsewhere)).toContain("another conversation");
    expect(textOf(elsewhere)).not.toContain("Heap profile");
    const gone = await click(message, ALERT_CHANNEL, {
      action_id: DIAGNOSIS_DETAILS_ACTION,
      value: "d-expired01",
    });
    expect(textOf(gone)).toContain("no longer kept");
  });
});
