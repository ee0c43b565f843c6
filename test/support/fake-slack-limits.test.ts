// Rate limits, server errors, file uploads and views of the fake Slack, through the real WebClient.

import { ManualClock } from "@rdev/bot/clock.ts";
import { webApi } from "@slack/bolt";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from "./fake-slack.ts";

const { WebClient, LogLevel, WebClientEvent } = webApi;
const CHANNEL = "C0RDEVOPS1";
// Retry quickly: these tests are about the HTTP answers, not about p-retry's backoff.
const retryConfig = { retries: 2, minTimeout: 1, maxTimeout: 1 };

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(
  options: FakeSlackOptions = {},
  clientOptions: { rejectRateLimitedCalls?: boolean } = {},
) {
  fake = await startFakeSlack(options);
  const client = new WebClient(fake.token, {
    slackApiUrl: fake.url,
    logLevel: LogLevel.ERROR,
    retryConfig,
    ...clientOptions,
  });
  return { fake, client };
}

describe("rate limiting", () => {
  it("answers a scripted 429 with Retry-After, which WebClient waits out and retries", async () => {
    const { fake, client } = await setup();
    fake.failNext("chat.postMessage", 429, 1, 1);
    const limited: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => limited.push(seconds));
    const result = await client.chat.postMessage({ channel: CHANNEL, text: "after the limit" });
    expect(result.ok).toBe(true);
    expect(limited).toEqual([1]);
    expect(fake.callsTo("chat.postMessage").map((c) => [c.status, c.response?.error ?? "ok"])).toEqual([
      [429, "ratelimited"],
      [200, "ok"],
    ]);
    expect(fake.messages(CHANNEL)).toHaveLength(1);
  });

  it("answers scripted 500s, which WebClient retries, and gives up after its retries", async () => {
    const { fake, client } = await setup();
    fake.failNext("chat.update", 500, 1);
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: "v1" });
    await client.chat.update({ channel: CHANNEL, ts: posted.ts ?? "", text: "v2" });
    expect(fake.callsTo("chat.update").map((c) => c.status)).toEqual([500, 200]);

    fake.failNext("chat.update", 503, 3);
    const error = await client.chat
      .update({ channel: CHANNEL, ts: posted.ts ?? "", text: "v3" })
      .catch((e) => e);
    expect(error).toMatchObject({ code: "slack_webapi_http_error", statusCode: 503 });
    expect(fake.messages(CHANNEL)[0]?.text).toBe("v2");
  });

  it("limits a method per window of fake time and tells how long to wait", async () => {
    const clock = new ManualClock();
    const { fake, client } = await setup(
      { clock, rateLimits: { "chat.update": { limit: 2, windowMs: 60_000 } } },
      { rejectRateLimitedCalls: true },
    );
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: "v0" });
    const update = (text: string) => client.chat.update({ channel: CHANNEL, ts: posted.ts ?? "", text });
    await update("v1");
    clock.advance(20_000);
    await update("v2");
    await expect(update("v3")).rejects.toMatchObject({
      code: "slack_webapi_rate_limited_error",
      retryAfter: 40,
    });
    clock.advance(40_000);
    await expect(update("v4")).resolves.toMatchObject({ ok: true });
    expect(fake.messages(CHANNEL)[0]?.text).toBe("v4");
  });

  it("can limit per channel, like chat.postMessage's one message per second per channel", async () => {
    const clock = new ManualClock();
    const { client } = await setup(
      { clock, rateLimits: { "chat.postMessage": { limit: 1, windowMs: 1000, perChannel: true } } },
      { rejectRateLimitedCalls: true },
    );
    await client.chat.postMessage({ channel: CHANNEL, text: "a" });
    await client.chat.postMessage({ channel: "C0OTHER001", text: "b" });
    await expect(client.chat.postMessage({ channel: CHANNEL, text: "c" })).rejects.toMatchObject({
      retryAfter: 1,
    });
  });
});

describe("files.uploadV2", () => {
  it("runs getUploadURLExternal, the upload POST and completeUploadExternal end to end", async () => {
    const { fake, client } = await setup();
    const root = await client.chat.postMessage({ channel: CHANNEL, text: "incident" });
    const profile = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5]);
    const result = await client.filesUploadV2({
      channel_id: CHANNEL,
      thread_ts: root.ts ?? "",
      file: profile,
      filename: "heap-rdev-api-7d9f8b6c5d-x2k4q.pb.gz",
      title: "Heap profile",
      initial_comment: "Heap profile of rdev-api-7d9f8b6c5d-x2k4q",
    });
    expect(result.ok).toBe(true);
    expect(fake.callsTo("files.getUploadURLExternal")[0]?.args).toMatchObject({
      filename: "heap-rdev-api-7d9f8b6c5d-x2k4q.pb.gz",
      length: String(profile.length),
    });
    const [complete] = fake.callsTo("files.completeUploadExternal");
    const fileId = String(complete?.response && (complete.response.files as { id: string }[])[0]?.id);
    expect(fake.file(fileId)).toMatchObject({ title: "Heap profile", completed: true, bytes: profile });
    const thread = fake.thread(CHANNEL, root.ts ?? "");
    expect(thread).toHaveLength(2);
    expect(thread[1]).toMatchObject({
      text: "Heap profile of rdev-api-7d9f8b6c5d-x2k4q",
      files: [{ id: fileId, title: "Heap profile" }],
    });
  });

  it("refuses to complete a file that was never uploaded", async () => {
    const { client } = await setup();
    const url = await client.files.getUploadURLExternal({ filename: "a.txt", length: 3 });
    const error = await client.files
      .completeUploadExternal({ files: [{ id: url.file_id ?? "" }], channel_id: CHANNEL })
      .catch((e: { data?: { error?: string } }) => e.data?.error);
    expect(error).toBe("file_not_found");
  });
});

describe("views", () => {
  const modal = {
    type: "modal" as const,
    callback_id: "raise-memory-limit",
    private_metadata: '{"proposalId":"p1"}',
    title: { type: "plain_text" as const, text: "Raise memory limit" },
    submit: { type: "plain_text" as const, text: "Propose" },
    blocks: [],
  };

  it("opens a modal only with a fresh, unused trigger_id (3 s of fake time)", async () => {
    const clock = new ManualClock();
    const { fake, client } = await setup({ clock });
    const trigger = fake.issueTriggerId();
    clock.advance(2999);
    const opened = await client.views.open({ trigger_id: trigger, view: modal });
    expect(opened.view).toMatchObject({
      callback_id: "raise-memory-limit",
      private_metadata: '{"proposalId":"p1"}',
    });
    expect(fake.view(opened.view?.id ?? "")?.type).toBe("modal");
    const code = (p: Promise<unknown>) => p.catch((e: { data?: { error?: string } }) => e.data?.error);
    expect(await code(client.views.open({ trigger_id: trigger, view: modal }))).toBe("exchanged_trigger_id");
    const stale = fake.issueTriggerId();
    clock.advance(3000);
    expect(await code(client.views.open({ trigger_id: stale, view: modal }))).toBe("expired_trigger_id");
    expect(await code(client.views.open({ trigger_id: "12345.98765.abcd2358fdea", view: modal }))).toBe(
      "expired_trigger_id",
    );
    expect(await code(client.views.open({ trigger_id: "not-a-trigger", view: modal }))).toBe(
      "invalid_trigger_id",
    );
  });

  it("refuses a modal whose title is over 24 characters or with more than 100 blocks", async () => {
    const { fake, client } = await setup();
    const code = (p: Promise<unknown>) => p.catch((e: { data?: { error?: string } }) => e.data?.error);
    const title = (text: string) => ({ ...modal, title: { type: "plain_text" as const, text } });
    const divider = { type: "divider" as const };
    expect(
      await code(client.views.open({ trigger_id: fake.issueTriggerId(), view: title("x".repeat(25)) })),
    ).toBe("invalid_arguments");
    expect(
      await code(
        client.views.open({
          trigger_id: fake.issueTriggerId(),
          view: { ...modal, blocks: Array.from({ length: 101 }, () => divider) },
        }),
      ),
    ).toBe("invalid_arguments");
    const ok = await client.views.open({
      trigger_id: fake.issueTriggerId(),
      view: { ...title("x".repeat(24)), blocks: Array.from({ length: 100 }, () => divider) },
    });
    expect(ok.ok).toBe(true);
  });

  it("publishes App Home views and updates views, refusing stale hashes", async () => {
    const { fake, client } = await setup();
    const home = { type: "home" as const, blocks: [{ type: "divider" as const }] };
    const first = await client.views.publish({ user_id: "U0DEVANNA1", view: home });
    const second = await client.views.publish({
      user_id: "U0DEVANNA1",
      view: home,
      hash: first.view?.hash ?? "",
    });
    expect(second.view?.id).toBe(first.view?.id);
    expect(fake.homeView("U0DEVANNA1")?.id).toBe(first.view?.id);
    const stale = await client.views
      .publish({ user_id: "U0DEVANNA1", view: home, hash: first.view?.hash ?? "" })
      .catch((e: { data?: { error?: string } }) => e.data?.error);
    expect(second.view?.hash).not.toBe(first.view?.hash);
    expect(stale).toBe("hash_conflict");
    const updated = await client.views.update({ view_id: first.view?.id ?? "", view: home });
    expect(updated.view?.id).toBe(first.view?.id);
    const missing = await client.views
      .update({ view_id: "V0NOPE", view: home })
      .catch((e: { data?: { error?: string } }) => e.data?.error);
    expect(missing).toBe("not_found");
  });
});
