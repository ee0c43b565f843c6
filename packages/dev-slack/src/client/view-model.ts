// What the page shows, derived from GET /ui/state: a channel's timeline (messages and the acting
// user's ephemerals by time), a thread, the message and element behind a click, and the names
// and files the renderers look up. Pure.
import { isObj } from "./blocks.ts";
import type { MessageContext } from "./message.ts";
import type { EphemeralMessage, SlackMessage, UiState } from "./types.ts";

export type TimelineEntry = { message: SlackMessage; ephemeral: boolean };

const byTs = (a: TimelineEntry, b: TimelineEntry) => Number(a.message.ts) - Number(b.message.ts);

/** Top-level messages of a channel with the user's ephemerals outside threads, oldest first. */
export function channelTimeline(state: UiState, channel: string): TimelineEntry[] {
  const roots = (state.messages[channel] ?? []).map((message) => ({ message, ephemeral: false }));
  const mine = state.ephemerals
    .filter((e) => e.channel === channel && e.message.thread_ts === undefined)
    .map((e) => ({ message: e.message, ephemeral: true }));
  return [...roots, ...mine].sort(byTs);
}

/** A thread: its root, then replies and the user's ephemerals in it, oldest first. */
export function threadTimeline(state: UiState, channel: string, rootTs: string): TimelineEntry[] {
  const root = (state.messages[channel] ?? []).find((m) => m.ts === rootTs);
  const replies = (state.replies[channel]?.[rootTs] ?? []).map((message) => ({ message, ephemeral: false }));
  const mine = state.ephemerals
    .filter((e) => e.channel === channel && e.message.thread_ts === rootTs)
    .map((e) => ({ message: e.message, ephemeral: true }));
  return [...(root ? [{ message: root, ephemeral: false }] : []), ...[...replies, ...mine].sort(byTs)];
}

/** The message a click came from: a root, a reply or one of the user's ephemerals. */
export function findMessage(
  state: UiState,
  channel: string,
  ts: string,
  ephemeral: boolean,
): SlackMessage | undefined {
  if (ephemeral)
    return state.ephemerals.find((e: EphemeralMessage) => e.channel === channel && e.ts === ts)?.message;
  const root = (state.messages[channel] ?? []).find((m) => m.ts === ts);
  if (root) return root;
  for (const replies of Object.values(state.replies[channel] ?? {})) {
    const reply = replies.find((m) => m.ts === ts);
    if (reply) return reply;
  }
  return undefined;
}

/** The interactive element at a block index and "accessory" or an element index. */
export function elementAt(
  message: { blocks?: unknown[] },
  block: number,
  element: string,
): Record<string, unknown> | undefined {
  const b = message.blocks?.[block];
  if (!isObj(b)) return undefined;
  const found =
    element === "accessory" ? b.accessory : Array.isArray(b.elements) ? b.elements[Number(element)] : null;
  return isObj(found) ? found : undefined;
}

/** Channels in the configured order, then any other channel the bot posted in. */
export function channelList(state: UiState): { id: string; name: string }[] {
  const known = new Set(state.channels.map((c) => c.id));
  const extra = Object.keys(state.messages)
    .filter((id) => !known.has(id))
    .sort()
    .map((id) => ({ id, name: id }));
  return [...state.channels, ...extra];
}

/** The renderers' lookups for this state; `time` formats a message ts. */
export function messageContext(state: UiState, time: (ts: string) => string): MessageContext {
  const users = new Map(state.users.map((u) => [u.id, u.name]));
  const channels = new Map(channelList(state).map((c) => [c.id, c.name]));
  return {
    botUserId: state.bot.userId,
    botName: state.bot.name,
    userName: (id) => (id === state.bot.userId ? state.bot.name : users.get(id)),
    channelName: (id) => channels.get(id),
    fileUrl: (id) => state.files[id]?.url,
    file: (id) => state.files[id],
    time,
  };
}
