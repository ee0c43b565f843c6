// Slack Web API calls by method and result, for the app and the worker. A WebClient binds every
// method (chat.postMessage, ...) to `apiCall` when it is constructed, so counting is a subclass that
// overrides apiCall, not a wrapper around a finished client. Each 429 Slack answers is counted as
// well (the client's rate_limited event), whether the client then retried or gave up.
// @slack/web-api itself, not Bolt's re-export of it: the worker uses this client and never loads Bolt.
import * as webApi from "@slack/web-api";
import { Counter, type Registry } from "prom-client";

export type SlackApiMetrics = ReturnType<typeof createSlackApiMetrics>;

export function createSlackApiMetrics(registry: Registry, prefix: string) {
  const registers = [registry];
  return {
    calls: new Counter({
      name: `${prefix}slack_api_calls_total`,
      help: "Slack Web API calls by method and result (ok, a Slack error code, rate_limited, http_error, request_error)",
      labelNames: ["method", "result"] as const,
      registers,
    }),
    rateLimited: new Counter({
      name: `${prefix}slack_api_rate_limited_total`,
      help: "HTTP 429 answers from the Slack Web API by method (each one, retried or not)",
      labelNames: ["method"] as const,
      registers,
    }),
  };
}

/** Slack error codes kept as their own result; any other becomes "error" (bounded label values). */
const KNOWN_ERRORS = new Set([
  "not_in_channel",
  "channel_not_found",
  "is_archived",
  "message_not_found",
  "cant_update_message",
  "thread_not_found",
  "missing_scope",
  "not_authed",
  "invalid_auth",
  "token_revoked",
  "account_inactive",
  "ratelimited",
  "invalid_blocks",
  "msg_too_long",
  "expired_trigger_id",
  "hash_conflict",
  "view_too_large",
  "file_not_found",
  "no_such_subteam",
  "restricted_action",
]);

/** The result label of a failed call. Pure. */
export function slackResultOf(error: unknown): string {
  const e = error as { code?: unknown; data?: { error?: unknown } } | null;
  switch (e?.code) {
    case "slack_webapi_platform_error": {
      const code = typeof e.data?.error === "string" ? e.data.error : "error";
      return KNOWN_ERRORS.has(code) ? code : "error";
    }
    case "slack_webapi_rate_limited_error":
      return "rate_limited";
    case "slack_webapi_http_error":
      return "http_error";
    case "slack_webapi_request_error":
      return "request_error";
    default:
      return "exception";
  }
}

/** The Web API method of a request URL ("https://slack.com/api/chat.update" -> "chat.update"). */
export function slackMethodOf(url: string, apiUrl: string): string {
  if (!url.startsWith(apiUrl)) return "file_upload";
  const method = url.slice(apiUrl.length).split(/[/?]/)[0] ?? "";
  return /^[a-z][a-zA-Z.]{1,60}$/.test(method) ? method : "unknown";
}

/** A WebClient that counts its calls on `metrics`. Options as for WebClient. */
export class CountedWebClient extends webApi.WebClient {
  readonly #metrics: SlackApiMetrics;

  constructor(token: string | undefined, options: webApi.WebClientOptions, metrics: SlackApiMetrics) {
    super(token, options);
    this.#metrics = metrics;
    this.on(webApi.WebClientEvent.RATE_LIMITED, (_retrySec: number, request: { url?: string }) => {
      metrics.rateLimited.inc({ method: slackMethodOf(request?.url ?? "", this.slackApiUrl) });
    });
  }

  override async apiCall(
    method: string,
    options?: Record<string, unknown>,
  ): Promise<webApi.WebAPICallResult> {
    // files.uploadV2 is several calls (each counted), not an API method of its own.
    if (method === "files.uploadV2") return await super.apiCall(method, options);
    try {
      const result = await super.apiCall(method, options);
      this.#metrics.calls.inc({ method, result: "ok" });
      return result;
    } catch (error) {
      this.#metrics.calls.inc({ method, result: slackResultOf(error) });
      throw error;
    }
  }
}
