// The runbook's log greps as evidence, for one container's log: SSE connections opened and not
// closed (their ages and the clients that never close), the stats lines' trend, and commands by
// output lines with the runaway ones named. Pure: the same text and time give the same summary.
import type { LogPatterns } from "../../runbooks/high-memory/logs.ts";
import { median } from "../stats.ts";
import { hostOf, type LogEntry, parseLogLine } from "./parse-line.ts";
import type { CommandLogEntry, CommandLogSummary, PodLogWindow, SseLogSummary } from "./types.ts";

export type ParsedLog = { entries: LogEntry[]; window: PodLogWindow };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Splits and parses a pods/log body; a last line without "\n" was cut by limitBytes and is dropped. */
export function parseLog(
  text: string,
  bytes: number,
  bounds: { tailLines: number; limitBytes: number },
  startMsg: string | null,
): ParsedLog {
  const cut = bytes >= bounds.limitBytes && !text.endsWith("\n");
  const raw = text.split("\n");
  raw.pop(); // after the last "\n": empty, or the partial line limitBytes cut
  const entries = raw.filter((l) => l.length > 0).map(parseLogLine);
  const times = entries.map((e) => e.timeMs).filter((t): t is number => t !== null);
  const first = entries[0];
  return {
    entries,
    window: {
      fromAt: iso(times[0] ?? null),
      toAt: iso(times.at(-1) ?? null),
      lines: entries.length,
      bytes,
      fromStart: startMsg !== null && first?.msg === startMsg,
      cutBy:
        cut || bytes >= bounds.limitBytes
          ? "limitBytes"
          : entries.length >= bounds.tailLines
            ? "tailLines"
            : null,
    },
  };
}

const num = (v: string | undefined): number | null => {
  if (v === undefined || v === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

function mostCommon(values: Iterable<string>): string | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  for (const [v, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = v;
  return best;
}

export function summariseSse(entries: LogEntry[], p: LogPatterns, nowMs: number): SseLogSummary | null {
  const s = p.sse;
  const open = new Map<string, LogEntry>();
  let opened = 0;
  let closed = 0;
  let longestClosedMs: number | null = null;
  const perClient = new Map<string, { opened: number; closed: number; ua: string | null }>();
  const stats: { t: number; active: number }[] = [];
  for (const e of entries) {
    if (e.msg === s.opened) {
      opened += 1;
      const id = e.attrs.get(s.id);
      if (id) open.set(id, e);
      const client = hostOf(e.attrs.get(s.client) ?? "?");
      const c = perClient.get(client) ?? { opened: 0, closed: 0, ua: e.attrs.get(s.userAgent) ?? null };
      c.opened += 1;
      perClient.set(client, c);
    } else if (e.msg === s.closed) {
      closed += 1;
      const id = e.attrs.get(s.id);
      const o = id ? open.get(id) : undefined;
      if (id) open.delete(id);
      const client = hostOf(e.attrs.get(s.client) ?? "?");
      const c = perClient.get(client);
      if (c) c.closed += 1;
      if (o?.timeMs != null && e.timeMs !== null) {
        longestClosedMs = Math.max(longestClosedMs ?? 0, e.timeMs - o.timeMs);
      }
    } else if (e.msg === s.stats) {
      const active = num(e.attrs.get(s.active));
      if (active !== null && e.timeMs !== null) stats.push({ t: e.timeMs, active });
    }
  }
  if (opened === 0 && closed === 0 && stats.length === 0) return null;
  const ages = [...open.values()]
    .map((e) => (e.timeMs === null ? null : Math.max(0, nowMs - e.timeMs)))
    .filter((a): a is number => a !== null);
  const stuckSet = new Set(
    [...perClient]
      .filter(([, c]) => c.closed === 0 && c.opened >= p.stuckClientMinOpen)
      .map(([client]) => client),
  );
  const stuckByClient = new Map<string, { open: number; oldest: number | null }>();
  for (const e of open.values()) {
    const client = hostOf(e.attrs.get(s.client) ?? "?");
    if (!stuckSet.has(client)) continue;
    const sofar = stuckByClient.get(client) ?? { open: 0, oldest: null };
    sofar.open += 1;
    if (e.timeMs !== null) sofar.oldest = Math.max(sofar.oldest ?? 0, nowMs - e.timeMs);
    stuckByClient.set(client, sofar);
  }
  const stuckClients = [...stuckByClient]
    .map(([client, v]) => ({
      client,
      userAgent: perClient.get(client)?.ua ?? null,
      open: v.open,
      oldestAgeMs: v.oldest,
    }))
    .sort((a, b) => b.open - a.open);
  const first = stats[0];
  const last = stats.at(-1);
  return {
    opened,
    closed,
    open: open.size,
    oldestOpenAgeMs: ages.length > 0 ? Math.max(...ages) : null,
    medianOpenAgeMs: median(ages),
    stuck: stuckClients.reduce((a, c) => a + c.open, 0),
    stuckClients: stuckClients.slice(0, 5),
    longestClosedMs,
    stats:
      first && last
        ? {
            firstAt: new Date(first.t).toISOString(),
            first: first.active,
            lastAt: new Date(last.t).toISOString(),
            last: last.active,
            lines: stats.length,
          }
        : null,
    path: mostCommon(entries.filter((e) => e.msg === s.opened).flatMap((e) => e.attrs.get(s.path) ?? [])),
  };
}

export function summariseCommands(
  entries: LogEntry[],
  p: LogPatterns,
  nowMs: number,
): CommandLogSummary | null {
  const c = p.commands;
  const byId = new Map<string, CommandLogEntry & { startedMs: number | null }>();
  let started = 0;
  let finished = 0;
  let outputLineEntries = 0;
  const get = (id: string) => {
    const sofar = byId.get(id);
    if (sofar) return sofar;
    const fresh = { id, argv: null, lines: 0, bytes: null, running: true, ageMs: null, startedMs: null };
    byId.set(id, fresh);
    return fresh;
  };
  for (const e of entries) {
    const id = e.attrs.get(c.id);
    if (!id) continue;
    if (e.msg === c.started) {
      started += 1;
      const cmd = get(id);
      cmd.argv = e.attrs.get(c.argv) ?? null;
      cmd.startedMs = e.timeMs;
    } else if (e.msg === c.progress) {
      outputLineEntries += 1;
      const cmd = get(id);
      cmd.lines = Math.max(cmd.lines, num(e.attrs.get(c.lines)) ?? 0);
      cmd.bytes = num(e.attrs.get(c.bytes)) ?? cmd.bytes;
    } else if (e.msg === c.finished) {
      finished += 1;
      outputLineEntries += 1;
      const cmd = get(id);
      cmd.running = false;
      cmd.lines = Math.max(cmd.lines, num(e.attrs.get(c.totalLines)) ?? 0);
      cmd.bytes = num(e.attrs.get(c.totalBytes)) ?? cmd.bytes;
    }
  }
  if (byId.size === 0) return null;
  const all = [...byId.values()].map(({ startedMs, ...rest }) => ({
    ...rest,
    ageMs: startedMs === null ? null : Math.max(0, nowMs - startedMs),
  }));
  const done = all.filter((x) => !x.running).map((x) => x.lines);
  const largestFinished = done.length > 0 ? Math.max(...done) : null;
  const runaway = all
    .filter(
      (x) =>
        x.running &&
        x.lines >= p.runawayLines &&
        (largestFinished === null || x.lines >= 3 * largestFinished),
    )
    .sort((a, b) => b.lines - a.lines);
  return {
    started,
    finished,
    running: all.filter((x) => x.running).length,
    outputLineEntries,
    top: [...all].sort((a, b) => b.lines - a.lines).slice(0, 5),
    runaway: runaway.slice(0, 5),
    largestFinishedLines: largestFinished,
  };
}
