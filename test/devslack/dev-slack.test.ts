// The dev workspace's server without a browser: what the page is served, how its POSTs are
// guarded, what the acting user sees, change notifications, files, and Slack's answers when the
// app is missing, refuses the signature or does not answer.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { UiState } from "@rdev/dev-slack/client/types.ts";
import { type DevSlack, startDevSlack } from "@rdev/dev-slack/dev-slack.ts";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SECRET = "dev-workspace-secret";
const ALICE = "U0ONCALL1";
const BOB = "U0SRE0002";
const OPS = "C0RDEVOPS1";

let slack: DevSlack;
let app: App;
let appUrl: string;
const events: unknown[] = [];

beforeAll(async () => {
  slack = await startDevSlack({ signingSecret: SECRET, botToken: "xoxb-test", ackTimeoutMs: 500 });
  app = new App({
    token: slack.token,
    receiver: new HTTPReceiver({ signingSecret: SECRET, logLevel: LogLevel.ERROR }),
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: slack.url },
  });
  app.command("/rdev", async ({ ack, command, respond }) => {
    if (command.text === "slow") return; // never acknowledged
    await ack();
    await respond({
      response_type: command.text === "shout" ? "in_channel" : "ephemeral",
      text: `you said ${command.text}`,
    });
  });
  app.message(async ({ message }) => {
    events.push(message);
  });
  const server = await app.start({ port: 0, host: "127.0.0.1" });
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});

afterAll(async () => {
  await app?.stop();
  await slack?.close();
});

const ui = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(new URL(path, slack.pageUrl), {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
const state = async (user: string): Promise<UiState> =>
  (await (await fetch(new URL(`/ui/state?user=${user}`, slack.pageUrl))).json()) as UiState;
/** Polls until `check` holds (the app answers after its acknowledgement, so after our POST returns). */
async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 250 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
}
const ephemeralTexts = async (user: string) => (await state(user)).ephemerals.map((e) => e.message.text);

describe("the page", () => {
  it("is served with a strict Content-Security-Policy", async () => {
    const res = await fetch(slack.pageUrl);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/ui/client/main.ts"></script>');
    expect((await fetch(new URL("/ui/style.css", slack.pageUrl))).headers.get("content-type")).toContain(
      "text/css",
    );
  });

  it("gets every module main.ts imports, as valid JavaScript", async () => {
    const dir = await mkdtemp(join(tmpdir(), "devslack-modules-"));
    try {
      const seen = new Set<string>();
      const queue = ["main.ts"];
      while (queue.length > 0) {
        const name = queue.pop() ?? "";
        if (seen.has(name)) continue;
        seen.add(name);
        const res = await fetch(new URL(`/ui/client/${name}`, slack.pageUrl));
        expect(res.status, name).toBe(200);
        expect(res.headers.get("content-type")).toContain("text/javascript");
        const source = await res.text();
        for (const m of source.matchAll(/\bfrom\s+"\.\/([^"]+)"/g)) queue.push(m[1] ?? "");
        expect(source).not.toMatch(/\bfrom\s+"(?!\.\/)/); // nothing outside client/
        const file = join(dir, name.replace(/\.ts$/, ".mjs"));
        await writeFile(file, source);
        await promisify(execFile)(process.execPath, ["--check", file]);
      }
      expect([...seen].sort()).toEqual(
        [
          "blocks",
          "confirm",
          "context",
          "dom",
          "emoji",
          "ids",
          "main",
          "message",
          "modal",
          "mrkdwn",
          "render-page",
          "safe",
          "view-model",
          "vnode",
        ].map((n) => `${n}.ts`),
      );
      expect((await fetch(new URL("/ui/client/../web-api.ts", slack.pageUrl))).status).toBe(404);
      expect((await fetch(new URL("/ui/client/web-api.ts", slack.pageUrl))).status).toBe(404);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses posts that are not JSON from its own origin, and malformed ones", async () => {
    const body = { user: ALICE, channel: OPS, text: "/rdev help" };
    const form = await fetch(new URL("/ui/command", slack.pageUrl), {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify(body),
    });
    expect(form.status).toBe(403);
    expect((await ui("/ui/command", body, { origin: "https://evil.example" })).status).toBe(403);
    expect((await ui("/ui/command", { user: ALICE, channel: "not a channel", text: "/rdev" })).status).toBe(
      400,
    );
    expect((await ui("/ui/nope", body)).status).toBe(404);
  });
});

describe("without an app", () => {
  it("Slackbot says the command failed, to the user who ran it", async () => {
    slack.setAppEventsUrl(null);
    expect(await (await ui("/ui/command", { user: BOB, channel: OPS, text: "/rdev help" })).json()).toEqual({
      ok: true,
    });
    expect((await ephemeralTexts(BOB)).at(-1)).toMatch(/^\/rdev failed with the error "dispatch_failed"/);
    expect(await ephemeralTexts(ALICE)).toEqual([]);
    expect((await state(ALICE)).appUrl).toBeNull();
  });
});

describe("with an app", () => {
  beforeAll(() => slack.setAppEventsUrl(appUrl));

  it("shows response_url answers ephemeral or in the channel", async () => {
    await ui("/ui/command", { user: ALICE, channel: OPS, text: "/rdev whisper" });
    await until(async () => (await ephemeralTexts(ALICE)).includes("you said whisper"));
    expect(await ephemeralTexts(ALICE)).toContain("you said whisper");
    await ui("/ui/command", { user: ALICE, channel: OPS, text: "/rdev shout" });
    await until(() => slack.messages(OPS).some((m) => m.text === "you said shout"));
    const s = await state(BOB);
    expect(s.messages[OPS]?.map((m) => m.text)).toContain("you said shout");
    expect(s.ephemerals.map((e) => e.message.text)).not.toContain("you said whisper");
  });

  it("reports a signature the app refuses, and an app that does not answer in time", async () => {
    const wrong = await startDevSlack({
      signingSecret: "another-secret",
      botToken: "xoxb-x",
      appEventsUrl: appUrl,
    });
    try {
      await fetch(new URL("/ui/command", wrong.pageUrl), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ user: ALICE, channel: OPS, text: "/rdev help" }),
      });
      expect(wrong.ephemerals(OPS).at(-1)?.message.text).toMatch(/dispatch_failed.*HTTP 401/s);
    } finally {
      await wrong.close();
    }
    await ui("/ui/command", { user: ALICE, channel: OPS, text: "/rdev slow" });
    expect((await ephemeralTexts(ALICE)).at(-1)).toMatch(/operation_timeout/);
  });

  it("posts a person's message and delivers it to the app as a message event", async () => {
    const res = await ui("/ui/message", { user: BOB, channel: OPS, text: "is it the *cache*?" });
    expect(await res.json()).toEqual({ ok: true });
    const posted = slack.messages(OPS).at(-1);
    expect(posted).toMatchObject({ user: BOB, text: "is it the *cache*?" });
    await until(() => events.length === 1);
    expect(events.at(-1)).toMatchObject({ type: "message", user: BOB, channel: OPS, ts: posted?.ts });
    await ui("/ui/message", { user: ALICE, channel: OPS, text: "looks like it", threadTs: posted?.ts });
    await until(() => events.length === 2);
    expect(events.at(-1)).toMatchObject({ thread_ts: posted?.ts, parent_user_id: BOB });
    expect((await state(ALICE)).replies[OPS]?.[posted?.ts ?? ""]?.map((m) => m.text)).toEqual([
      "looks like it",
    ]);
  });
});

describe("the bot's Web API calls", () => {
  it("shows chat.postEphemeral only to its user, and chat.update on the message", async () => {
    const client = new WebClient(slack.token, { slackApiUrl: slack.url });
    await client.chat.postEphemeral({ channel: OPS, user: BOB, text: "for bob's eyes" });
    expect(await ephemeralTexts(BOB)).toContain("for bob's eyes");
    expect(await ephemeralTexts(ALICE)).not.toContain("for bob's eyes");
    const posted = await client.chat.postMessage({ channel: OPS, text: "before" });
    await client.chat.update({ channel: OPS, ts: String(posted.ts), text: "after" });
    const shown = (await state(ALICE)).messages[OPS]?.find((m) => m.ts === posted.ts);
    expect(shown).toMatchObject({ text: "after", edited: { user: "U0RDEVBOT1" } });
  });
});

describe("change notifications and files", () => {
  it("tells the page when the bot posts, and serves uploads: PNG inline, anything else as a download", async () => {
    const res = await fetch(new URL("/ui/events", slack.pageUrl));
    const reader = res.body?.getReader();
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const client = new WebClient(slack.token, { slackApiUrl: slack.url });
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    await client.files.uploadV2({
      channel_id: OPS,
      file_uploads: [
        { file: png, filename: "memory.png", title: "Memory" },
        { file: Buffer.from("<svg onload=alert(1)/>"), filename: "evil.svg", title: "Evil" },
      ],
    });
    let text = "";
    while (!text.includes("event: change")) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    await reader?.cancel();
    expect(text).toContain("event: change");

    const files = Object.values((await state(ALICE)).files);
    const image = files.find((f) => f.name === "memory.png");
    const svg = files.find((f) => f.name === "evil.svg");
    expect(image?.mimetype).toBe("image/png");
    const got = await fetch(new URL(image?.url ?? "", slack.pageUrl));
    expect(got.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await got.arrayBuffer())).toEqual(png);
    const download = await fetch(new URL(svg?.url ?? "", slack.pageUrl));
    expect(download.headers.get("content-type")).toBe("application/octet-stream");
    expect(download.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await fetch(new URL("/ui/files/F0NOPE", slack.pageUrl))).status).toBe(404);
  });
});
