// Who may read incident timelines and export postmortems: the members of the alert channel (from
// conversations.members, cached briefly), or the members of configured user groups
// (INCIDENT_READER_GROUP_IDS). When Slack cannot say, the answer is no (and says why).

import type { GroupMembership } from "../approvals/user-groups.ts";
import type { WebClient } from "../deps.ts";
import { slackErrorCode } from "../slack-errors.ts";

export type ReadAccess = { allowed: true } | { allowed: false; message: string };

export type ReaderCheck = {
  /** Whether `userId` may read incident timelines and export postmortems. */
  check(userId: string): Promise<ReadAccess>;
};

export type ReaderCheckOptions = {
  slack: WebClient;
  groups: GroupMembership;
  alertChannel: string;
  /** Empty: the alert channel's members. */
  groupIds: readonly string[];
  ttlMs?: number;
  now?: () => number;
};

/** Every member id of `channel`, through all pages (1000 per call). */
async function channelMembers(slack: WebClient, channel: string): Promise<Set<string>> {
  const members = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await slack.conversations.members({ channel, limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const m of res.members ?? []) members.add(m);
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return members;
}

export function createReaderCheck(options: ReaderCheckOptions): ReaderCheck {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  let cached: { at: number; members: Promise<Set<string>> } | null = null;
  const members = () => {
    if (cached && now() - cached.at < ttlMs) return cached.members;
    const fresh = channelMembers(options.slack, options.alertChannel);
    const entry = { at: now(), members: fresh };
    cached = entry;
    // A failed lookup is not cached: the next request asks again.
    fresh.catch(() => {
      if (cached === entry) cached = null;
    });
    return fresh;
  };
  const groupList = options.groupIds.map((g) => `<!subteam^${g}>`).join(", ");
  return {
    async check(userId) {
      if (options.groupIds.length > 0) {
        const groups = await options.groups.groupsOf(userId, options.groupIds);
        return groups.length > 0
          ? { allowed: true }
          : {
              allowed: false,
              message: `Incident timelines and postmortems are for members of ${groupList}.`,
            };
      }
      try {
        if ((await members()).has(userId)) return { allowed: true };
        return {
          allowed: false,
          message: `Incident timelines and postmortems are for members of <#${options.alertChannel}>; join it to read them.`,
        };
      } catch (error) {
        const code = slackErrorCode(error);
        if (code === null) throw error;
        return {
          allowed: false,
          message: `I could not check who is in <#${options.alertChannel}> (Slack said ${code}; the bot needs the channels:read or groups:read scope and must be in the channel), so I cannot show incidents.`,
        };
      }
    },
  };
}
