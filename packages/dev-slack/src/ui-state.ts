// GET /ui/state: the workspace as the acting user sees it (see client/types.ts). Pure.
import type { UiChannel, UiFile, UiModal, UiState, UiUser } from "./client/types.ts";
import { fileUrl, mimeTypeOf } from "./files.ts";
import type { SlackMessage, Workspace } from "./workspace.ts";

export type UiStateOptions = {
  version: number;
  user: string;
  users: UiUser[];
  channels: UiChannel[];
  commands: string[];
  botName: string;
  appUrl: string | null;
  modal: UiModal | null;
};

/** The requested acting user if it is one of the demo users, else the first of them. */
export function actingUser(users: readonly UiUser[], requested: string | null): UiUser | undefined {
  return users.find((u) => u.id === requested) ?? users[0];
}

export function uiState(ws: Workspace, o: UiStateOptions): UiState {
  const messages: Record<string, SlackMessage[]> = {};
  const replies: Record<string, Record<string, SlackMessage[]>> = {};
  for (const channel of new Set([...o.channels.map((c) => c.id), ...ws.channels.keys()])) {
    const roots = ws.rootMessages(channel);
    messages[channel] = roots;
    const threads: Record<string, SlackMessage[]> = {};
    for (const root of roots) {
      if ((root.reply_count ?? 0) > 0) threads[root.ts] = ws.thread(channel, root.ts).slice(1);
    }
    replies[channel] = threads;
  }
  const files: Record<string, UiFile> = {};
  for (const file of ws.files.values()) {
    if (file.bytes === null) continue;
    files[file.id] = {
      id: file.id,
      name: file.name,
      title: file.title,
      mimetype: mimeTypeOf(file.name),
      url: fileUrl(file.id, file.name),
      size: file.bytes.length,
    };
  }
  const user = o.user;
  return {
    version: o.version,
    team: { id: ws.identity.teamId, domain: ws.identity.teamDomain },
    bot: { userId: ws.identity.botUserId, name: o.botName },
    user,
    users: o.users,
    channels: o.channels,
    messages,
    replies,
    ephemerals: ws.ephemerals.filter((e) => e.user === user),
    files,
    modal: o.modal,
    commands: o.commands,
    appUrl: o.appUrl,
  };
}
