// The per-pod table as a monospace code block, worst pods first, within one section's 3,000
// characters; the pods that do not fit are summarised by severity. Pure.
import { formatBytes, formatCount, formatPercent } from "../../diagnose/format.ts";
import type { Diagnosis, PodRow } from "../../diagnose/types.ts";
import { codeBlock } from "./escape.ts";

const NAME_MAX = 40;
const STATUS_MAX = 34;

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

function status(r: PodRow): string {
  if (r.notProbedReason) return r.notProbedReason === "not sampled" ? "" : r.notProbedReason;
  const p = r.probe;
  if (!p) return "";
  if (p.metricsError) return `unavailable: ${p.metricsError}`;
  if (p.readyError) return `/ready unavailable: ${p.readyError}`;
  return p.readyStatus === 200 ? "" : `/ready ${p.readyStatus}`;
}

function memory(r: PodRow): string {
  const m = r.memory;
  if (m.workingSetBytes === null) return "unknown";
  return `${formatBytes(m.workingSetBytes)}/${m.limitBytes === null ? "none" : formatBytes(m.limitBytes)}`;
}

function cells(r: PodRow): string[] {
  const m = r.probe?.metrics;
  const mark = r.severity === "critical" ? "!!" : r.severity === "warning" ? "! " : "  ";
  return [
    `${mark}${cut(r.name, NAME_MAX)}`,
    memory(r),
    formatPercent(r.memory.percentOfLimit),
    String(r.restarts),
    r.ready ? "yes" : "no",
    m ? formatCount(m.sse) : "-",
    m ? formatCount(m.commands) : "-",
    cut(status(r), STATUS_MAX),
  ];
}

const HEADERS = ["  POD", "MEM/LIMIT", "%", "RST", "READY", "SSE", "CMDS", ""];

function render(rows: string[][]): string {
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [HEADERS, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join(" ")
        .trimEnd(),
    )
    .join("\n");
}

/** mrkdwn for one section: the table of as many pods as fit `budget`, then "… and N more pods". */
export function podTable(d: Diagnosis, budget: number): string {
  const all = d.pods.map(cells);
  const more = (n: number) => {
    const rest = d.pods.slice(d.pods.length - n);
    const by = (s: PodRow["severity"]) => rest.filter((r) => r.severity === s).length;
    const parts = (["critical", "warning", "ok", "unknown"] as const)
      .filter((s) => by(s) > 0)
      .map((s) => `${by(s)} ${s}`);
    return `\n… and ${n} more pod${n === 1 ? "" : "s"} (${parts.join(", ")})`;
  };
  // Largest prefix of rows that fits, found by halving: rows are independent lines.
  let lo = 0;
  let hi = all.length;
  const fits = (n: number) =>
    codeBlock(render(all.slice(0, n))).length + (n < all.length ? more(all.length - n).length : 0) <= budget;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  const table = codeBlock(render(all.slice(0, lo)));
  return lo < all.length ? `${table}${more(all.length - lo)}` : table;
}
