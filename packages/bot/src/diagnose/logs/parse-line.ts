// One structured log line: Go slog's TextHandler (logfmt: key=value, values quoted when needed) or
// its JSONHandler ({"time":...,"msg":...}). Pure; anything else is kept as text with no fields.

export type LogEntry = { timeMs: number | null; msg: string | null; attrs: Map<string, string>; raw: string };

const PAIR = /([^\s=]+)=("(?:[^"\\]|\\.)*"|\S*)/g;

function unquote(v: string): string {
  if (!v.startsWith('"')) return v;
  try {
    return JSON.parse(v) as string;
  } catch {
    return v.slice(1, -1);
  }
}

function fromJson(line: string): Map<string, string> | null {
  try {
    const o: unknown = JSON.parse(line);
    if (typeof o !== "object" || o === null || Array.isArray(o)) return null;
    const attrs = new Map<string, string>();
    for (const [k, v] of Object.entries(o)) attrs.set(k, typeof v === "string" ? v : JSON.stringify(v));
    return attrs;
  } catch {
    return null;
  }
}

export function parseLogLine(raw: string): LogEntry {
  let line = raw;
  // kubectl --timestamps / timestamps=true prefix: "2026-...Z <line>".
  const stamp = /^(\d{4}-\d\d-\d\dT\S+Z) (?=\S)/.exec(line);
  if (stamp && !line.startsWith("time=")) line = line.slice(stamp[0].length);
  const attrs = line.startsWith("{") ? (fromJson(line) ?? new Map()) : new Map<string, string>();
  if (attrs.size === 0) for (const m of line.matchAll(PAIR)) attrs.set(m[1] ?? "", unquote(m[2] ?? ""));
  const time = attrs.get("time") ?? attrs.get("ts") ?? stamp?.[1];
  const parsed = time ? Date.parse(time) : Number.NaN;
  return {
    timeMs: Number.isNaN(parsed) ? null : parsed,
    msg: attrs.get("msg") ?? null,
    attrs,
    raw,
  };
}

/** The address without its port: "203.0.113.45:51234" -> "203.0.113.45", "[::1]:80" -> "::1". */
export function hostOf(address: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (v6?.[1]) return v6[1];
  const m = /^([^:]+):\d+$/.exec(address);
  return m?.[1] ?? address;
}
