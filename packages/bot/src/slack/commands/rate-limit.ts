// Per-user and per-channel limits on /rdev commands: fixed one-minute windows counted in Redis (so
// every replica counts together), and in this process while Redis is unreachable.
import type { RedisClient } from "../../redis.ts";

export type RateVerdict =
  | { ok: true }
  | { ok: false; scope: "user" | "channel"; limit: number; retryInS: number };

export type CommandLimits = { perUser: number; perChannel: number };

/** The window's counters for a user and a channel. Pure. */
export const windowKeys = (prefix: string, userId: string, channel: string, minute: number) => ({
  user: `${prefix}:cmd-rate:u:${userId}:${minute}`,
  channel: `${prefix}:cmd-rate:c:${channel}:${minute}`,
});

export function createCommandLimiter(
  deps: { redis: RedisClient; prefix: string; now: () => number },
  limits: CommandLimits,
) {
  const local = new Map<string, number>();
  let localMinute = -1;
  const count = async (keys: { user: string; channel: string }): Promise<[number, number]> => {
    try {
      const replies = await deps.redis
        .multi()
        .incr(keys.user)
        .pexpire(keys.user, 120_000)
        .incr(keys.channel)
        .pexpire(keys.channel, 120_000)
        .exec();
      return [Number(replies?.[0]?.[1] ?? 0), Number(replies?.[2]?.[1] ?? 0)];
    } catch {
      const bump = (k: string) => {
        const n = (local.get(k) ?? 0) + 1;
        local.set(k, n);
        return n;
      };
      return [bump(keys.user), bump(keys.channel)];
    }
  };
  return async (userId: string, channel: string): Promise<RateVerdict> => {
    const at = deps.now();
    const minute = Math.floor(at / 60_000);
    if (minute !== localMinute) {
      local.clear();
      localMinute = minute;
    }
    const [user, chan] = await count(windowKeys(deps.prefix, userId, channel, minute));
    const retryInS = Math.max(1, Math.ceil(((minute + 1) * 60_000 - at) / 1000));
    if (user > limits.perUser) return { ok: false, scope: "user", limit: limits.perUser, retryInS };
    if (chan > limits.perChannel) return { ok: false, scope: "channel", limit: limits.perChannel, retryInS };
    return { ok: true };
  };
}

/** What the user is told when a limit refuses the command. Pure. */
export function limitedText(verdict: Extract<RateVerdict, { ok: false }>): string {
  const who = verdict.scope === "user" ? "you" : "this channel";
  const setting =
    verdict.scope === "user" ? "COMMANDS_PER_USER_PER_MINUTE" : "COMMANDS_PER_CHANNEL_PER_MINUTE";
  return `:hourglass: Slow down: ${who} already ran ${verdict.limit} \`/rdev\` commands this minute (${setting}). Nothing was started; try again in ${verdict.retryInS} s.`;
}
