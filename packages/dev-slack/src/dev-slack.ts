// A local stand-in for Slack, for the demo: the fake Slack Web API (web-api.ts) plus a web page on
// the same server that shows the workspace like Slack does and lets a person act as one of a few
// demo users. The page reaches the app only the way Slack does: signed HTTP requests to its
// Request URL (slash commands, message events, block_actions, view_submission), response_url
// posts back, and the app's Web API calls (chat.postMessage, chat.update, chat.postEphemeral,
// views.open, file uploads) shown as they land.
//
//   const slack = await startDevSlack({ signingSecret, botToken });
//   // start the app with SLACK_API_URL=slack.url, then:
//   slack.setAppEventsUrl(`${app.url}/slack/events`);
//   console.log(`open ${slack.pageUrl}`);
import type { Clock } from "@rdev/bot/clock.ts";
import { loadClientModules } from "./assets.ts";
import type { UiChannel, UiUser } from "./client/types.ts";
import { createModals } from "./modals.ts";
import { createUiActions } from "./ui-actions.ts";
import { createUiRoutes } from "./ui-routes.ts";
import { actingUser, uiState } from "./ui-state.ts";
import { type FakeSlack, startFakeSlackServer } from "./web-api.ts";
import type { WorkspaceIdentity } from "./workspace.ts";

export type { UiChannel as DevChannel, UiUser as DevUser };

/** The people a newcomer can act as: an on-call engineer, an SRE lead, a developer who may not approve. */
export const DEMO_USERS: UiUser[] = [
  { id: "U0ONCALL1", name: "alice", title: "on-call" },
  { id: "U0SRE0002", name: "bob", title: "SRE lead" },
  { id: "U0DEV0003", name: "carol", title: "developer, not an approver" },
];

export const DEMO_CHANNELS: UiChannel[] = [{ id: "C0RDEVOPS1", name: "rdev-ops" }];

export type DevSlackOptions = {
  signingSecret: string;
  botToken: string;
  /** The app's Request URL, e.g. http://127.0.0.1:3000/slack/events; can be set later. */
  appEventsUrl?: string;
  users?: UiUser[];
  /** Listed in this order; put the alert channel first. */
  channels?: UiChannel[];
  /**
   * Message timestamps and Slack's 3 s trigger_id window use this clock; keep real time (the
   * default) when a person clicks, or modals may find their trigger expired.
   */
  clock?: Clock;
  /** Slash commands the app registered (default: /rdev). */
  commands?: string[];
  /** The bot's display name (default: rdev). */
  botName?: string;
  identity?: Partial<WorkspaceIdentity>;
  userGroups?: Record<string, string[]>;
  /** How long Slack waits for the app's acknowledgement (default 3000 ms). */
  ackTimeoutMs?: number;
  /** Port of the page and the API on 127.0.0.1 (default 0: a free port). */
  port?: number;
};

export type DevSlack = FakeSlack & {
  /** Open this in a browser. */
  pageUrl: string;
  setAppEventsUrl(url: string | null): void;
  appEventsUrl(): string | null;
};

export async function startDevSlack(options: DevSlackOptions): Promise<DevSlack> {
  let appUrl = options.appEventsUrl ?? null;
  let version = 0;
  const users = options.users ?? DEMO_USERS;
  const channels = options.channels ?? DEMO_CHANNELS;
  const commands = (options.commands ?? ["/rdev"]).map((c) => c.toLowerCase());
  const modules = loadClientModules();

  const { api, internals } = await startFakeSlackServer(
    {
      token: options.botToken,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.identity ? { identity: options.identity } : {}),
      ...(options.userGroups ? { userGroups: options.userGroups } : {}),
      // users.info knows the people one can act as, by the names the page shows.
      users: users.map((u) => ({ id: u.id, name: u.name, realName: u.name, displayName: u.name })),
      // Everyone of the dev workspace is in every channel (reading incidents needs membership).
      channelMembers: Object.fromEntries(channels.map((c) => [c.id, users.map((u) => u.id)])),
      ...(options.port ? { port: options.port } : {}),
    },
    (internals) => {
      const ws = internals.workspace;
      const modals = createModals(ws);
      internals.subscribe((call) => {
        version += 1;
        modals.observe(call);
      });
      const actions = createUiActions({
        internals,
        identity: ws.identity,
        modals,
        relay: {
          url: () => appUrl,
          signingSecret: options.signingSecret,
          timeoutMs: options.ackTimeoutMs ?? 3000,
        },
        users,
        channels,
        commands,
        changed: internals.changed,
      });
      return createUiRoutes({
        origin: internals.origin,
        workspace: ws,
        actions,
        modules,
        state: (requested) => {
          const user = actingUser(users, requested)?.id ?? "";
          return uiState(ws, {
            version,
            user,
            users,
            channels,
            commands,
            botName: options.botName ?? "rdev",
            appUrl,
            modal: modals.current(user),
          });
        },
        onChange: (listener) => internals.subscribe(listener),
      });
    },
  );

  return {
    ...api,
    pageUrl: `${api.origin}/`,
    setAppEventsUrl: (url) => {
      appUrl = url;
      internals.changed();
    },
    appEventsUrl: () => appUrl,
  };
}
