// What the page gets from GET /ui/state: the workspace as the acting user sees it. Types only.
import type { EphemeralMessage, SlackMessage, StoredView } from "../workspace.ts";

export type { EphemeralMessage, SlackMessage, StoredView };

export type UiUser = { id: string; name: string; title: string };
export type UiChannel = { id: string; name: string };
export type UiFile = { id: string; name: string; title: string; mimetype: string; url: string; size: number };
/** The acting user's open modal: the top view of the stack, with errors from response_action. */
export type UiModal = { view: StoredView; errors: Record<string, string>; depth: number };

export type UiState = {
  /** Bumped on every change; the page refetches when /ui/events says it moved. */
  version: number;
  team: { id: string; domain: string };
  bot: { userId: string; name: string };
  /** The acting user. */
  user: string;
  users: UiUser[];
  channels: UiChannel[];
  /** Top-level messages per channel, oldest first. */
  messages: Record<string, SlackMessage[]>;
  /** channel -> thread root ts -> replies, oldest first. */
  replies: Record<string, Record<string, SlackMessage[]>>;
  /** Ephemeral messages for the acting user. */
  ephemerals: EphemeralMessage[];
  files: Record<string, UiFile>;
  modal: UiModal | null;
  commands: string[];
  /** The app's Request URL, or null when no app is connected. */
  appUrl: string | null;
};
