// A local fake of the Slack Web API on 127.0.0.1:<free port>, faithful to Slack's documented
// behaviour for the methods the bot uses (see fake-slack-methods.ts). Drive it with the real
// WebClient: new WebClient(fake.token, { slackApiUrl: fake.url }).
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
import { type Clock, systemClock } from "../../src/clock.ts";
import { parseArgs, readBody, send } from "./fake-slack-http.ts";
import { type Args, METHODS } from "./fake-slack-methods.ts";
import {
  type EphemeralMessage,
  SlackApiError,
  type SlackMessage,
  type StoredFile,
  type StoredView,
  Workspace,
  type WorkspaceIdentity,
} from "./fake-slack-workspace.ts";

export type { EphemeralMessage, SlackMessage, StoredFile, StoredView, WorkspaceIdentity };

export type FakeSlackCall = {
  method: string;
  args: Args;
  /** Fake time (the clock option) when the call arrived. */
  at: number;
  status: number;
  response: Record<string, unknown> | null;
  ok: boolean;
};

export type ResponseUrlPost = { url: string; body: unknown; at: number };

export type RateLimit = {
  /** Calls allowed per window; the next one gets 429. */
  limit: number;
  windowMs: number;
  /** Retry-After seconds; default: until the oldest call leaves the window (at least 1). */
  retryAfter?: number;
  /** Count per channel argument (chat.postMessage's 1 message/second/channel). */
  perChannel?: boolean;
};

export type FakeSlackOptions = {
  token?: string;
  clock?: Clock;
  identity?: Partial<WorkspaceIdentity>;
  rateLimits?: Record<string, RateLimit>;
  userGroups?: Record<string, string[]>;
};

export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;

const RESPONSE_URL_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60_000;

export async function startFakeSlack(options: FakeSlackOptions = {}) {
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

  const calls: FakeSlackCall[] = [];
  const responsePosts: ResponseUrlPost[] = [];
  const responseUrls = new Map<string, { createdAt: number; uses: number }>();
  const scripted = new Map<string, { status: number; retryAfter: number }[]>();
  const accepted = new Map<string, number[]>();
  const waiters: {
    method: string;
    match: (c: FakeSlackCall) => boolean;
    resolve: (c: FakeSlackCall) => void;
  }[] = [];
  let origin = "";

  const record = (call: FakeSlackCall) => {
    calls.push(call);
    for (const waiter of [...waiters]) {
      if (waiter.method === call.method && waiter.match(call)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(call);
      }
    }
  };

  /** Seconds to wait if this call exceeds its rate limit, else null (and the call is counted). */
  const rateLimited = (method: string, args: Args, at: number): number | null => {
    const limit = options.rateLimits?.[method];
    if (!limit) return null;
    const bucket = limit.perChannel ? `${method}:${String(args.channel ?? args.channel_id ?? "")}` : method;
    const recent = (accepted.get(bucket) ?? []).filter((t) => t > at - limit.windowMs);
    accepted.set(bucket, recent);
    if (recent.length >= limit.limit) {
      const oldest = recent[0] ?? at;
      return limit.retryAfter ?? Math.max(1, Math.ceil((oldest + limit.windowMs - at) / 1000));
    }
    recent.push(at);
    return null;
  };

  async function handleApi(
    method: string,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> {
    const at = clock.now();
    const contentType = req.headers["content-type"] ?? "";
    const body = await readBody(req);
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
    if (presented !== token) return reply(200, { ok: false, error: "invalid_auth" });
    const handler = METHODS[method];
    if (!handler) return reply(200, { ok: false, error: "unknown_method" });
    const wait = rateLimited(method, args, at);
    if (wait !== null)
      return reply(429, { ok: false, error: "ratelimited" }, { "retry-after": String(wait) });
    try {
      reply(200, { ok: true, ...handler(args, { workspace: ws, origin }) });
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      reply(200, { ok: false, error: error.error });
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
  }

  async function handleResponseUrl(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const entry = responseUrls.get(id);
    const raw = (await readBody(req)).toString("utf8");
    const at = clock.now();
    if (!entry) return send(res, 404, "no_such_url");
    if (at - entry.createdAt > RESPONSE_URL_TTL_MS) return send(res, 404, "expired_url");
    if (entry.uses >= RESPONSE_URL_USES) return send(res, 404, "used_url");
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, 400, "invalid_payload");
    }
    entry.uses += 1;
    responsePosts.push({ url: `${origin}/response/${id}`, body, at });
    send(res, 200, { ok: true });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const [, area, ...rest] = url.pathname.split("/");
    const name = rest.join("/");
    let work: Promise<void>;
    if (area === "api" && name) work = handleApi(name, req, res, url);
    else if (area === "upload" && req.method === "POST") work = handleUpload(rest.at(-1) ?? "", req, res);
    else if (area === "response" && req.method === "POST") work = handleResponseUrl(name, req, res);
    else work = Promise.resolve(send(res, 404, "not found"));
    work.catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, `fake Slack failed: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** Base URL for WebClient's slackApiUrl, with the trailing slash it needs. */
    url: `${origin}/api/`,
    origin,
    token,
    identity,
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
    /** A response_url as Slack puts in interaction payloads; POSTs to it are recorded. */
    responseUrl: (): string => {
      const id = `T0RDEV0001/${ws.newId("")}/${ws.newId("").toLowerCase()}`;
      responseUrls.set(id, { createdAt: clock.now(), uses: 0 });
      return `${origin}/response/${id}`;
    },
    responses: (url?: string): ResponseUrlPost[] =>
      responsePosts.filter((p) => url === undefined || p.url === url),
    /** A message from a human (the bot may not chat.update it). */
    postAsUser: (channel: string, user: string, text: string, threadTs?: string): SlackMessage =>
      ws.addMessage(channel, { user, text, ...(threadTs ? { thread_ts: threadTs } : {}) }),
    setUserGroup: (groupId: string, users: string[]): void => {
      ws.userGroups.set(groupId, users);
    },
    /** The next `n` calls of `method` answer `status` (429 with Retry-After: retryAfter seconds). */
    failNext: (method: string, status: number, n = 1, retryAfter = 1): void => {
      const queue = scripted.get(method) ?? [];
      for (let i = 0; i < n; i++) queue.push({ status, retryAfter });
      scripted.set(method, queue);
    },
    /** Resolves with the first (past or future) call of `method` matching `match` (default: ok). */
    waitForCall: (
      method: string,
      match: (call: FakeSlackCall) => boolean = (c) => c.ok,
    ): Promise<FakeSlackCall> => {
      const past = calls.find((c) => c.method === method && match(c));
      if (past) return Promise.resolve(past);
      return new Promise((resolve) => waiters.push({ method, match, resolve }));
    },
    close: async (): Promise<void> => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
