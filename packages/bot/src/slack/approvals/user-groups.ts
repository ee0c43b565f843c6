// Which approver user groups a user belongs to, from usergroups.users.list, cached briefly so a
// burst of clicks costs one call per group (and Slack's Tier 2 limit is never near).
import type { WebClient } from "../deps.ts";

export type GroupMembership = {
  /** The ids among `groupIds` that `userId` belongs to. */
  groupsOf(userId: string, groupIds: readonly string[]): Promise<string[]>;
};

export function createGroupMembership(
  slack: WebClient,
  options: { ttlMs?: number; now?: () => number } = {},
): GroupMembership {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; members: Promise<Set<string>> }>();

  const members = (groupId: string): Promise<Set<string>> => {
    const hit = cache.get(groupId);
    if (hit && now() - hit.at < ttlMs) return hit.members;
    const fresh = slack.usergroups.users.list({ usergroup: groupId }).then((r) => new Set(r.users ?? []));
    cache.set(groupId, { at: now(), members: fresh });
    // A failed lookup is not cached: the next click asks again.
    fresh.catch(() => cache.delete(groupId));
    return fresh;
  };

  return {
    async groupsOf(userId, groupIds) {
      const sets = await Promise.all(groupIds.map((g) => members(g)));
      return groupIds.filter((_, i) => sets[i]?.has(userId));
    },
  };
}
