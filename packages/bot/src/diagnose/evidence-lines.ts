// The log and Traefik evidence as short lines, shared by the terminal text and the Slack thread
// (which escapes them): a line or two per pod, not a dump. Pure.
import { formatBytes, formatCount, formatDuration } from "./format.ts";
import { describeCommand } from "./log-evidence.ts";
import type { Diagnosis, PodLogReport } from "./types.ts";

function podLine(p: PodLogReport): string | null {
  if (p.error) return `${p.pod}: log not read (${p.error})`;
  if (!p.window) return null;
  const parts: string[] = [];
  const s = p.sse;
  if (s) {
    const stuck =
      s.stuck > 0
        ? `, ${formatCount(s.stuck)} stuck from ${s.stuckClients
            .slice(0, 3)
            .map((c) => c.client)
            .join(", ")}${s.stuckClients[0]?.userAgent ? ` (${s.stuckClients[0].userAgent})` : ""}`
        : "";
    const oldest = s.oldestOpenAgeMs !== null ? `, oldest ${formatDuration(s.oldestOpenAgeMs)}` : "";
    const trend = s.stats
      ? `; stats active ${formatCount(s.stats.first)} → ${formatCount(s.stats.last)}`
      : "";
    parts.push(
      `SSE ${formatCount(s.opened)} opened, ${formatCount(s.closed)} closed, ${formatCount(s.open)} open${oldest}${stuck}${trend}`,
    );
  }
  const c = p.commands;
  if (c) {
    const runaway =
      c.runaway.length > 0 ? `; runaway: ${c.runaway.slice(0, 2).map(describeCommand).join("; ")}` : "";
    parts.push(
      `commands ${formatCount(c.started)} started, ${formatCount(c.finished)} finished, ${formatCount(c.running)} running${runaway}`,
    );
  }
  const w = p.window;
  const span = w.fromAt && w.toAt ? formatDuration(Date.parse(w.toAt) - Date.parse(w.fromAt)) : "?";
  const scope = w.fromStart ? `since start (${span})` : `last ${span}${w.cutBy ? `, cut by ${w.cutBy}` : ""}`;
  return `${p.pod} [${scope}, ${formatCount(w.lines)} lines, ${formatBytes(w.bytes)}]: ${parts.join("; ") || "no SSE or command lines"}`;
}

export function logSummaryLines(d: Diagnosis): string[] {
  return (d.logs?.pods ?? []).map(podLine).filter((l): l is string => l !== null);
}

export function previousContainers(d: Diagnosis): { pod: string; title: string; lines: string[] }[] {
  return (d.logs?.pods ?? []).flatMap((p) => {
    const prev = p.previous;
    if (!prev) return [];
    const when = prev.finishedAt ? ` at ${prev.finishedAt.replace("T", " ").replace(/\.\d+Z$/, " UTC")}` : "";
    return [
      {
        pod: p.pod,
        title: `Last lines of ${p.pod}'s container before it was ${prev.reason}${when}`,
        lines: prev.error ? [`(not read: ${prev.error})`] : prev.lastLines,
      },
    ];
  });
}

export function traefikLines(d: Diagnosis): { verdict: string; timeouts: string[]; fixes: string[] } | null {
  const t = d.traefik;
  if (!t) return null;
  const sse = t.routes.filter((r) => r.carriesSse);
  const shown = sse.length > 0 ? sse : t.routes;
  const timeouts = shown.slice(0, 2).map((r) => {
    const via = r.transport
      ? `ServersTransport ${r.transport.name}${r.transport.found ? "" : " (not found)"}`
      : "default transport";
    const values = r.timeouts
      .map((x) => `${x.field} ${x.value}${x.source === "default" ? " (default)" : ""}`)
      .join(", ");
    return `${r.kind} ${r.name} [${r.entryPoints.join(",") || "all entry points"}] ${r.rule} → ${via}${values ? `: ${values}` : ""}`;
  });
  return { verdict: t.verdict, timeouts, fixes: t.fixes.map((f) => `${f.object}: ${f.field} → ${f.value}`) };
}
