// The commands behind commands_active and rdev_command_output_buffered_bytes, as rdev-api logs
// them: "command started" (id, project, user, argv), "command output lines" every 30 s while it
// runs (lines and bytes so far), "command finished" (exit code, duration, output totals). Each of
// the scenario's concurrent command slots runs one command after another; large-output's commands
// never finish and never stop writing (the runaway ones). Deterministic, like log-sse.ts.
import { formatGoDuration } from "./duration.ts";
import { hex8 } from "./log-sse.ts";
import { hash32 } from "./random.ts";
import type { LogRecord } from "./slog.ts";

export const COMMAND_LOG = {
  /** Average bytes per output line. */
  lineBytes: 160,
  progressEverySeconds: 30,
  durationSeconds: [10, 90],
  gapSeconds: [1, 5],
  argv: ["go build ./...", "go test ./...", "make lint", "npm ci", "git fetch --all", "docker build ."],
  runawayArgv: [
    "tail -f /var/log/build.log",
    "go test -v -count=1000 ./...",
    "npm run watch",
    "kubectl logs -f deploy/web",
    "journalctl -f",
    "yes",
  ],
} as const;

export type CommandLogModel = {
  noiseKey: number;
  startedAtMs: number;
  /** Concurrent commands at t seconds since start (non-decreasing). */
  commandsAt: (tSeconds: number) => number;
  /** Output bytes a command started at t seconds holds when it ends (normal commands). */
  outputBytesAt: (tSeconds: number) => number;
  /** large-output: each slot runs one command that never ends; its output at t seconds. */
  runaway: ((tSeconds: number) => number) | null;
};

const unit = (...v: number[]) => hash32(...v) / 4294967296;
const between = ([a, b]: readonly [number, number], u: number) => a + u * (b - a);

/** When slot k first runs (the scenario's concurrency rises above k + 0.5), in seconds; null never. */
function slotBirth(m: CommandLogModel, k: number, horizonSeconds: number): number | null {
  if (m.commandsAt(0) > k + 0.5) return 0;
  if (m.commandsAt(horizonSeconds) <= k + 0.5) return null;
  let lo = 0;
  let hi = horizonSeconds;
  for (let i = 0; i < 40 && hi - lo > 0.01; i++) {
    const mid = (lo + hi) / 2;
    if (m.commandsAt(mid) > k + 0.5) hi = mid;
    else lo = mid;
  }
  return hi;
}

type Command = { id: string; argv: string; project: string; user: string };

function commandOf(key: number, k: number, j: number, argv: readonly string[]): Command {
  const h = hash32(key, 0xc0, k, j);
  return {
    id: `cmd-${hex8(h)}`,
    argv: argv[h % argv.length] ?? "",
    project: `proj-${(h >>> 8) % 40}`,
    user: `u-${(h >>> 16) % 25}`,
  };
}

const started = (t: number, c: Command): LogRecord => ({
  t,
  level: "INFO",
  msg: "command started",
  attrs: [
    ["cmd_id", c.id],
    ["project", c.project],
    ["user", c.user],
    ["argv", c.argv],
  ],
});

const progress = (t: number, c: Command, bytes: number): LogRecord => ({
  t,
  level: "INFO",
  msg: "command output lines",
  attrs: [
    ["cmd_id", c.id],
    ["lines", Math.round(bytes / COMMAND_LOG.lineBytes)],
    ["bytes", Math.round(bytes)],
  ],
});

/** Command lines with timestamps in [fromMs, toMs]. */
export function commandRecords(m: CommandLogModel, fromMs: number, toMs: number): LogRecord[] {
  const out: LogRecord[] = [];
  const S = m.startedAtMs;
  const horizon = Math.max(0, (toMs - S) / 1000);
  const every = COMMAND_LOG.progressEverySeconds * 1000;
  const inWindow = (t: number) => t >= fromMs && t <= toMs;
  for (let k = 0; m.commandsAt(horizon) > k + 0.5; k++) {
    const birth = slotBirth(m, k, horizon);
    if (birth === null) break;
    if (m.runaway) {
      const c = commandOf(m.noiseKey, k, 0, COMMAND_LOG.runawayArgv);
      const t0 = S + (birth + 0.5 + unit(m.noiseKey, 0xc1, k) * 2) * 1000;
      if (inWindow(t0)) out.push(started(t0, c));
      const first = Math.max(1, Math.ceil((fromMs - t0) / every));
      for (let p = first; t0 + p * every <= toMs; p++) {
        const t = t0 + p * every;
        out.push(progress(t, c, m.runaway((t - S) / 1000)));
      }
      continue;
    }
    let t = S + (birth + unit(m.noiseKey, 0xc2, k) * 3) * 1000;
    for (let j = 0; t <= toMs; j++) {
      const c = commandOf(m.noiseKey, k, j, COMMAND_LOG.argv);
      const durMs = Math.round(between(COMMAND_LOG.durationSeconds, unit(m.noiseKey, 0xc3, k, j)) * 1000);
      const bytes = m.outputBytesAt((t - S) / 1000) * (0.5 + unit(m.noiseKey, 0xc4, k, j));
      const end = t + durMs;
      if (end >= fromMs) {
        if (inWindow(t)) out.push(started(t, c));
        for (let p = 1; t + p * every < end && t + p * every <= toMs; p++) {
          if (t + p * every >= fromMs) out.push(progress(t + p * every, c, (bytes * p * every) / durMs));
        }
        if (inWindow(end)) {
          const exit = unit(m.noiseKey, 0xc5, k, j) < 0.1 ? 1 : 0;
          out.push({
            t: end,
            level: exit === 0 ? "INFO" : "WARN",
            msg: "command finished",
            attrs: [
              ["cmd_id", c.id],
              ["exit_code", exit],
              ["duration", formatGoDuration(durMs)],
              ["output_lines", Math.round(bytes / COMMAND_LOG.lineBytes)],
              ["output_bytes", Math.round(bytes)],
            ],
          });
        }
      }
      t = end + between(COMMAND_LOG.gapSeconds, unit(m.noiseKey, 0xc6, k, j)) * 1000;
    }
  }
  return out;
}
