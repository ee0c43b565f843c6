// Signed requests checked by Bolt itself: verifySlackRequest, and a real Bolt App (HTTPReceiver on
// 127.0.0.1) whose Web API client points at the fake Slack.
import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";
import { App, HTTPReceiver, LogLevel, verifySlackRequest } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSlack, startFakeSlack } from "./fake-slack.ts";
import {
  appHomeOpened,
  blockActions,
  messageEvent,
  signedEvent,
  signedInteraction,
  signedSlashCommand,
  signRequest,
  slashCommand,
  urlVerification,
  viewSubmission,
} from "./slack-sign.ts";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

describe("signRequest", () => {
  it("computes Slack's v0 signature", () => {
    const body = "token=xyz&team_id=T1&command=%2Frdev&text=diagnose";
    const expected = createHmac("sha256", SECRET).update(`v0:1531420618:${body}`).digest("hex");
    expect(signRequest(SECRET, body, 1531420618)).toEqual({
      "X-Slack-Signature": `v0=${expected}`,
      "X-Slack-Request-Timestamp": "1531420618",
    });
  });

  it("passes Bolt's verifier, which rejects a tampered body or a stale timestamp", () => {
    const body = new URLSearchParams(slashCommand()).toString();
    const now = Date.now();
    const timestamp = Math.floor(now / 1000);
    const headers = signRequest(SECRET, body, timestamp);
    const verify = (b: string, ts: number, nowMs: number) =>
      verifySlackRequest({
        signingSecret: SECRET,
        body: b,
        headers: { "x-slack-signature": headers["X-Slack-Signature"], "x-slack-request-timestamp": ts },
        nowMilliseconds: nowMs,
      });
    expect(() => verify(body, timestamp, now)).not.toThrow();
    expect(() => verify(`${body}&text=rm`, timestamp, now)).toThrow(/signature mismatch/);
    expect(() => verify(body, timestamp, now + 6 * 60_000)).toThrow(/stale/);
  });
});

describe("payload builders", () => {
  it("fill Slack's documented fields", () => {
    expect(Object.keys(slashCommand()).sort()).toEqual(
      [
        "api_app_id",
        "channel_id",
        "channel_name",
        "command",
        "is_enterprise_install",
        "response_url",
        "team_domain",
        "team_id",
        "text",
        "token",
        "trigger_id",
        "user_id",
        "user_name",
      ].sort(),
    );
    const click = blockActions({
      value: "p-1",
      user: { id: "U0LEAD0002" },
      messageTs: "1.000200",
      threadTs: null,
    });
    expect(click).toMatchObject({
      type: "block_actions",
      user: { id: "U0LEAD0002", username: "u0lead0002", team_id: "T0RDEV0001" },
      container: { type: "message", message_ts: "1.000200", channel_id: "C0RDEVOPS1", is_ephemeral: false },
      actions: [{ action_id: "approve", block_id: "proposal-actions", value: "p-1", type: "button" }],
    });
    expect((click.container as Record<string, unknown>).thread_ts).toBeUndefined();
    expect(
      viewSubmission({ values: { b: { a: { type: "plain_text_input", value: "2Gi" } } } }),
    ).toMatchObject({
      type: "view_submission",
      view: { callback_id: "raise-memory-limit", state: { values: { b: { a: { value: "2Gi" } } } } },
    });
    const a = messageEvent();
    const b = messageEvent();
    expect(a.event_id).not.toBe(b.event_id);
    expect(a).toMatchObject({ type: "event_callback", event: { type: "message", channel_type: "channel" } });
  });
});

describe("a Bolt app receiving signed requests", () => {
  let fake: FakeSlack;
  let app: App;
  let url: string;
  const seen: Record<string, unknown[]> = { command: [], action: [], view: [], message: [] };

  beforeAll(async () => {
    fake = await startFakeSlack();
    const receiver = new HTTPReceiver({ signingSecret: SECRET, logLevel: LogLevel.ERROR });
    app = new App({
      token: fake.token,
      receiver,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.url },
    });
    app.command("/rdev", async ({ ack, command }) => {
      seen.command?.push(command);
      await ack({ response_type: "ephemeral", text: "Gathering diagnostics…" });
    });
    app.action("approve", async ({ ack, body, action }) => {
      seen.action?.push({ user: body.user.id, value: (action as { value?: string }).value });
      await ack();
    });
    app.view("raise-memory-limit", async ({ ack, view }) => {
      seen.view?.push(view.state.values);
      await ack();
    });
    app.message(async ({ message }) => {
      seen.message?.push(message);
    });
    app.event("app_home_opened", async ({ event, client }) => {
      await client.views.publish({ user_id: event.user, view: { type: "home", blocks: [] } });
    });
    const server = await app.start({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  it("answers the url_verification challenge", async () => {
    const res = await signedEvent(url, SECRET, urlVerification("challenge-123"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: "challenge-123" });
  });

  it("runs the slash command listener with the parsed fields", async () => {
    const res = await signedSlashCommand(url, SECRET, {
      text: "diagnose rdev-api",
      trigger_id: fake.issueTriggerId(),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ response_type: "ephemeral", text: "Gathering diagnostics…" });
    expect(seen.command?.at(-1)).toMatchObject({
      command: "/rdev",
      text: "diagnose rdev-api",
      user_id: "U0DEVANNA1",
    });
  });

  it("rejects a request signed with another secret", async () => {
    const res = await signedSlashCommand(url, "not-the-secret");
    expect(res.status).toBe(401);
  });

  it("runs button and modal listeners", async () => {
    const click = await signedInteraction(
      url,
      SECRET,
      blockActions({ value: "p-42", user: { id: "U0LEAD0001" } }),
    );
    expect(click.status).toBe(200);
    expect(seen.action?.at(-1)).toEqual({ user: "U0LEAD0001", value: "p-42" });
    const submit = await signedInteraction(url, SECRET, viewSubmission());
    expect(submit.status).toBe(200);
    expect(seen.view?.at(-1)).toEqual({
      "memory-limit": { value: { type: "plain_text_input", value: "1Gi" } },
    });
  });

  it("delivers events, and the listener's Web API calls reach the fake Slack", async () => {
    const res = await signedEvent(url, SECRET, messageEvent({ text: "is it the cache?" }));
    expect(res.status).toBe(200);
    const home = await signedEvent(url, SECRET, appHomeOpened({ user: "U0DEVANNA1" }));
    expect(home.status).toBe(200);
    const publish = await fake.waitForCall("views.publish");
    expect(publish.args.user_id).toBe("U0DEVANNA1");
    expect(fake.homeView("U0DEVANNA1")?.type).toBe("home");
    expect(seen.message?.at(-1)).toMatchObject({ text: "is it the cache?", thread_ts: "1764125463.000100" });
  });
});
