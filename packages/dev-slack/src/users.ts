// users.info as Slack answers it (https://api.slack.com/methods/users.info): the member's account
// name, real name and profile (display_name is often empty; clients then show real_name), and the
// bot scopes each method needs, so a fake workspace without users:read answers missing_scope the
// way Slack does ({ ok: false, error, needed, provided }).
import type { Args, MethodContext } from "./methods.ts";
import { SlackApiError, type Workspace, type WorkspaceUser } from "./workspace.ts";

/** The scope a bot token needs for each method the fake serves (none: any token). */
export const METHOD_SCOPES: Record<string, string[]> = {
  "chat.postMessage": ["chat:write"],
  "chat.update": ["chat:write"],
  "chat.postEphemeral": ["chat:write"],
  "conversations.history": ["channels:history", "groups:history", "im:history", "mpim:history"],
  "conversations.replies": ["channels:history", "groups:history", "im:history", "mpim:history"],
  "files.getUploadURLExternal": ["files:write"],
  "files.completeUploadExternal": ["files:write"],
  "usergroups.users.list": ["usergroups:read"],
  "users.info": ["users:read"],
};

/** Throws missing_scope when the workspace checks scopes and `method` needs one it lacks. */
export function checkScope(ws: Workspace, method: string): void {
  const needed = METHOD_SCOPES[method];
  if (!ws.scopes || !needed || needed.length === 0 || needed.some((s) => ws.scopes?.has(s))) return;
  throw new SlackApiError("missing_scope", { needed: needed.join(","), provided: [...ws.scopes].join(",") });
}

function userPayload(ws: Workspace, u: WorkspaceUser): Record<string, unknown> {
  return {
    id: u.id,
    team_id: ws.identity.teamId,
    name: u.name,
    deleted: u.deleted ?? false,
    color: "9f69e7",
    real_name: u.realName,
    tz: "Europe/London",
    tz_label: "Greenwich Mean Time",
    tz_offset: 0,
    profile: {
      title: "",
      phone: "",
      skype: "",
      real_name: u.realName,
      real_name_normalized: u.realName,
      display_name: u.displayName,
      display_name_normalized: u.displayName,
      status_text: "",
      status_emoji: "",
      avatar_hash: "g000000000000",
      team: ws.identity.teamId,
      ...(u.isBot ? { bot_id: ws.identity.botId, api_app_id: ws.identity.appId } : {}),
    },
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: u.isBot ?? false,
    is_app_user: false,
    updated: Math.floor(ws.clock.now() / 1000),
  };
}

export const USER_METHODS = {
  "users.info": (args: Args, { workspace: ws }: MethodContext) => {
    const id = typeof args.user === "string" ? args.user : "";
    if (id === "") throw new SlackApiError("invalid_arguments");
    const bot: WorkspaceUser = {
      id: ws.identity.botUserId,
      name: "rdev",
      realName: "rdev",
      displayName: "",
      isBot: true,
    };
    const user = id === bot.id ? bot : ws.users.get(id);
    if (!user) throw new SlackApiError("user_not_found");
    return { user: userPayload(ws, user) };
  },
};
