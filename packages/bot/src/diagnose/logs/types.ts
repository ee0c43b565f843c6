// What the containers' logs say, as part of the Diagnosis (JSON-serialisable).

export type StuckClient = {
  /** Client address without its port, as the log gives it. */
  client: string;
  userAgent: string | null;
  /** Connections it opened in the window and never closed. */
  open: number;
  oldestAgeMs: number | null;
};

export type SseLogSummary = {
  opened: number;
  closed: number;
  /** Opened in the window and not closed in it. */
  open: number;
  oldestOpenAgeMs: number | null;
  medianOpenAgeMs: number | null;
  /** Open connections from clients that opened many and closed none (StuckClient). */
  stuck: number;
  stuckClients: StuckClient[];
  /** The longest connection that closed in the window: what a normal stream lasts. */
  longestClosedMs: number | null;
  /** The stats lines' open-connection count: first and last in the window. */
  stats: { firstAt: string; first: number; lastAt: string; last: number; lines: number } | null;
  /** Most common path of opened connections (the SSE route, for matching Traefik's routes). */
  path: string | null;
};

export type CommandLogEntry = {
  id: string;
  argv: string | null;
  lines: number;
  bytes: number | null;
  running: boolean;
  /** Since its start line (null when it started before the window). */
  ageMs: number | null;
};

export type CommandLogSummary = {
  started: number;
  finished: number;
  /** Commands seen running (started or writing) and not finished in the window. */
  running: number;
  /** Progress and finish lines: what `grep "output line" | wc -l` counts. */
  outputLineEntries: number;
  /** By output lines, most first (at most 5). */
  top: CommandLogEntry[];
  runaway: CommandLogEntry[];
  largestFinishedLines: number | null;
};

export type PodLogWindow = {
  fromAt: string | null;
  toAt: string | null;
  lines: number;
  bytes: number;
  /** The log starts with the container's start: counts are since the process started. */
  fromStart: boolean;
  /** Why the window is shorter than asked: "tailLines" or "limitBytes" (the last line was cut). */
  cutBy: "tailLines" | "limitBytes" | null;
};

export type PreviousContainerLog = {
  reason: string;
  finishedAt: string | null;
  lastLines: string[];
  error: string | null;
};

export type PodLogReport = {
  pod: string;
  uid: string;
  window: PodLogWindow | null;
  sse: SseLogSummary | null;
  commands: CommandLogSummary | null;
  previous: PreviousContainerLog | null;
  /** Why the log could not be read. */
  error: string | null;
};

export type LogReport = {
  bounds: { sinceSeconds: number; tailLines: number; limitBytes: number };
  pods: PodLogReport[];
  /** pods/log requests made and bytes received. */
  requests: number;
  bytes: number;
};
