// The Slack Web API methods the bot uses, with the documented arguments, responses and errors.
// Each handler returns the response fields (without ok) or throws SlackApiError(code).
import { USER_METHODS } from "./users.ts";
import { SlackApiError, type SlackMessage, type StoredView, type Workspace } from "./workspace.ts";

export type Args = Record<string, unknown>;
export type MethodContext = {
  workspace: Workspace;
  origin: string;
  /** The WebSocket URL apps.connections.open hands out (Socket Mode), if any. */
  socketModeUrl?: string | undefined;
};
export type Method = (args: Args, ctx: MethodContext) => Record<string, unknown>;

const TS = /^\d+\.\d{6}$/;
const CHANNEL = /^[CDGU][A-Z0-9]{2,}$/;

function text(args: Args, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null || value === "") return undefined;
  return String(value);
}

/** Slack takes structured arguments as JSON strings (form bodies) or as JSON (JSON bodies). */
function structured(args: Args, name: string, error: string): unknown {
  const value = args[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new SlackApiError(error);
  }
}

function channelArg(args: Args, name = "channel"): string {
  const channel = text(args, name);
  if (!channel || !CHANNEL.test(channel)) throw new SlackApiError("channel_not_found");
  return channel;
}

function content(args: Args, requireSomething: boolean) {
  const blocks = structured(args, "blocks", "invalid_blocks");
  if (blocks !== undefined && (!Array.isArray(blocks) || blocks.length > 50))
    throw new SlackApiError("invalid_blocks");
  const attachments = structured(args, "attachments", "invalid_attachments");
  if (attachments !== undefined && !Array.isArray(attachments))
    throw new SlackApiError("invalid_attachments");
  const body = text(args, "text") ?? text(args, "markdown_text");
  if (requireSomething && body === undefined && blocks === undefined && attachments === undefined) {
    throw new SlackApiError("no_text");
  }
  if (body !== undefined && body.length > 40_000) throw new SlackApiError("msg_too_long");
  return {
    text: body,
    blocks: blocks as unknown[] | undefined,
    attachments: attachments as unknown[] | undefined,
    metadata: structured(args, "metadata", "invalid_metadata_format"),
  };
}

export function botMessage(
  ws: Workspace,
  c: ReturnType<typeof content>,
): Omit<SlackMessage, "ts" | "type" | "team"> {
  const { botUserId, botId, appId } = ws.identity;
  return {
    user: botUserId,
    bot_id: botId,
    app_id: appId,
    text: c.text ?? "",
    ...(c.blocks ? { blocks: c.blocks } : {}),
    ...(c.attachments ? { attachments: c.attachments } : {}),
    ...(c.metadata ? { metadata: c.metadata } : {}),
  };
}

function threadArg(args: Args): string | undefined {
  const threadTs = text(args, "thread_ts");
  if (threadTs !== undefined && !TS.test(threadTs)) throw new SlackApiError("invalid_thread_ts");
  return threadTs;
}

function viewArg(args: Args): Record<string, unknown> {
  const view = structured(args, "view", "invalid_arguments");
  if (typeof view !== "object" || view === null || Array.isArray(view))
    throw new SlackApiError("invalid_arguments");
  const typed = view as Record<string, unknown>;
  if (typed.type !== "modal" && typed.type !== "home") throw new SlackApiError("invalid_arguments");
  if (JSON.stringify(view).length > 250_000) throw new SlackApiError("view_too_large");
  // Slack's view limits: a modal's title is at most 24 characters, a view holds at most 100 blocks.
  const title = (typed.title as { text?: unknown } | undefined)?.text;
  if (typed.type === "modal" && (typeof title !== "string" || title.length > 24))
    throw new SlackApiError("invalid_arguments");
  if (Array.isArray(typed.blocks) && typed.blocks.length > 100) throw new SlackApiError("invalid_arguments");
  return typed;
}

export function storeView(ws: Workspace, view: Record<string, unknown>, id = ws.newId("V")): StoredView {
  const stored: StoredView = {
    callback_id: "",
    private_metadata: "",
    external_id: "",
    state: { values: {} },
    clear_on_close: false,
    notify_on_close: false,
    ...view,
    id,
    team_id: ws.identity.teamId,
    app_id: ws.identity.appId,
    bot_id: ws.identity.botId,
    root_view_id: id,
    previous_view_id: null,
    hash: `${Math.floor(ws.clock.now() / 1000)}.${ws.newId("").toLowerCase()}`,
    type: String(view.type),
  };
  ws.views.set(id, stored);
  return stored;
}

/** Slack's permalink format: https://<domain>.slack.com/archives/<channel>/p<ts without the dot>. */
function permalink(ws: Workspace, channel: string, message: SlackMessage): string {
  const base = `${workspaceUrl(ws)}archives/${channel}/p${message.ts.replace(".", "")}`;
  return message.thread_ts && message.thread_ts !== message.ts
    ? `${base}?thread_ts=${message.thread_ts}&cid=${channel}`
    : base;
}

const workspaceUrl = (ws: Workspace) => `https://${ws.identity.teamDomain}.slack.com/`;

export const METHODS: Record<string, Method> = {
  "auth.test": (_args, { workspace: ws }) => ({
    url: workspaceUrl(ws),
    team: ws.identity.teamDomain,
    user: "rdev-bot",
    team_id: ws.identity.teamId,
    user_id: ws.identity.botUserId,
    bot_id: ws.identity.botId,
    is_enterprise_install: false,
  }),

  // Called with the app-level (xapp-) token; web-api.ts checks which token was presented.
  "apps.connections.open": (_args, { socketModeUrl }) => {
    if (!socketModeUrl) throw new SlackApiError("not_allowed_token_type");
    return { url: socketModeUrl };
  },

  "chat.postMessage": (args, { workspace: ws }) => {
    const channel = channelArg(args);
    const c = content(args, true);
    const threadTs = threadArg(args);
    const message = ws.addMessage(channel, {
      ...botMessage(ws, c),
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    return { channel, ts: message.ts, message };
  },

  "chat.update": (args, { workspace: ws }) => {
    const channel = channelArg(args);
    const ts = text(args, "ts");
    if (!ts) throw new SlackApiError("message_not_found");
    if (ws.ephemerals.some((e) => e.channel === channel && e.ts === ts))
      throw new SlackApiError("cant_update_message");
    const message = ws.findMessage(channel, ts);
    if (!message) throw new SlackApiError("message_not_found");
    if (message.user !== ws.identity.botUserId) throw new SlackApiError("cant_update_message");
    const c = content(args, false);
    // Documented: without blocks, previous blocks survive only if no text is given either.
    if (c.blocks !== undefined) message.blocks = c.blocks;
    else if (c.text !== undefined) delete message.blocks;
    if (c.text !== undefined) message.text = c.text;
    if (c.attachments !== undefined) message.attachments = c.attachments;
    message.edited = { user: ws.identity.botUserId, ts: ws.nextTs(channel) };
    return { channel, ts, text: message.text, message };
  },

  "chat.postEphemeral": (args, { workspace: ws }) => {
    const channel = channelArg(args);
    const user = text(args, "user");
    if (!user) throw new SlackApiError("user_not_in_channel");
    const c = content(args, true);
    const ts = ws.nextTs(channel);
    const message: SlackMessage = { type: "message", ts, team: ws.identity.teamId, ...botMessage(ws, c) };
    const threadTs = threadArg(args);
    if (threadTs) message.thread_ts = threadTs;
    ws.ephemerals.push({ channel, user, ts, message });
    return { message_ts: ts };
  },

  "chat.getPermalink": (args, { workspace: ws }) => {
    const channel = channelArg(args);
    const message = ws.findMessage(channel, text(args, "message_ts") ?? "");
    if (!message) throw new SlackApiError("message_not_found");
    return { channel, permalink: permalink(ws, channel, message) };
  },

  "conversations.history": (args, { workspace: ws }) => {
    const channel = channelArg(args);
    const limit = Number(text(args, "limit") ?? 100);
    const messages = ws.rootMessages(channel).reverse().slice(0, limit);
    return { messages, has_more: false, pin_count: 0, response_metadata: { next_cursor: "" } };
  },

  // https://api.slack.com/methods/conversations.members: cursor-paginated member ids, limit up to
  // 1000 (default 100); next_cursor is "" on the last page.
  "conversations.members": (args, { workspace: ws }) => {
    const channel = channelArg(args);
    const members = ws.channelMembers.get(channel);
    if (!members) throw new SlackApiError("channel_not_found");
    const limit = Math.min(1000, Math.max(1, Number(text(args, "limit") ?? 100) || 100));
    const cursor = text(args, "cursor") ?? "";
    const start = cursor
      ? Number(
          Buffer.from(cursor, "base64")
            .toString("utf8")
            .replace(/^offset:/, ""),
        )
      : 0;
    if (!Number.isInteger(start) || start < 0) throw new SlackApiError("invalid_cursor");
    const page = members.slice(start, start + limit);
    const next =
      start + limit < members.length ? Buffer.from(`offset:${start + limit}`).toString("base64") : "";
    return { members: page, response_metadata: { next_cursor: next } };
  },

  "conversations.replies": (args, { workspace: ws }) => {
    const channel = channelArg(args);
    const ts = text(args, "ts") ?? "";
    const messages = ws.thread(channel, ts);
    if (messages.length === 0) throw new SlackApiError("thread_not_found");
    return { messages, has_more: false, response_metadata: { next_cursor: "" } };
  },

  "views.open": (args, { workspace: ws }) => {
    const view = viewArg(args);
    ws.exchangeTrigger(text(args, "trigger_id") ?? text(args, "interactivity_pointer") ?? "");
    return { view: storeView(ws, view) };
  },

  "views.publish": (args, { workspace: ws }) => {
    const user = text(args, "user_id");
    if (!user) throw new SlackApiError("invalid_arguments");
    const view = viewArg(args);
    if (view.type !== "home") throw new SlackApiError("invalid_arguments");
    const existingId = ws.homeViews.get(user);
    const existing = existingId ? ws.views.get(existingId) : undefined;
    const hash = text(args, "hash");
    if (hash !== undefined && existing && existing.hash !== hash) throw new SlackApiError("hash_conflict");
    const stored = storeView(ws, view, existingId);
    ws.homeViews.set(user, stored.id);
    return { view: stored };
  },

  "views.update": (args, { workspace: ws }) => {
    const view = viewArg(args);
    const externalId = text(args, "external_id");
    const id =
      text(args, "view_id") ??
      [...ws.views.values()].find((v) => externalId && v.external_id === externalId)?.id;
    const existing = id ? ws.views.get(id) : undefined;
    if (!existing) throw new SlackApiError("not_found");
    const hash = text(args, "hash");
    if (hash !== undefined && existing.hash !== hash) throw new SlackApiError("hash_conflict");
    return { view: storeView(ws, view, existing.id) };
  },

  "files.getUploadURLExternal": (args, { workspace: ws, origin }) => {
    const filename = text(args, "filename");
    const length = Number(text(args, "length"));
    if (!filename || !Number.isInteger(length) || length <= 0) throw new SlackApiError("invalid_arguments");
    const id = ws.newId("F");
    ws.files.set(id, { id, name: filename, title: filename, length, bytes: null, completed: false });
    return { upload_url: `${origin}/upload/v1/${id}`, file_id: id };
  },

  "files.completeUploadExternal": (args, { workspace: ws }) => {
    const files = structured(args, "files", "invalid_arguments");
    if (!Array.isArray(files) || files.length === 0) throw new SlackApiError("invalid_arguments");
    const done = files.map((entry: { id?: string; title?: string }) => {
      const file = entry.id ? ws.files.get(entry.id) : undefined;
      if (!file || file.bytes === null) throw new SlackApiError("file_not_found");
      file.completed = true;
      if (entry.title) file.title = entry.title;
      return file;
    });
    const channel = text(args, "channel_id") ?? text(args, "channels");
    if (channel) {
      if (!CHANNEL.test(channel)) throw new SlackApiError("channel_not_found");
      const threadTs = threadArg(args);
      const c = content(args, false);
      ws.addMessage(channel, {
        ...botMessage(ws, { ...c, text: text(args, "initial_comment") ?? c.text }),
        files: done.map((f) => ({ id: f.id, name: f.name, title: f.title })),
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
    }
    return {
      files: done.map((f) => ({ id: f.id, name: f.name, title: f.title, size: f.bytes?.length ?? 0 })),
    };
  },

  "usergroups.users.list": (args, { workspace: ws }) => {
    const group = text(args, "usergroup");
    const users = group ? ws.userGroups.get(group) : undefined;
    if (!users) throw new SlackApiError("no_such_subteam");
    return { users: [...users] };
  },
  ...USER_METHODS,
};
