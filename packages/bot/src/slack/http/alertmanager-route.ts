// POST /alertmanager: Alertmanager's webhook (version 4). Bearer token (ALERTMANAGER_TOKEN,
// compared in constant time) before the body is read; bodies over 1 MiB are refused without being
// read in full; malformed payloads get 400 with the problems listed; Redis down gets 503, which
// makes Alertmanager retry. The 200 comes once the alerts and the Slack jobs are in Redis: Slack
// itself is never waited for (packages/bot/src/slack/outbox).
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AlertmanagerWebhook } from "../../intake/alertmanager.ts";
import { RedisUnavailableError } from "../../redis.ts";
import { handleNotification, type NotificationDeps } from "../alerts/handle-notification.ts";
import { BodyTooLargeError, readLimitedBody } from "./body.ts";
import { sendJson } from "./respond.ts";

export const ALERTMANAGER_BODY_LIMIT = 1024 * 1024;

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Constant-time check of "Authorization: Bearer <token>". */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = header?.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : "";
  // Hashing first makes both sides the same length, so the compare leaks nothing, not even length.
  return timingSafeEqual(digest(presented), digest(token)) && presented.length > 0;
}

export function alertmanagerRoute(deps: NotificationDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      deps.metrics.alertNotifications.inc({ status: String(status) });
      sendJson(res, status, body, headers);
    };
    if (!bearerMatches(req.headers.authorization, deps.config.alertmanagerToken)) {
      return reply(
        401,
        {
          error:
            "missing or wrong bearer token: set http_config.authorization.credentials to ALERTMANAGER_TOKEN",
        },
        { "www-authenticate": "Bearer", connection: "close" },
      );
    }
    let raw: Buffer;
    try {
      raw = await readLimitedBody(req, ALERTMANAGER_BODY_LIMIT);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      res.once("finish", () => req.destroy());
      return reply(413, { error: error.message }, { connection: "close" });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch {
      return reply(400, { error: "the body is not JSON" });
    }
    const parsed = AlertmanagerWebhook.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
      return reply(400, {
        error: "not an Alertmanager webhook (version 4) payload",
        problems: problems.slice(0, 20),
      });
    }
    // Past the per-notification cap the rest is counted, not handled, as Alertmanager's own
    // max_alerts does (set it to the same number in the receiver so it says so in truncatedAlerts).
    const cap = deps.config.limits.alertsPerNotificationMax;
    const alerts = parsed.data.alerts;
    const truncated = Math.max(0, alerts.length - cap);
    if (truncated > 0) {
      deps.metrics.alertGuards.inc({ guard: "truncated" }, truncated);
      deps.logger.warn({ alerts: alerts.length, cap, truncated }, "notification truncated");
    }
    try {
      const result = await handleNotification(deps, {
        alerts: truncated > 0 ? alerts.slice(0, cap) : alerts,
      });
      reply(200, {
        ok: true,
        ...result,
        ...(truncated > 0
          ? {
              truncatedAlerts: truncated,
              note: `${truncated} of ${alerts.length} alerts were not handled: at most ${cap} per notification (ALERTS_PER_NOTIFICATION_MAX). Set max_alerts in the webhook_config to ${cap} or less.`,
            }
          : {}),
      });
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      reply(503, { error: "Redis is unavailable; Alertmanager will retry" }, { "retry-after": "5" });
    }
  };
}
