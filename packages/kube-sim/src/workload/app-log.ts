// The container log of one simulated rdev-api process: a start line, the SSE streams and commands
// (log-sse.ts, log-commands.ts), and the periodic stats lines the service writes (SSE and command
// gauges every 15 s, the project cache every 60 s). Lines are slog text, oldest first.
import { commandRecords } from "./log-commands.ts";
import { sseRecords } from "./log-sse.ts";
import type { ProcessModel } from "./model.ts";
import { LOAD, loadAt } from "./scenarios.ts";
import { formatRecord, type LogRecord } from "./slog.ts";

export const STATS_EVERY_MS = 15_000;
export const CACHE_STATS_EVERY_MS = 60_000;

export type Gauges = {
  sse: number;
  commands: number;
  outputBuffered: number;
  cacheEntries: number;
  cacheBytes: number;
};

export type TimedLine = { t: number; text: string };

function periodic(startMs: number, everyMs: number, fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  const first = Math.max(1, Math.ceil((fromMs - startMs) / everyMs));
  for (let i = first; startMs + i * everyMs <= toMs; i++) out.push(startMs + i * everyMs);
  return out;
}

/** The log lines with timestamps in [fromMs, toMs] (clamped to the process's life by the caller). */
export function appLogLines(
  model: ProcessModel,
  gauges: (nowMs: number) => Gauges,
  fromMs: number,
  toMs: number,
): TimedLine[] {
  const { options, traits, noiseKey } = model;
  const S = options.startedAtMs;
  const load = (t: number) => loadAt(options.scenario, traits, t);
  const records: LogRecord[] = [];
  if (fromMs <= S && S <= toMs) {
    records.push({
      t: S,
      level: "INFO",
      msg: "rdev-api starting",
      attrs: [
        ["addr", ":8080"],
        ["cache_ttl", options.spec.env.CACHE_TTL ?? "5m"],
      ],
    });
  }
  records.push(
    ...sseRecords(
      {
        noiseKey,
        startedAtMs: S,
        normalStreams: Math.round(LOAD.steady.sseConnections * traits.loadFactor),
        stuckPerSecond: traits.leaksSse ? LOAD.sseLeak.connectionsPerSecond * traits.growthFactor : 0,
      },
      fromMs,
      toMs,
    ),
    ...commandRecords(
      {
        noiseKey,
        startedAtMs: S,
        commandsAt: (t) => load(t).commandsActive,
        outputBytesAt: (t) => load(t).outputPerCommandBytes,
        runaway: options.scenario === "large-output" ? (t) => load(t).outputPerCommandBytes : null,
      },
      fromMs,
      toMs,
    ),
  );
  for (const t of periodic(S, STATS_EVERY_MS, fromMs, toMs)) {
    const g = gauges(t);
    records.push({
      t,
      level: "INFO",
      msg: "SSE connection stats",
      attrs: [
        ["active", g.sse],
        ["commands_active", g.commands],
        ["output_buffered_bytes", g.outputBuffered],
      ],
    });
  }
  for (const t of periodic(S, CACHE_STATS_EVERY_MS, fromMs, toMs)) {
    const g = gauges(t);
    records.push({
      t,
      level: "INFO",
      msg: "project cache stats",
      attrs: [
        ["entries", g.cacheEntries],
        ["bytes", g.cacheBytes],
        ["ttl", options.spec.env.CACHE_TTL ?? "5m"],
      ],
    });
  }
  // Stable: lines logged at the same millisecond keep the order they were generated in.
  return records
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.t - b.r.t || a.i - b.i)
    .map(({ r }) => ({ t: r.t, text: formatRecord(r) }));
}
