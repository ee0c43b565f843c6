// People's names for files (the postmortem draft), where a <@U…> mention would stay a raw id:
// users.info (needs the users:read scope), the profile's display name, else its real name, else the
// account name. Cached (people rarely rename themselves mid-incident); a failed lookup is not cached
// for long, and says why, so the draft can show the id with a note instead of failing.
import type * as webApi from "@slack/web-api";
import { z } from "zod";
import { slackErrorCode } from "./errors.ts";

/** A Slack user id (U… or, in Enterprise Grid, W…). */
export const USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** The fields of users.info's `user` we read (Slack documents many more). */
const UsersInfoUser = z.object({
  id: z.string(),
  name: z.string().optional(),
  real_name: z.string().optional(),
  profile: z.object({ display_name: z.string().optional(), real_name: z.string().optional() }).optional(),
});

export type UserName = { id: string; name: string } | { id: string; name: null; problem: string };

export type UserNames = {
  /** Each id's name, or why there is none (e.g. "missing_scope"); ids that are not user ids are skipped. */
  lookup(ids: Iterable<string>): Promise<Map<string, UserName>>;
};

/** The name people see in Slack: display name, else real name, else the account name. Pure. */
export function displayName(user: z.infer<typeof UsersInfoUser>): string | null {
  const candidates = [user.profile?.display_name, user.profile?.real_name, user.real_name, user.name];
  return candidates.map((c) => c?.trim() ?? "").find((c) => c !== "") ?? null;
}

export function createUserNames(
  slack: Pick<webApi.WebClient, "users">,
  options: { now: () => number; ttlMs?: number; failureTtlMs?: number },
): UserNames {
  const ttlMs = options.ttlMs ?? 3_600_000;
  const failureTtlMs = options.failureTtlMs ?? 60_000;
  const cache = new Map<string, { value: UserName; until: number }>();

  async function fetchName(id: string): Promise<UserName> {
    try {
      const reply = await slack.users.info({ user: id });
      const parsed = UsersInfoUser.safeParse(reply.user);
      const name = parsed.success ? displayName(parsed.data) : null;
      return name ? { id, name } : { id, name: null, problem: "no_name" };
    } catch (error) {
      // A name is a nicety: an unreachable Slack leaves the id, it does not fail the caller.
      return { id, name: null, problem: slackErrorCode(error) ?? "request_failed" };
    }
  }

  async function one(id: string): Promise<UserName> {
    const now = options.now();
    const hit = cache.get(id);
    if (hit && hit.until > now) return hit.value;
    const value = await fetchName(id);
    cache.set(id, { value, until: now + (value.name === null ? failureTtlMs : ttlMs) });
    return value;
  }

  return {
    async lookup(ids) {
      const wanted = [...new Set(ids)].filter((id) => USER_ID.test(id));
      const names = await Promise.all(wanted.map(one));
      return new Map(names.map((n) => [n.id, n]));
    },
  };
}
