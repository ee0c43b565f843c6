// The Diagnosis as plain text for a terminal (the CLI). Pure; control characters from the cluster
// (event messages, error texts) are stripped so nothing can drive the terminal.

import { logSummaryLines, previousContainers, traefikLines } from "./evidence-lines.ts";
import { changeSentence, forecastSentence } from "./foresight/describe.ts";
import {
  formatAgo,
  formatBytes,
  formatCount,
  formatDuration,
  formatPercent,
  formatPoints,
} from "./format.ts";
import type { Action, Diagnosis, PodRow, Trend } from "./types.ts";
import { clocksDiffer } from "./when.ts";

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const clean = (s: string) => s.replace(CONTROL, "");

export function formatTrend(t: Trend | null): string {
  if (!t) return "";
  const change =
    t.deltaPercentPoints !== null ? formatPoints(t.deltaPercentPoints) : formatBytes(t.deltaBytes);
  return `${t.direction} (${change} in ${formatDuration(t.sinceMs)})`;
}

/** "4,812" or "-" when not probed, "?" when the metric is missing. */
function metricCell(row: PodRow, key: "sse" | "commands" | "goroutines" | "heapInuse"): string {
  const m = row.probe?.metrics;
  if (!m) return "-";
  return key === "heapInuse" ? formatBytes(m[key]) : formatCount(m[key]);
}

export function podStatusText(row: PodRow): string {
  if (row.notProbedReason) return `not probed: ${row.notProbedReason}`;
  const p = row.probe;
  if (!p) return "";
  if (p.metricsError) return `unavailable: ${p.metricsError}`;
  if (p.readyError) return `/ready unavailable: ${p.readyError}`;
  return p.readyStatus === 200 ? "/ready 200" : `/ready ${p.readyStatus}`;
}

export function lastTerminationText(row: PodRow, nowMs: number): string {
  const t = row.lastTermination;
  return t ? `${t.reason} (${t.exitCode}) ${formatAgo(t.finishedAt, nowMs)}` : "-";
}

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

export function memoryCell(row: PodRow): string {
  const m = row.memory;
  if (m.workingSetBytes === null) return "unknown";
  return `${formatBytes(m.workingSetBytes)}/${m.limitBytes === null ? "no limit" : formatBytes(m.limitBytes)}`;
}

function podTable(d: Diagnosis, nowMs: number): string[] {
  const headers = [
    "POD",
    "MEMORY",
    "%LIMIT",
    "SEVERITY",
    "TREND",
    "RESTARTS",
    "LAST TERMINATION",
    "READY",
    "AGE",
  ];
  headers.push("NODE", "SSE", "CMDS", "GOROUTINES", "HEAP", "STATUS");
  const rows = d.pods.map((r) => [
    r.name,
    memoryCell(r),
    formatPercent(r.memory.percentOfLimit),
    r.severity,
    r.trend ? r.trend.direction : "-",
    String(r.restarts),
    lastTerminationText(r, nowMs),
    r.ready ? "yes" : "no",
    formatDuration(r.ageMs),
    r.node ?? "-",
    metricCell(r, "sse"),
    metricCell(r, "commands"),
    metricCell(r, "goroutines"),
    metricCell(r, "heapInuse"),
    podStatusText(r),
  ]);
  return table(
    headers,
    rows.map((r) => r.map(clean)),
  );
}

function actionLines(a: Action, i: number): string[] {
  const lines = [`  ${i + 1}. ${a.title}${a.destructive ? "  [needs approval: restarts pods]" : ""}`];
  lines.push(`     why: ${a.reason}`);
  if (a.kind === "advice") {
    for (const e of a.params.evidence ?? []) lines.push(`     read: ${e}`);
    for (const step of a.params.steps) lines.push(`     - ${step}`);
    for (const m of a.params.manifests ?? []) {
      lines.push(`     apply: ${m.title}`);
      for (const y of m.yaml.split("\n")) lines.push(`       ${y}`);
    }
    const ref = a.params.evidence ? " (reference: what the bot read above)" : "";
    for (const c of a.params.commands) lines.push(`     $ ${c}${ref}`);
  }
  if (a.kubectl) lines.push(`     $ ${a.kubectl}`);
  return lines;
}

/** TIME TO OOM and WHAT CHANGED (empty for a diagnosis without foresight). */
function foresightLines(d: Diagnosis): string[] {
  const fs = d.foresight;
  if (!fs || fs.pods.length === 0) return [];
  const clusterClock = clocksDiffer(Date.parse(d.takenAt), Date.parse(d.gatheredAt));
  const first = fs.pods[0];
  if (first?.status === "unknown" && fs.pods.every((p) => p.status === "unknown"))
    return ["", `TIME TO OOM: no forecast yet (${first.reason})`];
  const out = ["", `TIME TO OOM (working set from ${fs.source}; straight-line fit, 95% range)`];
  for (const p of fs.pods) out.push(`  - ${forecastSentence(p, clusterClock)}`);
  const change = changeSentence(fs.change);
  if (change) out.push(`WHAT CHANGED: ${change}`);
  return out;
}

export function renderText(d: Diagnosis): string {
  const nowMs = Date.parse(d.gatheredAt);
  const out: string[] = [];
  const { namespace, deployment } = d.target;
  out.push(
    `${namespace}/${deployment}  ${d.error ? "ERROR" : d.severity.toUpperCase()}  (High Memory Usage runbook, ${d.gatheredAt}, ${d.durationMs} ms)`,
  );
  out.push(d.headline);
  if (d.error) {
    out.push("", `ERROR (${d.error.code}): ${d.error.message}`);
    return `${out.map(clean).join("\n")}\n`;
  }
  if (d.trend) out.push(`Trend: ${formatTrend(d.trend)}`);
  const probed = d.counts.probed < d.counts.pods ? `, probed ${d.counts.probed}` : "";
  out.push(
    "",
    `PODS (${d.counts.pods}${probed}; warning above ${d.thresholds.warningPercent}%, critical above ${d.thresholds.criticalPercent}%)`,
  );
  if (d.pods.length > 0) out.push(...podTable(d, nowMs));
  out.push(...foresightLines(d));

  const older = d.oomKillBeforeWindow;
  const before = older
    ? ` (the last one ${formatDuration(Date.parse(d.gatheredAt) - Date.parse(older.at))} ago, on ${older.pod})`
    : "";
  out.push("", `OOM KILLS (last ${formatDuration(d.oomLookbackMs)}): ${d.oomKills.length}${before}`);
  for (const k of d.oomKills) {
    const who = k.pod ?? `node ${k.node ?? "?"}`;
    out.push(
      `  - ${who}${k.container ? ` (${k.container})` : ""} ${k.reason} ${formatAgo(k.at, nowMs)}: ${k.message} [${k.source}]`,
    );
  }

  for (const p of previousContainers(d)) {
    out.push(`  ${p.title}:`);
    for (const l of p.lines.slice(-5)) out.push(`    | ${l}`);
  }

  const logs = logSummaryLines(d);
  if (d.logs) {
    const b = d.logs.bounds;
    out.push(
      "",
      `LOGS (worst pods; since ${formatDuration(b.sinceSeconds * 1000)}, tail ${formatCount(b.tailLines)} lines, at most ${formatBytes(b.limitBytes)} each; ${d.logs.requests} reads, ${formatBytes(d.logs.bytes)})`,
    );
    for (const l of logs) out.push(`  - ${l}`);
  }
  const traefik = traefikLines(d);
  if (traefik) {
    out.push("", "TRAEFIK", `  ${traefik.verdict}`);
    for (const t of traefik.timeouts) out.push(`  - ${t}`);
    for (const f of traefik.fixes) out.push(`  fix: ${f}`);
  }

  out.push("", "LIKELY CAUSES");
  d.causes.forEach((c, i) => {
    out.push(
      `  ${i + 1}. ${c.title}${c.id === "unknown" ? "" : ` (score ${c.score.toFixed(2)}, ${c.confidence} confidence)`}`,
    );
    for (const e of c.evidence) out.push(`     - ${e.text}${e.points > 0 ? ` [+${e.points}]` : ""}`);
  });

  if (d.heap) {
    out.push("");
    if (d.heap.status === "failed") out.push(`HEAP PROFILE of ${d.heap.pod}: unavailable: ${d.heap.error}`);
    else {
      const s = d.heap.summary;
      out.push(
        `HEAP PROFILE of ${d.heap.pod} (${d.heap.why}; ${formatBytes(s.totalInuseBytes)} in use, ${formatCount(s.totalInuseObjects)} objects)`,
      );
      for (const site of s.top.slice(0, 8)) {
        out.push(
          `  ${formatPercent(site.share * 100).padStart(6)}  ${formatBytes(site.inuseBytes).padStart(7)}  ${site.function}`,
        );
      }
    }
  }

  out.push("", "RECOMMENDED ACTIONS");
  if (d.actions.length === 0) {
    out.push(
      d.severity === "unknown"
        ? "  none: memory usage is unknown (see the notes)."
        : "  none: memory is within limits.",
    );
  }
  d.actions.forEach((a, i) => {
    out.push(...actionLines(a, i));
  });

  if (d.notes.length > 0) {
    out.push("", "NOTES");
    for (const n of d.notes) out.push(`  - ${n.message}`);
  }
  out.push("", `API calls: ${d.apiCalls.list} list, ${d.apiCalls.proxy} proxy, ${d.apiCalls.log ?? 0} log`);
  return `${out.map(clean).join("\n")}\n`;
}
