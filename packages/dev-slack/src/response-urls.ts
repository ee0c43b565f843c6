// response_url endpoints as Slack hands them out in interaction payloads: each accepts 5 POSTs
// within 30 minutes. Every accepted POST is recorded. A URL issued with a context (the channel,
// user and source message of the interaction, as the dev workspace issues them) also shows the
// response the way Slack does: ephemeral to the user, in the channel, replacing or deleting the
// source message.
import type { Clock } from "@rdev/bot/clock.ts";
import { botMessage } from "./methods.ts";
import type { SlackMessage, Workspace } from "./workspace.ts";

export type ResponseUrlPost = { url: string; body: unknown; at: number };

export type ResponseContext = {
  channel: string;
  user: string;
  /** The message the interaction came from (block_actions); absent for a slash command. */
  source?: { ts: string; ephemeral: boolean };
  /** The thread the interaction happened in, if any. */
  threadTs?: string;
};

export type ResponseOutcome = "recorded" | "ephemeral" | "in_channel" | "replaced" | "deleted";

const USES = 5;
const TTL_MS = 30 * 60_000;

type Entry = { createdAt: number; uses: number; context: ResponseContext | undefined };
type Json = Record<string, unknown>;

const flag = (value: unknown) => value === true || value === "true";

/** Shows a response body in the workspace as Slack does for the interaction `context`. */
export function applyResponse(ws: Workspace, context: ResponseContext, body: Json): ResponseOutcome {
  const { channel, user, source } = context;
  if (source && flag(body.delete_original)) {
    if (source.ephemeral) {
      const i = ws.ephemerals.findIndex((e) => e.channel === channel && e.ts === source.ts);
      if (i >= 0) ws.ephemerals.splice(i, 1);
    } else ws.deleteMessage(channel, source.ts);
    return "deleted";
  }
  const content = {
    text: typeof body.text === "string" ? body.text : "",
    blocks: Array.isArray(body.blocks) ? (body.blocks as unknown[]) : undefined,
    attachments: Array.isArray(body.attachments) ? (body.attachments as unknown[]) : undefined,
    metadata: undefined,
  };
  if (source && flag(body.replace_original)) {
    const target = source.ephemeral
      ? ws.ephemerals.find((e) => e.channel === channel && e.ts === source.ts)?.message
      : ws.findMessage(channel, source.ts);
    if (target) {
      replaceContent(target, botMessage(ws, content));
      return "replaced";
    }
  }
  const threadTs = typeof body.thread_ts === "string" ? body.thread_ts : context.threadTs;
  const message = { ...botMessage(ws, content), ...(threadTs ? { thread_ts: threadTs } : {}) };
  if (body.response_type === "in_channel") {
    ws.addMessage(channel, message);
    return "in_channel";
  }
  const ts = ws.nextTs(channel);
  ws.ephemerals.push({
    channel,
    user,
    ts,
    message: { ...message, type: "message", ts, team: ws.identity.teamId },
  });
  return "ephemeral";
}

function replaceContent(target: SlackMessage, next: Omit<SlackMessage, "ts" | "type" | "team">): void {
  target.text = next.text;
  if (next.blocks) target.blocks = next.blocks;
  else delete target.blocks;
  if (next.attachments) target.attachments = next.attachments;
  else delete target.attachments;
}

export function createResponseUrls(ws: Workspace, clock: Clock) {
  const entries = new Map<string, Entry>();
  const posts: ResponseUrlPost[] = [];
  return {
    posts,
    /** A new response URL path id (the part after /response/). */
    issue(context?: ResponseContext): string {
      const id = `${ws.identity.teamId}/${ws.newId("")}/${ws.newId("").toLowerCase()}`;
      entries.set(id, { createdAt: clock.now(), uses: 0, context });
      return id;
    },
    /** Handles a POST to /response/<id>: HTTP status and text, as hooks.slack.com answers. */
    post(id: string, url: string, raw: string): { status: number; body: string | Json } {
      const entry = entries.get(id);
      const at = clock.now();
      if (!entry) return { status: 404, body: "no_such_url" };
      if (at - entry.createdAt > TTL_MS) return { status: 404, body: "expired_url" };
      if (entry.uses >= USES) return { status: 404, body: "used_url" };
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return { status: 400, body: "invalid_payload" };
      }
      entry.uses += 1;
      posts.push({ url, body, at });
      if (entry.context && typeof body === "object" && body !== null) {
        applyResponse(ws, entry.context, body as Json);
      }
      return { status: 200, body: { ok: true } };
    },
  };
}
