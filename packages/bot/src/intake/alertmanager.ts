// Alertmanager's webhook payload, version "4" (webhook_config receiver). Field names and shapes
// follow Alertmanager's notify/webhook Message: template.Data plus version, groupKey and
// truncatedAlerts. Parse every request body with AlertmanagerWebhook.safeParse before use.
import { z } from "zod";

/** Go's zero time, which Alertmanager sends as endsAt for alerts without an end. */
export const GO_ZERO_TIME = "0001-01-01T00:00:00Z";

const LabelSet = z.record(z.string(), z.string());

/**
 * RFC 3339 date-time as Go marshals time.Time: date, "T", time with optional fraction (up to
 * nanoseconds), and "Z" or an offset. Date.parse alone accepts "1" (the year 2001), so the shape is
 * checked first; the date must also exist (no February 30th).
 */
export const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** True for a strict RFC 3339 timestamp (or Go's zero time). Pure. */
export function isRfc3339(text: string): boolean {
  const m = RFC3339.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  if (year === 1 && month === 1 && day === 1) return true;
  const date = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1));
  return (
    date.getUTCMonth() === (month ?? 1) - 1 &&
    date.getUTCDate() === day &&
    (hour ?? 0) < 24 &&
    (minute ?? 0) < 60 &&
    (second ?? 0) < 61 &&
    !Number.isNaN(Date.parse(text))
  );
}

/** RFC 3339 timestamp as Go marshals time.Time (nanoseconds, any offset, or the zero time). */
const Timestamp = z
  .string()
  .max(64)
  .refine(
    (s) => s === GO_ZERO_TIME || isRfc3339(s),
    "must be an RFC 3339 timestamp like 2026-01-01T10:00:00Z",
  );

export const AlertStatus = z.enum(["firing", "resolved"]);
export type AlertStatus = z.infer<typeof AlertStatus>;

export const Alert = z.object({
  status: AlertStatus,
  labels: LabelSet,
  annotations: LabelSet.default({}),
  startsAt: Timestamp,
  endsAt: Timestamp,
  generatorURL: z.string().default(""),
  /** Per label set, so one per pod for a per-pod alert: never use it to group an incident. */
  fingerprint: z.string().min(1),
});
export type Alert = z.infer<typeof Alert>;

export const AlertmanagerWebhook = z.object({
  version: z.literal("4", { error: 'unsupported webhook version: Alertmanager sends version "4"' }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  receiver: z.string(),
  status: AlertStatus,
  alerts: z.array(Alert),
  groupLabels: LabelSet.default({}),
  commonLabels: LabelSet.default({}),
  commonAnnotations: LabelSet.default({}),
  externalURL: z.string().default(""),
});
export type AlertmanagerWebhook = z.infer<typeof AlertmanagerWebhook>;

/** Milliseconds since the epoch, or null for Go's zero time (no end yet). */
export function alertTime(timestamp: string): number | null {
  if (timestamp === GO_ZERO_TIME || timestamp.startsWith("0001-01-01")) return null;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Parses a webhook body, with an error that lists every problem and what to check.
 * Use safeParse directly when the caller wants to answer 400 itself.
 */
export function parseAlertmanagerWebhook(body: unknown): AlertmanagerWebhook {
  const parsed = AlertmanagerWebhook.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
  throw new AlertmanagerPayloadError(problems);
}

export class AlertmanagerPayloadError extends Error {
  override readonly name = "AlertmanagerPayloadError";
  readonly code = "bad_alertmanager_payload";
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      `Not an Alertmanager webhook (version 4) payload: ${problems.join("; ")}. Point a webhook_config receiver (not a Slack or Grafana receiver) at this endpoint.`,
    );
    this.problems = problems;
  }
}
