// What the runbook greps for in rdev-api's log ("SSE connection", "output line"), as data: the
// messages and attribute names of the service's slog lines, and when a command counts as runaway.
// A service that logs differently changes this file, not the analysis.
import type { CommandLogEntry } from "../../diagnose/logs/types.ts";
import { formatCount, formatDuration } from "../../units/format.ts";

export type LogPatterns = {
  sse: {
    opened: string;
    closed: string;
    stats: string;
    id: string;
    client: string;
    userAgent: string;
    path: string;
    /** Attribute of the stats line with the open-connection count. */
    active: string;
  };
  commands: {
    started: string;
    progress: string;
    finished: string;
    id: string;
    argv: string;
    /** Lines so far (progress) and in total (finished). */
    lines: string;
    totalLines: string;
    bytes: string;
    totalBytes: string;
  };
  /** A running command with at least this many output lines, and 3x the largest finished one, is runaway. */
  runawayLines: number;
  /** Clients with at least this many connections opened in the window, none closed, are stuck. */
  stuckClientMinOpen: number;
};

export const RDEV_LOG_PATTERNS: LogPatterns = {
  sse: {
    opened: "SSE connection opened",
    closed: "SSE connection closed",
    stats: "SSE connection stats",
    id: "conn_id",
    client: "client",
    userAgent: "user_agent",
    path: "path",
    active: "active",
  },
  commands: {
    started: "command started",
    progress: "command output lines",
    finished: "command finished",
    id: "cmd_id",
    argv: "argv",
    lines: "lines",
    totalLines: "output_lines",
    bytes: "bytes",
    totalBytes: "output_bytes",
  },
  runawayLines: 100_000,
  stuckClientMinOpen: 10,
};

/** One command from the log, in words: "cmd-7 (make test): 20,000 output lines, running 4m". */
export function describeCommand(c: CommandLogEntry): string {
  const age = c.ageMs !== null ? `, running ${formatDuration(c.ageMs)}` : ", running";
  return `${c.id}${c.argv ? ` (${c.argv})` : ""}: ${formatCount(c.lines)} output lines${c.running ? age : ""}`;
}
