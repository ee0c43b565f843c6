// manifests/slack-app.yaml: well-formed per Slack's app manifest reference, pointing at the app's
// one Slack endpoint, and asking for exactly the bot scopes the code needs. The Web API methods and
// events are derived from src/ (support/slack-calls.ts); the scope each needs is the table below,
// from Slack's reference pages (docs.slack.dev/reference/methods/<method>, .../events/<event>).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { RDEV_COMMAND } from "@rdev/bot/slack/commands/listener.ts";
import { SLACK_EVENTS_PATH } from "@rdev/bot/slack/http/server.ts";
import { webApi } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { MANIFESTS_DIR } from "./support/render.ts";
import { scan, scanSources } from "./support/slack-calls.ts";

type Manifest = webApi.AppsManifestCreateArguments["manifest"];
type BotScope = NonNullable<NonNullable<NonNullable<Manifest["oauth_config"]>["scopes"]>["bot"]>[number];
type EventName = NonNullable<
  NonNullable<NonNullable<Manifest["settings"]>["event_subscriptions"]>["bot_events"]
>[number];

/** Bot scopes a method accepts: [] none needed; several: any one of them (by conversation type). */
const HISTORY: BotScope[] = ["channels:history", "groups:history", "im:history", "mpim:history"];
const METHOD_SCOPES: Record<string, BotScope[]> = {
  "chat.postMessage": ["chat:write"],
  "chat.update": ["chat:write"],
  "chat.postEphemeral": ["chat:write"],
  "chat.delete": ["chat:write"],
  "chat.getPermalink": [],
  "conversations.history": HISTORY,
  "conversations.replies": HISTORY,
  "conversations.info": ["channels:read", "groups:read", "im:read", "mpim:read"],
  "conversations.members": ["channels:read", "groups:read", "im:read", "mpim:read"],
  "usergroups.list": ["usergroups:read"],
  "usergroups.users.list": ["usergroups:read"],
  "users.info": ["users:read"],
  "views.open": [],
  "views.update": [],
  "views.push": [],
  "views.publish": [],
  "files.uploadV2": ["files:write"],
  "reactions.add": ["reactions:write"],
  "auth.test": [],
};
const EVENT_SCOPES: Partial<Record<EventName, BotScope[]>> = {
  app_home_opened: [],
  app_mention: ["app_mentions:read"],
  "message.channels": ["channels:history"],
  "message.groups": ["groups:history"],
  "message.im": ["im:history"],
  "message.mpim": ["mpim:history"],
};

// Slack's own lists of bot scopes and events, as @slack/web-api publishes them in its manifest types.
const manifestTypes = readFileSync(
  join(dirname(createRequire(import.meta.url).resolve("@slack/web-api")), "types/request/manifest.d.ts"),
  "utf8",
);
const union = (name: string) => {
  const body = new RegExp(`type ${name} = ([^;]+);`).exec(manifestTypes)?.[1];
  if (!body) throw new Error(`@slack/web-api no longer declares ${name}`);
  return new Set([...body.matchAll(/'([^']+)'/g)].map((m) => m[1] ?? ""));
};
const SLACK_BOT_SCOPES = union("BotScope");
const SLACK_EVENTS = union("ManifestEvent");

const https = z.url({ protocol: /^https$/ });
/** The parts of Slack's app manifest schema this app uses, strict: a misspelt key fails. */
const SlackManifest = z.strictObject({
  _metadata: z.strictObject({ major_version: z.literal([1, 2]), minor_version: z.number().int() }),
  display_information: z.strictObject({
    name: z.string().min(1).max(35),
    description: z.string().max(140),
    long_description: z.string().min(174).max(4000),
    background_color: z.string().regex(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/),
  }),
  features: z.strictObject({
    app_home: z.strictObject({
      home_tab_enabled: z.boolean(),
      messages_tab_enabled: z.boolean(),
      messages_tab_read_only_enabled: z.boolean(),
    }),
    bot_user: z.strictObject({
      display_name: z.string().regex(/^[a-z0-9._-]{1,80}$/),
      always_online: z.boolean(),
    }),
    slash_commands: z
      .array(
        z.strictObject({
          command: z.string().regex(/^\/[a-z0-9_-]{1,31}$/),
          url: https,
          description: z.string().min(1).max(2000),
          usage_hint: z.string().max(1000),
          should_escape: z.boolean(),
        }),
      )
      .max(50),
  }),
  oauth_config: z.strictObject({ scopes: z.strictObject({ bot: z.array(z.string()).max(255) }) }),
  settings: z.strictObject({
    event_subscriptions: z.strictObject({ request_url: https, bot_events: z.array(z.string()).max(100) }),
    interactivity: z.strictObject({ is_enabled: z.boolean(), request_url: https }),
    org_deploy_enabled: z.boolean(),
    socket_mode_enabled: z.boolean(),
    token_rotation_enabled: z.boolean(),
  }),
});

const manifest = SlackManifest.parse(parse(readFileSync(`${MANIFESTS_DIR}slack-app.yaml`, "utf8")));
const scopes = new Set(manifest.oauth_config.scopes.bot);
const events = manifest.settings.event_subscriptions.bot_events;

// A real WebClient decides what is a Web API method (`slack.chat.postMessage` is, `slack.listener` is not).
const client = new webApi.WebClient();
const isMethod = (path: string) => {
  let node: unknown = client;
  for (const key of path.split(".")) node = (node as Record<string, unknown> | undefined)?.[key];
  return typeof node === "function";
};
const usage = scanSources(isMethod);

/** Each need: what asks for it, and the scopes that satisfy it (any one). */
const needs = (): { what: string; anyOf: BotScope[] }[] => [
  ...[...usage.methods].map((m) => ({ what: `method ${m}`, anyOf: METHOD_SCOPES[m] ?? [] })),
  ...events.map((e) => ({ what: `event ${e}`, anyOf: EVENT_SCOPES[e as EventName] ?? [] })),
  ...(usage.slashCommands ? [{ what: "slash command", anyOf: ["commands"] as BotScope[] }] : []),
];

describe("the source scanner", () => {
  it("finds methods across line breaks and apiCall, but not comments or non-methods", () => {
    const code = [
      "await deps.slackUpdates.chat",
      "  .update({ channel });",
      'await client.apiCall("reactions.add", {});',
      "// slack.files.uploadV2({})",
      "slack.listener(req, res);",
      "await slack.usergroups.users.list({ usergroup });",
      'app.event("app_home_opened", h); app.message(h); app.command(RDEV_COMMAND, h);',
    ].join("\n");
    expect(scan(code, isMethod)).toEqual({
      methods: new Set(["chat.update", "reactions.add", "usergroups.users.list"]),
      events: new Set(["app_home_opened", "message"]),
      slashCommands: true,
    });
  });

  it("finds the calls the bot is known to make", () => {
    expect([...usage.methods]).toEqual(expect.arrayContaining(["chat.postMessage", "chat.update"]));
    expect(usage.events.has("message")).toBe(true);
    expect(usage.slashCommands).toBe(true);
  });
});

describe("manifests/slack-app.yaml", () => {
  it("uses only scopes and events that Slack defines", () => {
    expect([...scopes].filter((s) => !SLACK_BOT_SCOPES.has(s))).toEqual([]);
    expect(events.filter((e) => !SLACK_EVENTS.has(e))).toEqual([]);
  });

  it("sends slash commands, events and interactivity to the app's Slack endpoint", () => {
    const urls = [
      ...manifest.features.slash_commands.map((c) => c.url),
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ];
    for (const url of urls) expect(new URL(url).pathname).toBe(SLACK_EVENTS_PATH);
    expect(new Set(urls).size).toBe(1);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it("declares the /rdev command the app registers, with a usage hint", () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([RDEV_COMMAND]);
    expect(manifest.features.slash_commands[0]?.usage_hint).toMatch(/mem status/);
  });

  it("has a bot user and the App Home tab", () => {
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(events).toContain("app_home_opened");
  });

  it("knows the scope of every Web API method the code calls", () => {
    expect([...usage.methods].filter((m) => !(m in METHOD_SCOPES))).toEqual([]);
  });

  it("subscribes to every event the code listens to", () => {
    for (const e of usage.events) {
      const subscribed = e === "message" ? events.some((s) => s.startsWith("message.")) : events.includes(e);
      expect(subscribed, `app.event("${e}") but no subscription`).toBe(true);
    }
  });

  it("has a scope for every method, event and command", () => {
    const missing = needs().filter((n) => n.anyOf.length > 0 && !n.anyOf.some((s) => scopes.has(s)));
    expect(missing.map((n) => `${n.what} needs one of ${n.anyOf.join(", ")}`)).toEqual([]);
  });

  it("asks for no scope it does not need: without any one of them something breaks", () => {
    const satisfied = (have: Set<string>) => needs().filter((n) => n.anyOf.some((s) => have.has(s))).length;
    const unneeded = [...scopes].filter(
      (scope) => satisfied(new Set([...scopes].filter((s) => s !== scope))) === satisfied(scopes),
    );
    expect(unneeded).toEqual([]);
  });
});
