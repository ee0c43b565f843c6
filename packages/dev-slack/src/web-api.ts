// A local fake of the Slack Web API on 127.0.0.1:<free port>, faithful to Slack's documented
// behaviour for the methods the bot uses (see methods.ts). Drive it with the real WebClient:
// new WebClient(fake.token, { slackApiUrl: fake.url }). Tests use it, and so does the local dev
// workspace (dev-slack.ts), which adds its web page to the same server.
//
// - Auth: "Authorization: Bearer <token>" or a `token` form field; else ok:false not_authed /
//   invalid_auth (HTTP 200, as Slack does). JSON bodies must use the header, as Slack requires.
// - Bodies: application/x-www-form-urlencoded (what WebClient sends), application/json, multipart.
// - Rate limits: per-method windows answering 429 + Retry-After, and failNext() for scripted
//   429/5xx answers.
// - Records every call ({ method, args, at, status, response }) and keeps channels -> messages ->
//   thread replies so tests can assert on what a thread looks like.
// - Hands out response_url endpoints (responseUrl()) and records what is POSTed to them.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Clock, systemClock } from "@rdev/bot/clock.ts";
import { parseArgs, readBody, send } from "./http.ts";
import { type Args, METHODS } from "./methods.ts";
import { createRateLimiter, type RateLimit } from "./rate-limit.ts";
import { createResponseUrls, type ResponseContext, type ResponseUrlPost } from "./response-urls.ts";
import { fakeSlackSurface } from "./surface.ts";
import { checkScope } from "./users.ts";
import { SlackApiError, Workspace, type WorkspaceIdentity, type WorkspaceUser } from "./workspace.ts";

export type {
  EphemeralMessage,
  SlackMessage,
  StoredFile,
  StoredView,
  WorkspaceIdentity,
  WorkspaceUser,
} from "./workspace.ts";
export type { RateLimit, ResponseContext, ResponseUrlPost };

export type FakeSlackCall = {
  method: string;
  args: Args;
  /** Fake time (the clock option) when the call arrived. */
  at: number;
  status: number;
  response: Record<string, unknown> | null;
  ok: boolean;
};

export type FakeSlackOptions = {
  token?: string;
  clock?: Clock;
  identity?: Partial<WorkspaceIdentity>;
  rateLimits?: Record<string, RateLimit>;
  userGroups?: Record<string, string[]>;
  /** Members users.info knows (the bot user is always known). */
  users?: WorkspaceUser[];
  /** The bot token's scopes; when given, methods needing another scope answer missing_scope. */
  scopes?: string[];
  /** Channel id -> member user ids (conversations.members). */
  channelMembers?: Record<string, string[]>;
  /** App-level token (xapp-...) accepted by apps.connections.open, and only there. */
  appToken?: string;
  /** The WebSocket URL apps.connections.open answers with (Socket Mode). */
  socketModeUrl?: string;
  /** Port on 127.0.0.1 (default 0: a free port). */
  port?: number;
};

/** What an extension of the server (the dev workspace's page) works with. */
export type FakeSlackInternals = {
  workspace: Workspace;
  origin: string;
  token: string;
  clock: Clock;
  calls: FakeSlackCall[];
  issueResponseUrl(context?: ResponseContext): string;
  /** Called after every change: an API call (given), a response_url post or an upload (null). */
  subscribe(listener: (call: FakeSlackCall | null) => void): () => void;
  /** Tells subscribers that something else changed (null). */
  changed(): void;
};

/** Answers a request it owns (a promise), or returns null to leave it to the fake API. */
export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | null;

export type FakeSlack = ReturnType<typeof fakeSlackSurface>;

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  return (await startFakeSlackServer(options)).api;
}

export async function startFakeSlackServer(
  options: FakeSlackOptions = {},
  extend?: (internals: FakeSlackInternals) => ExtraRoutes,
): Promise<{ api: FakeSlack; internals: FakeSlackInternals }> {
  const token = options.token ?? "xoxb-0000000000-fake-token";
  const clock = options.clock ?? systemClock;
  const identity: WorkspaceIdentity = {
    teamId: "T0RDEV0001",
    teamDomain: "rdev",
    botUserId: "U0RDEVBOT1",
    botId: "B0RDEVBOT1",
    appId: "A0RDEVAPP1",
    ...options.identity,
  };
  const ws = new Workspace(identity, clock);
  for (const [group, users] of Object.entries(options.userGroups ?? {})) ws.userGroups.set(group, users);
  for (const user of options.users ?? []) ws.users.set(user.id, user);
  if (options.scopes) ws.scopes = new Set(options.scopes);
  for (const [channel, users] of Object.entries(options.channelMembers ?? {}))
    ws.channelMembers.set(channel, users);

  const calls: FakeSlackCall[] = [];
  const responseUrls = createResponseUrls(ws, clock);
  const scripted = new Map<string, { status: number; retryAfter: number }[]>();
  /** A slow Slack: calls of a method are answered (and take effect) only after this many ms. */
  const latency = new Map<string, number>();
  const rateLimited = createRateLimiter(options.rateLimits);
  const listeners = new Set<(call: FakeSlackCall | null) => void>();
  let origin = "";
  let extra: ExtraRoutes | undefined;

  const notify = (call: FakeSlackCall | null) => {
    for (const listener of [...listeners]) listener(call);
  };
  const record = (call: FakeSlackCall) => {
    calls.push(call);
    notify(call);
  };

  async function handleApi(
    method: string,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> {
    const contentType = req.headers["content-type"] ?? "";
    const body = await readBody(req);
    const slow = latency.get(method) ?? latency.get("*") ?? 0;
    // A caller that gives up meanwhile does not undo the call: Slack would still do it.
    if (slow > 0) await new Promise((r) => setTimeout(r, slow));
    const at = clock.now();
    let args: Args;
    try {
      args = req.method === "GET" ? Object.fromEntries(url.searchParams) : await parseArgs(contentType, body);
    } catch {
      send(res, 200, { ok: false, error: "invalid_json" });
      return;
    }
    const bodyToken =
      typeof args.token === "string" && !contentType.startsWith("application/json") ? args.token : null;
    delete args.token;
    const header = req.headers.authorization;
    const presented = header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : bodyToken;

    const reply = (
      status: number,
      response: Record<string, unknown> | null,
      headers?: Record<string, string>,
    ) => {
      record({ method, args, at, status, response, ok: status === 200 && response?.ok === true });
      send(res, status, response ?? "Internal Server Error", headers);
    };

    const failure = scripted.get(method)?.shift();
    if (failure) {
      if (failure.status === 429) {
        reply(429, { ok: false, error: "ratelimited" }, { "retry-after": String(failure.retryAfter) });
      } else reply(failure.status, null);
      return;
    }
    if (!presented) return reply(200, { ok: false, error: "not_authed" });
    // Slack's token types: the app-level token opens Socket Mode connections and nothing else.
    const appLevel = method === "apps.connections.open";
    if (appLevel && presented === token) return reply(200, { ok: false, error: "not_allowed_token_type" });
    if (!appLevel && presented !== token) return reply(200, { ok: false, error: "invalid_auth" });
    if (appLevel && (!options.appToken || presented !== options.appToken))
      return reply(200, { ok: false, error: "invalid_auth" });
    const handler = METHODS[method];
    if (!handler) return reply(200, { ok: false, error: "unknown_method" });
    const wait = rateLimited(method, args, at);
    if (wait !== null)
      return reply(429, { ok: false, error: "ratelimited" }, { "retry-after": String(wait) });
    try {
      checkScope(ws, method);
      reply(200, {
        ok: true,
        ...handler(args, { workspace: ws, origin, socketModeUrl: options.socketModeUrl }),
      });
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      reply(200, { ok: false, error: error.error, ...error.extra });
    }
  }

  async function handleUpload(fileId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const file = ws.files.get(fileId);
    const body = await readBody(req);
    if (!file) return send(res, 404, "file not found");
    const contentType = req.headers["content-type"] ?? "";
    if (contentType.startsWith("multipart/form-data")) {
      const args = await parseArgs(contentType, body);
      const bytes = Object.values(args).find((v): v is Buffer => Buffer.isBuffer(v));
      file.bytes = bytes ?? Buffer.alloc(0);
    } else {
      file.bytes = body;
    }
    send(res, 200, `OK - ${file.bytes.length}`);
    notify(null);
  }

  async function handleResponseUrl(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = (await readBody(req)).toString("utf8");
    const answer = responseUrls.post(id, `${origin}/response/${id}`, raw);
    send(res, answer.status, answer.body);
    if (answer.status === 200) notify(null);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const [, area, ...rest] = url.pathname.split("/");
    const name = rest.join("/");
    let work: Promise<void>;
    if (area === "api" && name) work = handleApi(name, req, res, url);
    else if (area === "upload" && req.method === "POST") work = handleUpload(rest.at(-1) ?? "", req, res);
    else if (area === "response" && req.method === "POST") work = handleResponseUrl(name, req, res);
    else work = extra?.(req, res, url) ?? Promise.resolve(send(res, 404, "not found"));
    work.catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, `fake Slack failed: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const internals: FakeSlackInternals = {
    workspace: ws,
    origin,
    token,
    clock,
    calls,
    issueResponseUrl: (context) => `${origin}/response/${responseUrls.issue(context)}`,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    changed: () => notify(null),
  };
  extra = extend?.(internals);
  const api = fakeSlackSurface({
    ...internals,
    identity,
    responsePosts: responseUrls.posts,
    setLatency: (method, ms) => {
      if (ms > 0) latency.set(method, ms);
      else latency.delete(method);
    },
    failNext: (method, status, n, retryAfter) => {
      const queue = scripted.get(method) ?? [];
      for (let i = 0; i < n; i++) queue.push({ status, retryAfter });
      scripted.set(method, queue);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  });
  return { api, internals };
}
