// The one duration parser: Go's time.ParseDuration, exactly (the algorithm of Go's src/time/format.go,
// on integer nanoseconds with its overflow checks and its float64 step for fractions):
//   [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+   units ns us µs μs ms s m h;   "0" alone is zero.
// "1h30m", "1.5h", "-2m", ".5s", "1.s" and "0" are durations; "2d", "1h30", "5 m", " 5s", "" are not.
// Settings that deliberately accept more (the bot's own settings take "d", the demo's Prometheus
// durations "d", "w", "y") pass `extraUnits`; the grammar and the arithmetic stay Go's.
// Pure; table-tested against Go's own test cases (test/units/duration.test.ts).

const NS = 1n;
const US = 1_000n;
const MS = 1_000_000n;
const S = 1_000_000_000n;
const MIN = 60n * S;
const H = 60n * MIN;

/** Go's unitMap: nanoseconds per unit. */
export const GO_UNITS: Readonly<Record<string, bigint>> = {
  ns: NS,
  us: US,
  µs: US, // U+00B5 micro sign
  μs: US, // U+03BC Greek mu
  ms: MS,
  s: S,
  m: MIN,
  h: H,
};

/** Extra units some settings accept besides Go's (not Go: time.ParseDuration refuses them). */
export const DAY_UNITS: Readonly<Record<string, bigint>> = { d: 24n * H };
export const PROMETHEUS_UNITS: Readonly<Record<string, bigint>> = {
  d: 24n * H,
  w: 7n * 24n * H,
  y: 365n * 24n * H,
};

const MAX = 1n << 63n; // Go compares the unsigned magnitude against 1<<63
const MAX_INT64 = MAX - 1n;

export type DurationError = { ok: false; error: string };
export type DurationResult = { ok: true; ns: bigint } | DurationError;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

/**
 * Parses like Go's time.ParseDuration; the result is integer nanoseconds, or Go's error text
 * ("time: invalid duration \"2x\"", "time: missing unit in duration ...", "time: unknown unit ...").
 */
export function parseDurationNs(
  text: string,
  extraUnits: Readonly<Record<string, bigint>> = {},
): DurationResult {
  const quoted = JSON.stringify(text);
  const invalid: DurationError = { ok: false, error: `time: invalid duration ${quoted}` };
  let s = text;
  let neg = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return { ok: true, ns: 0n };
  if (s === "") return invalid;
  let d = 0n;
  while (s !== "") {
    if (!(s[0] === "." || isDigit(s[0]))) return invalid;
    // leadingInt: [0-9]*
    let i = 0;
    let v = 0n;
    for (; i < s.length && isDigit(s[i]); i++) {
      if (v > MAX / 10n) return invalid;
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > MAX) return invalid;
    }
    const pre = i > 0;
    s = s.slice(i);
    // leadingFraction: (\.[0-9]*)?
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s !== "" && s[0] === ".") {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      for (; j < s.length && isDigit(s[j]); j++) {
        if (overflow) continue;
        if (f > MAX_INT64 / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
        if (y > MAX) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) return invalid; // no digits, e.g. ".s" or "-.s"
    // The unit: everything up to the next '.' or digit.
    let k = 0;
    while (k < s.length && !(s[k] === "." || isDigit(s[k]))) k++;
    if (k === 0) return { ok: false, error: `time: missing unit in duration ${quoted}` };
    const u = s.slice(0, k);
    s = s.slice(k);
    const unit = GO_UNITS[u] ?? extraUnits[u];
    if (unit === undefined)
      return { ok: false, error: `time: unknown unit ${JSON.stringify(u)} in duration ${quoted}` };
    if (v > MAX / unit) return invalid;
    v *= unit;
    if (f > 0n) {
      // Go: v += uint64(float64(f) * (float64(unit) / scale)), the same IEEE doubles here.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > MAX) return invalid;
    }
    d += v;
    if (d > MAX) return invalid;
  }
  if (neg) return { ok: true, ns: -d };
  if (d > MAX_INT64) return invalid;
  return { ok: true, ns: d };
}

/** Go's time.ParseDuration in milliseconds (fractional below 1 ms: "1500us" -> 1.5); null when Go refuses it. */
export function parseGoDuration(text: string): number | null {
  const r = parseDurationNs(text);
  return r.ok ? nsToMs(r.ns) : null;
}

/** Nanoseconds as (possibly fractional) milliseconds. */
export function nsToMs(ns: bigint): number {
  return Number(ns / MS) + Number(ns % MS) / 1e6;
}
