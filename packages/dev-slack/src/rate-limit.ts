// Per-method rate limit windows of the fake Slack Web API (Slack answers 429 + Retry-After).
import type { Args } from "./methods.ts";

export type RateLimit = {
  /** Calls allowed per window; the next one gets 429. */
  limit: number;
  windowMs: number;
  /** Retry-After seconds; default: until the oldest call leaves the window (at least 1). */
  retryAfter?: number;
  /** Count per channel argument (chat.postMessage's 1 message/second/channel). */
  perChannel?: boolean;
};

/** A checker: seconds to wait if this call exceeds its rate limit, else null (and it is counted). */
export function createRateLimiter(limits: Record<string, RateLimit> = {}) {
  const accepted = new Map<string, number[]>();
  return (method: string, args: Args, at: number): number | null => {
    const limit = limits[method];
    if (!limit) return null;
    const bucket = limit.perChannel ? `${method}:${String(args.channel ?? args.channel_id ?? "")}` : method;
    const recent = (accepted.get(bucket) ?? []).filter((t) => t > at - limit.windowMs);
    accepted.set(bucket, recent);
    if (recent.length >= limit.limit) {
      const oldest = recent[0] ?? at;
      return limit.retryAfter ?? Math.max(1, Math.ceil((oldest + limit.windowMs - at) / 1000));
    }
    recent.push(at);
    return null;
  };
}
