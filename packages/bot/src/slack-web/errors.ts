// Reading Slack Web API failures: the platform error code ("not_in_channel") and, for 429s, how
// long Slack asked us to wait. Pure; shared by the app and the worker (packages/bot/src/slack-web/ holds the
// Slack Web API pieces that need no Bolt).

/** The `error` field of a Slack platform error (ok: false), else null. */
export function slackErrorCode(error: unknown): string | null {
  const data = (error as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === "string" ? data.error : null;
}

/** Retry-After in seconds when the call was rate limited (WebClient with rejectRateLimitedCalls). */
export function rateLimitedFor(error: unknown): number | null {
  const e = error as { code?: unknown; retryAfter?: unknown } | null;
  if (e?.code !== "slack_webapi_rate_limited_error") return null;
  return typeof e.retryAfter === "number" && e.retryAfter > 0 ? e.retryAfter : 1;
}

/** Errors meaning the bot cannot post in this conversation (so use the response_url instead). */
export const CANNOT_POST = new Set([
  "not_in_channel",
  "channel_not_found",
  "is_archived",
  "restricted_action",
]);
