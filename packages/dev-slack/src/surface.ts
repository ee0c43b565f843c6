// The fake Slack's API for tests and the dev workspace: what was called, what the channels and
// threads look like, response URLs and trigger ids to put in payloads, scripted failures.
import type { ResponseContext, ResponseUrlPost } from "./response-urls.ts";
import type { FakeSlackCall } from "./web-api.ts";
import type {
  EphemeralMessage,
  SlackMessage,
  StoredFile,
  StoredView,
  Workspace,
  WorkspaceIdentity,
  WorkspaceUser,
} from "./workspace.ts";

export type SurfaceParts = {
  workspace: Workspace;
  origin: string;
  token: string;
  identity: WorkspaceIdentity;
  calls: FakeSlackCall[];
  responsePosts: ResponseUrlPost[];
  issueResponseUrl(context?: ResponseContext): string;
  subscribe(listener: (call: FakeSlackCall | null) => void): () => void;
  /** Tells subscribers (the dev workspace's page) that something changed. */
  changed(): void;
  failNext(method: string, status: number, n: number, retryAfter: number): void;
  setLatency(method: string, ms: number): void;
  close(): Promise<void>;
};

export function fakeSlackSurface(p: SurfaceParts) {
  const { workspace: ws, calls } = p;
  return {
    /** Base URL for WebClient's slackApiUrl, with the trailing slash it needs. */
    url: `${p.origin}/api/`,
    origin: p.origin,
    token: p.token,
    identity: p.identity,
    calls,
    callsTo: (method: string) => calls.filter((c) => c.method === method),
    /** Top-level messages of a channel, oldest first (thread replies excluded). */
    messages: (channel: string): SlackMessage[] => ws.rootMessages(channel),
    /** A thread: its root, then the replies in order. [] if the root does not exist. */
    thread: (channel: string, ts: string): SlackMessage[] => ws.thread(channel, ts),
    /** Replies posted with a thread_ts that matches no message (Slack accepts and hides them). */
    orphanReplies: (channel: string, threadTs: string): SlackMessage[] => ws.orphanReplies(channel, threadTs),
    ephemerals: (channel?: string): EphemeralMessage[] =>
      ws.ephemerals.filter((e) => channel === undefined || e.channel === channel),
    view: (id: string): StoredView | undefined => ws.views.get(id),
    homeView: (userId: string): StoredView | undefined => {
      const id = ws.homeViews.get(userId);
      return id ? ws.views.get(id) : undefined;
    },
    file: (id: string): StoredFile | undefined => ws.files.get(id),
    /** A trigger_id as Slack puts in interaction payloads: views.open accepts it once, within 3 s. */
    issueTriggerId: (): string => ws.issueTrigger(),
    /**
     * A response_url as Slack puts in interaction payloads; POSTs to it are recorded. With a
     * context, they are also shown in the workspace (ephemeral, in_channel, replace, delete).
     */
    responseUrl: (context?: ResponseContext): string => p.issueResponseUrl(context),
    responses: (url?: string): ResponseUrlPost[] =>
      p.responsePosts.filter((post) => url === undefined || post.url === url),
    /** A message from a human (the bot may not chat.update it). */
    postAsUser: (channel: string, user: string, text: string, threadTs?: string): SlackMessage => {
      const message = ws.addMessage(channel, { user, text, ...(threadTs ? { thread_ts: threadTs } : {}) });
      p.changed();
      return message;
    },
    setUserGroup: (groupId: string, users: string[]): void => {
      ws.userGroups.set(groupId, users);
    },
    /** Adds or changes a member users.info answers for. */
    setUser: (user: WorkspaceUser): void => {
      ws.users.set(user.id, user);
    },
    /** The bot token's scopes from now on (null: all); methods needing another answer missing_scope. */
    setScopes: (scopes: string[] | null): void => {
      ws.scopes = scopes ? new Set(scopes) : null;
    },
    setChannelMembers: (channel: string, users: string[]): void => {
      ws.channelMembers.set(channel, users);
    },
    /** The next `n` calls of `method` answer `status` (429 with Retry-After: retryAfter seconds). */
    failNext: (method: string, status: number, n = 1, retryAfter = 1): void =>
      p.failNext(method, status, n, retryAfter),
    /**
     * A slow Slack: calls of `method` ("*" for all) are handled and answered only after `ms`
     * (0 restores it). A caller that gives up meanwhile does not undo the call, as with Slack.
     */
    setLatency: (method: string, ms: number): void => p.setLatency(method, ms),
    /** Resolves with the first (past or future) call of `method` matching `match` (default: ok). */
    waitForCall: (
      method: string,
      match: (call: FakeSlackCall) => boolean = (c) => c.ok,
    ): Promise<FakeSlackCall> => {
      const past = calls.find((c) => c.method === method && match(c));
      if (past) return Promise.resolve(past);
      return new Promise((resolve) => {
        const stop = p.subscribe((call) => {
          if (call?.method === method && match(call)) {
            stop();
            resolve(call);
          }
        });
      });
    },
    close: (): Promise<void> => p.close(),
  };
}
