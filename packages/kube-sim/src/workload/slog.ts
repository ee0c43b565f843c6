// Go's log/slog TextHandler line format, which rdev-api logs with: time=RFC3339 (milliseconds)
// level=INFO msg="..." key=value, values quoted (strconv.Quote) only when they need it.

export type LogAttr = readonly [key: string, value: string | number];
export type LogRecord = { t: number; level: "INFO" | "WARN" | "ERROR"; msg: string; attrs: LogAttr[] };

/** slog's needsQuoting: empty, or any space, '=', '"', control or non-ASCII-printable rune. */
function needsQuoting(s: string): boolean {
  if (s === "") return true;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === "=" || ch === '"' || c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}

const quote = (s: string): string => JSON.stringify(s);

export function formatValue(v: string | number): string {
  const s = typeof v === "number" ? String(v) : v;
  return needsQuoting(s) ? quote(s) : s;
}

export function formatRecord(r: LogRecord): string {
  const attrs = r.attrs.map(([k, v]) => ` ${k}=${formatValue(v)}`).join("");
  return `time=${new Date(r.t).toISOString()} level=${r.level} msg=${formatValue(r.msg)}${attrs}`;
}
