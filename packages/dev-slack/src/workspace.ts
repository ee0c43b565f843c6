// In-memory state of the fake Slack workspace: channels with their messages and threads, views,
// trigger ids, files and user groups. The HTTP layer (web-api.ts) and the Web API methods
// (methods.ts) operate on it. Time comes from an injected clock ("fake time").
import type { Clock } from "@rdev/bot/clock.ts";

export type SlackMessage = {
  type: "message";
  ts: string;
  user: string;
  text: string;
  team: string;
  bot_id?: string;
  app_id?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  thread_ts?: string;
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  edited?: { user: string; ts: string };
  subtype?: string;
  files?: { id: string; name: string; title: string }[];
};

export type EphemeralMessage = { channel: string; user: string; ts: string; message: SlackMessage };

export type StoredView = Record<string, unknown> & { id: string; hash: string; type: string };

export type StoredFile = {
  id: string;
  name: string;
  title: string;
  length: number;
  bytes: Buffer | null;
  completed: boolean;
};

type Channel = {
  roots: SlackMessage[];
  /** root ts -> replies in order (also orphan replies to a thread_ts that never existed). */
  replies: Map<string, SlackMessage[]>;
  byTs: Map<string, SlackMessage>;
  last: { sec: number; micro: number };
};

export type WorkspaceIdentity = {
  teamId: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
};

/** A member of the workspace, as users.info describes one (the fields the fake keeps). */
export type WorkspaceUser = {
  id: string;
  /** The account name (users.info `name`, the old @handle). */
  name: string;
  realName: string;
  /** Often empty in real workspaces: clients then show the real name. */
  displayName: string;
  isBot?: boolean;
  deleted?: boolean;
};

export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    /** More fields of the error response (missing_scope's needed and provided). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

export class Workspace {
  readonly channels = new Map<string, Channel>();
  readonly ephemerals: EphemeralMessage[] = [];
  readonly views = new Map<string, StoredView>();
  readonly homeViews = new Map<string, string>();
  readonly triggers = new Map<string, { issuedAt: number; exchanged: boolean }>();
  readonly files = new Map<string, StoredFile>();
  readonly userGroups = new Map<string, string[]>();
  readonly users = new Map<string, WorkspaceUser>();
  /** The bot's scopes, when the fake checks them (null: every scope is granted). */
  scopes: ReadonlySet<string> | null = null;
  /** Members of channels, for conversations.members; a channel not listed is "channel_not_found". */
  readonly channelMembers = new Map<string, string[]>();
  #counter = 0;

  constructor(
    readonly identity: WorkspaceIdentity,
    readonly clock: Clock,
  ) {}

  /** A Slack-style id: prefix + 10 upper-case alphanumerics, unique in this workspace. */
  newId(prefix: string): string {
    this.#counter += 1;
    return `${prefix}${this.#counter.toString(36).toUpperCase().padStart(10, "0")}`;
  }

  channel(id: string): Channel {
    let channel = this.channels.get(id);
    if (!channel) {
      channel = { roots: [], replies: new Map(), byTs: new Map(), last: { sec: 0, micro: 0 } };
      this.channels.set(id, channel);
    }
    return channel;
  }

  /** The next message ts for a channel: fake-time seconds.microseconds, strictly increasing. */
  nextTs(channelId: string): string {
    const channel = this.channel(channelId);
    const now = this.clock.now();
    let sec = Math.floor(now / 1000);
    let micro = (now % 1000) * 1000;
    if (sec < channel.last.sec || (sec === channel.last.sec && micro <= channel.last.micro)) {
      sec = channel.last.sec;
      micro = channel.last.micro + 100;
      if (micro >= 1_000_000) {
        sec += 1;
        micro -= 1_000_000;
      }
    }
    channel.last = { sec, micro };
    return `${sec}.${String(micro).padStart(6, "0")}`;
  }

  /** Stores a message as a root or, with thread_ts, as a reply; returns it. */
  addMessage(channelId: string, message: Omit<SlackMessage, "ts" | "type" | "team">): SlackMessage {
    const channel = this.channel(channelId);
    const stored: SlackMessage = {
      type: "message",
      ...message,
      team: this.identity.teamId,
      ts: this.nextTs(channelId),
    };
    if (stored.thread_ts === undefined) {
      channel.roots.push(stored);
    } else {
      // A reply to a reply lands in the parent's thread.
      const parent = channel.byTs.get(stored.thread_ts);
      const rootTs = parent?.thread_ts ?? stored.thread_ts;
      stored.thread_ts = rootTs;
      const replies = channel.replies.get(rootTs) ?? [];
      replies.push(stored);
      channel.replies.set(rootTs, replies);
      const root = channel.byTs.get(rootTs);
      if (root) {
        root.thread_ts = rootTs;
        root.reply_count = replies.length;
        root.latest_reply = stored.ts;
        root.reply_users = [...new Set([...(root.reply_users ?? []), stored.user])];
      }
    }
    channel.byTs.set(stored.ts, stored);
    return stored;
  }

  /**
   * Deletes a message (delete_original). A thread root with replies stays as Slack's tombstone
   * ("This message was deleted."), so the thread remains readable.
   */
  deleteMessage(channelId: string, ts: string): boolean {
    const channel = this.channels.get(channelId);
    const message = channel?.byTs.get(ts);
    if (!channel || !message) return false;
    if (message.thread_ts === undefined || message.thread_ts === message.ts) {
      if ((message.reply_count ?? 0) > 0) {
        message.text = "This message was deleted.";
        message.subtype = "tombstone";
        delete message.blocks;
        delete message.attachments;
        delete message.files;
        return true;
      }
      channel.roots.splice(channel.roots.indexOf(message), 1);
    } else {
      const replies = channel.replies.get(message.thread_ts) ?? [];
      replies.splice(replies.indexOf(message), 1);
      const root = channel.byTs.get(message.thread_ts);
      if (root) {
        root.reply_count = replies.length;
        root.latest_reply = replies.at(-1)?.ts ?? root.ts;
      }
    }
    channel.byTs.delete(ts);
    return true;
  }

  findMessage(channelId: string, ts: string): SlackMessage | undefined {
    return this.channels.get(channelId)?.byTs.get(ts);
  }

  rootMessages(channelId: string): SlackMessage[] {
    return [...(this.channels.get(channelId)?.roots ?? [])];
  }

  /** The thread root followed by its replies, oldest first; [] if the root is unknown. */
  thread(channelId: string, ts: string): SlackMessage[] {
    const channel = this.channels.get(channelId);
    const root = channel?.byTs.get(ts);
    if (!channel || !root) return [];
    const rootTs = root.thread_ts ?? root.ts;
    const first = channel.byTs.get(rootTs) ?? root;
    return [first, ...(channel.replies.get(rootTs) ?? [])];
  }

  /** Replies to a thread_ts that has no root message (Slack accepts and hides them). */
  orphanReplies(channelId: string, threadTs: string): SlackMessage[] {
    const channel = this.channels.get(channelId);
    if (!channel || channel.byTs.has(threadTs)) return [];
    return [...(channel.replies.get(threadTs) ?? [])];
  }

  issueTrigger(): string {
    const now = this.clock.now();
    const id = `${Math.floor(now / 1000)}.${this.#counter + 1}.${this.newId("").toLowerCase()}`;
    this.triggers.set(id, { issuedAt: now, exchanged: false });
    return id;
  }

  /** Exchanges a trigger id for a modal, as views.open does: once, within 3 s of the interaction. */
  exchangeTrigger(triggerId: string): void {
    if (!/^\d+\.\d+\.[a-z0-9]+$/.test(triggerId)) throw new SlackApiError("invalid_trigger_id");
    const trigger = this.triggers.get(triggerId);
    if (!trigger || this.clock.now() - trigger.issuedAt >= 3000)
      throw new SlackApiError("expired_trigger_id");
    if (trigger.exchanged) throw new SlackApiError("exchanged_trigger_id");
    trigger.exchanged = true;
  }
}
