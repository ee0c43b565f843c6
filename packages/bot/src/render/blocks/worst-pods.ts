// The compact message's "Worst pods" table: a few pods, worst first, as a monospace block no wider
// than a Slack thread pane shows without scrolling (THREAD_COLUMNS). Pod names that do not fit keep
// their distinguishing end (ReplicaSet hash and pod suffix), cut at a dash where one fits:
// "…85b677459b-lq6s8". When every pod shown has the same memory limit, it is said once above the
// table instead of on every row. Pure.
import { formatBytes, formatDuration, formatPercent } from "../../diagnose/format.ts";
import type { Diagnosis, PodForecast, PodRow } from "../../diagnose/types.ts";
import { codeBlock } from "./escape.ts";

/**
 * Monospace characters a thread pane shows in a code block without scrolling. Slack's thread pane
 * at its default width shows about 46-54 (12px Monaco, ~7.2px a character, in ~340-400px); the
 * local Slack page's at a 1440px window about 47. The narrow end, so it fits both.
 */
export const THREAD_COLUMNS = 46;
/** Pods in the compact table; the rest are counted, and listed in Details. */
export const WORST_PODS = 3;
/** Below this, a pod name column is not worth having: the name is cut to it anyway. */
const NAME_MIN = 10;

/**
 * `name` in at most `max` characters, keeping its end (the part that tells pods apart): the
 * longest tail that starts after a dash, fits and keeps the last two parts, else the last
 * characters that fit.
 */
export function shortPodName(name: string, max: number): string {
  if (name.length <= max) return name;
  if (max <= 1) return "…";
  // Dashes before the last one: a tail keeps at least the ReplicaSet hash and the pod suffix.
  const last = name.lastIndexOf("-");
  for (let i = name.indexOf("-"); i >= 0 && i < last; i = name.indexOf("-", i + 1)) {
    const tail = name.slice(i + 1);
    if (tail.length <= max - 1) return `…${tail}`;
  }
  return `…${name.slice(name.length - (max - 1))}`;
}

function timeToOom(f: PodForecast | undefined): string {
  if (!f) return "-";
  switch (f.status) {
    case "climbing":
      return f.etaMs < 30_000 ? "<30s" : `~${formatDuration(f.etaMs)}`;
    case "not-climbing":
      return "flat";
    case "unknown":
      return "?";
  }
}

/** The one memory limit every row shares, or null when they differ (or one is unknown). */
export function sharedLimit(rows: readonly PodRow[]): number | null {
  const limits = new Set(rows.map((r) => r.memory.limitBytes));
  const [only] = limits;
  return limits.size === 1 && only !== undefined ? only : null;
}

function memory(r: PodRow, withLimit: boolean): string {
  const m = r.memory;
  if (m.workingSetBytes === null) return "?";
  const used = formatBytes(m.workingSetBytes);
  if (!withLimit) return used;
  return `${used}/${m.limitBytes === null ? "none" : formatBytes(m.limitBytes)}`;
}

const MARK = { critical: "!!", warning: "! ", ok: "  ", unknown: "? " } as const;

/** Rows as cells (name uncut), worst first. */
function cells(d: Diagnosis, rows: readonly PodRow[], withLimit: boolean): string[][] {
  const forecast = new Map((d.foresight?.pods ?? []).map((f) => [f.pod, f]));
  return rows.map((r) => [
    r.name,
    memory(r, withLimit),
    formatPercent(r.memory.percentOfLimit),
    String(r.restarts),
    timeToOom(forecast.get(r.name)),
  ]);
}

/**
 * The table's lines (header first), each at most `columns` wide: numbers are right-aligned, the
 * name column takes what is left and names are shortened from the front.
 */
export function worstPodLines(
  d: Diagnosis,
  rows: readonly PodRow[],
  columns: number = THREAD_COLUMNS,
): string[] {
  const withLimit = sharedLimit(rows) === null;
  const headers = ["POD", withLimit ? "MEM/LIMIT" : "MEM", "%", "RST", "OOM IN"];
  const body = cells(d, rows, withLimit);
  const width = (i: number) => Math.max(headers[i]?.length ?? 0, ...body.map((r) => (r[i] ?? "").length));
  const others = [1, 2, 3, 4].map(width);
  // Mark (2) + name + a space before each other column.
  const fixed = 2 + others.reduce((a, b) => a + b + 1, 0);
  const longest = width(0);
  const nameWidth = Math.max(NAME_MIN, Math.min(longest, columns - fixed));
  const line = (mark: string, r: readonly string[]) =>
    [
      `${mark}${shortPodName(r[0] ?? "", nameWidth).padEnd(nameWidth)}`,
      (r[1] ?? "").padStart(others[0] ?? 0),
      (r[2] ?? "").padStart(others[1] ?? 0),
      (r[3] ?? "").padStart(others[2] ?? 0),
      (r[4] ?? "").padEnd(others[3] ?? 0),
    ]
      .join(" ")
      .trimEnd()
      .slice(0, columns);
  return [line("  ", headers), ...body.map((r, i) => line(MARK[rows[i]?.severity ?? "unknown"], r))];
}

/** The limit every shown pod shares ("512Mi"), for the table's title; null when they differ. */
export function worstPodsLimit(d: Diagnosis, count: number = WORST_PODS): string | null {
  const limit = sharedLimit(d.pods.slice(0, count));
  return limit === null ? null : formatBytes(limit);
}

/** mrkdwn: the worst pods' table as a code block, and how many more pods the Details list. */
export function worstPodsText(d: Diagnosis, count: number = WORST_PODS): string {
  const shown = d.pods.slice(0, count);
  const table = codeBlock(worstPodLines(d, shown).join("\n"));
  const rest = d.pods.slice(shown.length);
  if (rest.length === 0) return table;
  const by = (s: PodRow["severity"]) => rest.filter((r) => r.severity === s).length;
  const parts = (["critical", "warning", "ok", "unknown"] as const)
    .filter((s) => by(s) > 0)
    .map((s) => `${by(s)} ${s}`);
  return `${table}\n… and ${rest.length} more pod${rest.length === 1 ? "" : "s"} (${parts.join(", ")}) in Details`;
}
