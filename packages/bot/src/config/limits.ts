// The app's limits at its edges (issue 13): alert storms, big or slow requests, command floods.
// Part of the app's settings (config/app.ts); each is documented in the README's settings table.
import { z } from "zod";
import { duration, parseDuration } from "./shared.ts";

const nonNegativeInt = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const LIMITS_ENV = {
  /** Alerts handled per Alertmanager notification; the rest are counted and answered as truncated. */
  ALERTS_PER_NOTIFICATION_MAX: positive(5000),
  /** Alerts (label sets) kept per incident. */
  ALERTS_PER_INCIDENT_MAX: positive(1000),
  /** New incidents per minute that get a thread; 0 turns the cap off. */
  INCIDENTS_PER_MINUTE_MAX: nonNegativeInt(20),
  /** A key that fires again within this long after resolving reopens its incident; 0s turns it off. */
  FLAP_WINDOW: duration.default("5m"),
  /** A Slack post of the outbox that gets no answer for this long fails and is retried. */
  SLACK_POST_TIMEOUT: duration.default("20s"),
  /** /rdev commands per user per minute. */
  COMMANDS_PER_USER_PER_MINUTE: positive(10),
  /** /rdev commands per channel per minute. */
  COMMANDS_PER_CHANNEL_PER_MINUTE: positive(30),
  /** Bytes of a request to /slack/events (Slack's payloads stay well under it). */
  SLACK_EVENTS_BODY_LIMIT: positive(256 * 1024),
  /** /slack/events requests read at once before their signature is checked; more get 503. */
  SLACK_EVENTS_MAX_PENDING: positive(64),
} as const;

type LimitsEnv = { [K in keyof typeof LIMITS_ENV]: z.infer<(typeof LIMITS_ENV)[K]> };

export type Limits = {
  alertsPerNotificationMax: number;
  alertsPerIncidentMax: number;
  incidentsPerMinuteMax: number;
  flapWindowMs: number;
  slackPostTimeoutMs: number;
  commandsPerUserPerMinute: number;
  commandsPerChannelPerMinute: number;
  slackEventsBodyLimit: number;
  slackEventsMaxPending: number;
};

export function limitsFrom(e: LimitsEnv): Limits {
  return {
    alertsPerNotificationMax: e.ALERTS_PER_NOTIFICATION_MAX,
    alertsPerIncidentMax: e.ALERTS_PER_INCIDENT_MAX,
    incidentsPerMinuteMax: e.INCIDENTS_PER_MINUTE_MAX,
    flapWindowMs: parseDuration(e.FLAP_WINDOW) ?? 300_000,
    slackPostTimeoutMs: parseDuration(e.SLACK_POST_TIMEOUT) ?? 20_000,
    commandsPerUserPerMinute: e.COMMANDS_PER_USER_PER_MINUTE,
    commandsPerChannelPerMinute: e.COMMANDS_PER_CHANNEL_PER_MINUTE,
    slackEventsBodyLimit: e.SLACK_EVENTS_BODY_LIMIT,
    slackEventsMaxPending: e.SLACK_EVENTS_MAX_PENDING,
  };
}

/** Limits with their defaults, for tests and callers without an environment. */
export const DEFAULT_LIMITS: Limits = limitsFrom(z.object(LIMITS_ENV).parse({}));
