// The fake Slack Web API, driven by the real @slack/web-api WebClient (the one Bolt uses).
import { webApi } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeSlack, startFakeSlack } from "./fake-slack.ts";

const { WebClient, LogLevel } = webApi;
const CHANNEL = "C0RDEVOPS1";

let fake: FakeSlack;
let client: InstanceType<typeof WebClient>;

beforeEach(async () => {
  fake = await startFakeSlack();
  client = new WebClient(fake.token, { slackApiUrl: fake.url, logLevel: LogLevel.ERROR });
});
afterEach(async () => {
  await fake.close();
});

/** The Slack error code of a rejected WebClient call. */
async function slackError(call: Promise<unknown>): Promise<string> {
  const error = (await call.then(
    () => null,
    (e: unknown) => e,
  )) as { data?: { error?: string } } | null;
  return error?.data?.error ?? "(no error)";
}

describe("auth", () => {
  it("answers auth.test for the bot token", async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({
      ok: true,
      team_id: fake.identity.teamId,
      user_id: fake.identity.botUserId,
      bot_id: fake.identity.botId,
      url: "https://rdev.slack.com/",
    });
  });

  it("rejects a wrong token with invalid_auth and a missing one with not_authed", async () => {
    const wrong = new WebClient("xoxb-wrong", { slackApiUrl: fake.url, logLevel: LogLevel.ERROR });
    expect(await slackError(wrong.chat.postMessage({ channel: CHANNEL, text: "hi" }))).toBe("invalid_auth");
    const anonymous = await fetch(`${fake.url}auth.test`, { method: "POST" });
    expect(await anonymous.json()).toEqual({ ok: false, error: "not_authed" });
  });

  it("receives form-encoded bodies from WebClient, and accepts JSON with a Bearer header", async () => {
    await client.chat.postMessage({ channel: CHANNEL, text: "form", blocks: [{ type: "divider" }] });
    expect(fake.calls[0]?.args).toMatchObject({
      channel: CHANNEL,
      text: "form",
      blocks: '[{"type":"divider"}]',
    });
    const json = await fetch(`${fake.url}chat.postMessage`, {
      method: "POST",
      headers: { authorization: `Bearer ${fake.token}`, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ channel: CHANNEL, text: "json", blocks: [{ type: "divider" }] }),
    });
    expect(await json.json()).toMatchObject({
      ok: true,
      message: { text: "json", blocks: [{ type: "divider" }] },
    });
    // Slack does not read tokens from JSON bodies.
    const bodyToken = await fetch(`${fake.url}auth.test`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: fake.token }),
    });
    expect(await bodyToken.json()).toEqual({ ok: false, error: "not_authed" });
  });
});

describe("chat.postMessage and threads", () => {
  it("keeps each thread's messages in order and the channel's roots apart", async () => {
    const root = await client.chat.postMessage({ channel: CHANNEL, text: "RdevAPIHighMemory firing" });
    const other = await client.chat.postMessage({ channel: CHANNEL, text: "another incident" });
    const rootTs = root.ts ?? "";
    const first = await client.chat.postMessage({ channel: CHANNEL, thread_ts: rootTs, text: "gathering…" });
    await client.chat.postMessage({ channel: CHANNEL, thread_ts: rootTs, text: "diagnosis" });
    // Replying to a reply lands in the parent's thread.
    await client.chat.postMessage({ channel: CHANNEL, thread_ts: first.ts ?? "", text: "proposal" });

    expect(root).toMatchObject({ ok: true, channel: CHANNEL, message: { text: "RdevAPIHighMemory firing" } });
    expect(rootTs).toMatch(/^\d{10}\.\d{6}$/);
    expect(fake.messages(CHANNEL).map((m) => m.text)).toEqual([
      "RdevAPIHighMemory firing",
      "another incident",
    ]);
    const thread = fake.thread(CHANNEL, rootTs);
    expect(thread.map((m) => m.text)).toEqual([
      "RdevAPIHighMemory firing",
      "gathering…",
      "diagnosis",
      "proposal",
    ]);
    expect(thread.slice(1).every((m) => m.thread_ts === rootTs)).toBe(true);
    expect(thread[0]).toMatchObject({
      reply_count: 3,
      user: fake.identity.botUserId,
      bot_id: fake.identity.botId,
    });
    expect(fake.thread(CHANNEL, other.ts ?? "").map((m) => m.text)).toEqual(["another incident"]);
    const all = [...fake.messages(CHANNEL), ...thread.slice(1)].map((m) => m.ts);
    expect(new Set(all).size).toBe(all.length);

    const replies = await client.conversations.replies({ channel: CHANNEL, ts: rootTs });
    expect(replies.messages?.map((m) => m.text)).toEqual(thread.map((m) => m.text));
    const history = await client.conversations.history({ channel: CHANNEL });
    expect(history.messages?.map((m) => m.text)).toEqual(["another incident", "RdevAPIHighMemory firing"]);
  });

  it("accepts but hides replies to a thread that does not exist, like Slack", async () => {
    await client.chat.postMessage({ channel: CHANNEL, thread_ts: "1732590000.000100", text: "lost" });
    expect(fake.messages(CHANNEL)).toEqual([]);
    expect(fake.orphanReplies(CHANNEL, "1732590000.000100").map((m) => m.text)).toEqual(["lost"]);
    expect(
      await slackError(client.conversations.replies({ channel: CHANNEL, ts: "1732590000.000100" })),
    ).toBe("thread_not_found");
  });

  it.each([
    [{ channel: CHANNEL }, "no_text"],
    [{ channel: "general", text: "x" }, "channel_not_found"],
    [{ channel: CHANNEL, text: "x", thread_ts: "0" }, "invalid_thread_ts"],
    [{ channel: CHANNEL, blocks: "not json" }, "invalid_blocks"],
  ])("rejects %j with %s", async (args, error) => {
    expect(await slackError(client.apiCall("chat.postMessage", args))).toBe(error);
  });
});

describe("chat.update", () => {
  it("updates the bot's own message, following Slack's blocks/text rules", async () => {
    const posted = await client.chat.postMessage({
      channel: CHANNEL,
      text: "firing",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "firing" } }],
    });
    const ts = posted.ts ?? "";
    const updated = await client.chat.update({
      channel: CHANNEL,
      ts,
      text: "resolved",
      blocks: [{ type: "divider" }],
    });
    expect(updated).toMatchObject({ ok: true, channel: CHANNEL, ts, text: "resolved" });
    expect(fake.messages(CHANNEL)[0]).toMatchObject({ text: "resolved", blocks: [{ type: "divider" }] });
    // Text without blocks removes the blocks.
    await client.chat.update({ channel: CHANNEL, ts, text: "plain" });
    expect(fake.messages(CHANNEL)[0]?.blocks).toBeUndefined();
    expect(fake.messages(CHANNEL)[0]?.edited?.user).toBe(fake.identity.botUserId);
  });

  it("refuses other users' messages, ephemeral messages and unknown ts", async () => {
    const human = fake.postAsUser(CHANNEL, "U0DEVANNA1", "hello");
    expect(await slackError(client.chat.update({ channel: CHANNEL, ts: human.ts, text: "x" }))).toBe(
      "cant_update_message",
    );
    const ephemeral = await client.chat.postEphemeral({
      channel: CHANNEL,
      user: "U0DEVANNA1",
      text: "only you",
    });
    expect(fake.ephemerals(CHANNEL)).toMatchObject([{ user: "U0DEVANNA1", message: { text: "only you" } }]);
    expect(
      await slackError(client.chat.update({ channel: CHANNEL, ts: ephemeral.message_ts ?? "", text: "x" })),
    ).toBe("cant_update_message");
    expect(
      await slackError(client.chat.update({ channel: CHANNEL, ts: "1732590000.000100", text: "x" })),
    ).toBe("message_not_found");
  });
});

describe("other methods", () => {
  it("builds permalinks, with the thread for replies", async () => {
    const root = await client.chat.postMessage({ channel: CHANNEL, text: "root" });
    const reply = await client.chat.postMessage({
      channel: CHANNEL,
      text: "reply",
      thread_ts: root.ts ?? "",
    });
    const rootLink = await client.chat.getPermalink({ channel: CHANNEL, message_ts: root.ts ?? "" });
    expect(rootLink.permalink).toBe(
      `https://rdev.slack.com/archives/${CHANNEL}/p${root.ts?.replace(".", "")}`,
    );
    const replyLink = await client.chat.getPermalink({ channel: CHANNEL, message_ts: reply.ts ?? "" });
    expect(replyLink.permalink).toContain(`?thread_ts=${root.ts}&cid=${CHANNEL}`);
    expect(await slackError(client.chat.getPermalink({ channel: CHANNEL, message_ts: "1.000001" }))).toBe(
      "message_not_found",
    );
  });

  it("lists user group members", async () => {
    fake.setUserGroup("S0ONCALL01", ["U0LEAD0001", "U0ANNA0001"]);
    expect((await client.usergroups.users.list({ usergroup: "S0ONCALL01" })).users).toEqual([
      "U0LEAD0001",
      "U0ANNA0001",
    ]);
    expect(await slackError(client.usergroups.users.list({ usergroup: "S0NOPE0001" }))).toBe(
      "no_such_subteam",
    );
  });

  it("answers unknown methods like Slack", async () => {
    expect(await slackError(client.apiCall("chat.frobnicate", {}))).toBe("unknown_method");
  });

  it("records calls and lets tests wait for a future one", async () => {
    const waiting = fake.waitForCall("chat.postMessage", (c) => c.args.text === "second");
    await client.chat.postMessage({ channel: CHANNEL, text: "first" });
    await client.chat.postMessage({ channel: CHANNEL, text: "second" });
    const call = await waiting;
    expect(call).toMatchObject({ method: "chat.postMessage", status: 200, ok: true });
    expect(fake.callsTo("chat.postMessage").map((c) => c.args.text)).toEqual(["first", "second"]);
  });
});

describe("response_url", () => {
  it("records what is posted, up to 5 times per URL", async () => {
    const url = fake.responseUrl();
    const post = (body: unknown) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const first = await post({ response_type: "ephemeral", text: "Gathering diagnostics…" });
    expect(first.status).toBe(200);
    for (let i = 2; i <= 5; i++)
      expect((await post({ replace_original: true, text: `update ${i}` })).status).toBe(200);
    expect((await post({ text: "sixth" })).status).toBe(404);
    expect(fake.responses(url).map((r) => (r.body as { text: string }).text)).toEqual([
      "Gathering diagnostics…",
      "update 2",
      "update 3",
      "update 4",
      "update 5",
    ]);
    expect(fake.responses(fake.responseUrl())).toEqual([]);
  });
});

describe("conversations.members", () => {
  it("pages member ids with Slack's cursor (next_cursor empty on the last page)", async () => {
    const members = Array.from({ length: 5 }, (_, i) => `U0MEMBER0${i}`);
    fake.setChannelMembers(CHANNEL, members);
    const first = await client.conversations.members({ channel: CHANNEL, limit: 2 });
    expect(first).toMatchObject({ ok: true, members: members.slice(0, 2) });
    const cursor = first.response_metadata?.next_cursor ?? "";
    expect(cursor).not.toBe("");
    const all = [...(first.members ?? [])];
    for (let next = cursor; next !== ""; ) {
      const page = await client.conversations.members({ channel: CHANNEL, limit: 2, cursor: next });
      all.push(...(page.members ?? []));
      next = page.response_metadata?.next_cursor ?? "";
    }
    expect(all).toEqual(members);
    expect((await client.conversations.members({ channel: CHANNEL })).response_metadata?.next_cursor).toBe(
      "",
    );
  });

  it("answers channel_not_found for a channel it does not know, invalid_cursor for a bad cursor", async () => {
    expect(await slackError(client.conversations.members({ channel: "C0NOWHERE1" }))).toBe(
      "channel_not_found",
    );
    fake.setChannelMembers(CHANNEL, ["U0A"]);
    expect(await slackError(client.conversations.members({ channel: CHANNEL, cursor: "bm9wZQ==" }))).toBe(
      "invalid_cursor",
    );
  });
});
