// The figure an alert fired with, for the incident timeline ("fired at 86.4% of the limit").
// Alertmanager sends no value field: rules put it in annotations, either a `value` annotation
// ({{ $value }}, a ratio like 0.864 for RdevAPIHighMemory's expression) or a description such as
// "rdev-api pod x uses 86.4% of its memory limit". The summary is not read: it holds the threshold
// ("exceeds 80% of limit"), not the value. Pure.
import type { Alert } from "./alertmanager.ts";

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Memory in percent of the limit the alert reports, or null when it carries no figure. */
export function alertPercent(alert: Pick<Alert, "annotations">): number | null {
  const raw = alert.annotations.value?.trim();
  if (raw && /^\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw)) {
    const n = Number(raw);
    // {{ $value }} of a ratio expression (0.864) or of a percentage expression (86.4).
    if (Number.isFinite(n)) return round1(n <= 2 ? n * 100 : n);
  }
  const match = /(\d{1,3}(?:\.\d+)?)\s*%/.exec(alert.annotations.description ?? "");
  return match?.[1] ? round1(Number(match[1])) : null;
}
