// The one duration parser against Go's own table (src/time/time_test.go, parseDurationTests and
// parseDurationErrorTests), plus the units some settings add and the millisecond helper.

import { DAY_UNITS, PROMETHEUS_UNITS, parseDurationNs, parseGoDuration } from "@rdev/bot/units/duration.ts";
import { describe, expect, it } from "vitest";

const ns = 1n;
const us = 1000n * ns;
const ms = 1000n * us;
const s = 1000n * ms;
const m = 60n * s;
const h = 60n * m;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

// Go's parseDurationTests, in order.
const GO_VALID: [string, bigint][] = [
  ["0", 0n],
  ["5s", 5n * s],
  ["30s", 30n * s],
  ["1478s", 1478n * s],
  ["-5s", -5n * s],
  ["+5s", 5n * s],
  ["-0", 0n],
  ["+0", 0n],
  ["5.0s", 5n * s],
  ["5.6s", 5n * s + 600n * ms],
  ["5.s", 5n * s],
  [".5s", 500n * ms],
  ["1.0s", 1n * s],
  ["1.00s", 1n * s],
  ["1.004s", 1n * s + 4n * ms],
  ["1.0040s", 1n * s + 4n * ms],
  ["100.00100s", 100n * s + 1n * ms],
  ["10ns", 10n * ns],
  ["11us", 11n * us],
  ["12µs", 12n * us], // U+00B5
  ["12μs", 12n * us], // U+03BC
  ["13ms", 13n * ms],
  ["14s", 14n * s],
  ["15m", 15n * m],
  ["16h", 16n * h],
  ["3h30m", 3n * h + 30n * m],
  ["10.5s4m", 4n * m + 10n * s + 500n * ms],
  ["-2m3.4s", -(2n * m + 3n * s + 400n * ms)],
  ["1h2m3s4ms5us6ns", 1n * h + 2n * m + 3n * s + 4n * ms + 5n * us + 6n * ns],
  ["39h9m14.425s", 39n * h + 9n * m + 14n * s + 425n * ms],
  ["52763797000ns", 52763797000n * ns],
  ["0.3333333333333333333h", 20n * m],
  ["9007199254740993ns", (1n << 53n) + 1n],
  ["9223372036854775807ns", MAX_INT64],
  ["9223372036854775.807us", MAX_INT64],
  ["9223372036s854ms775us807ns", MAX_INT64],
  ["-9223372036854775808ns", MIN_INT64],
  ["-9223372036854775.808us", MIN_INT64],
  ["-9223372036s854ms775us808ns", MIN_INT64],
  ["-2562047h47m16.854775808s", MIN_INT64],
  ["0.100000000000000000000h", 6n * m],
  ["0.830103483285477580700h", 49n * m + 48n * s + 372539827n * ns],
];

// Go's parseDurationErrorTests, and the forms this project's old parsers disagreed on.
const GO_INVALID = [
  "",
  "3",
  "-",
  "s",
  ".",
  "-.",
  ".s",
  "+.s",
  "\x85\x85",
  "\xffff",
  "hello \xffff world",
  "\uFFFD",
  "\uFFFD hello \uFFFD world",
  "9223372036854775810ns",
  "9223372036854775808ns",
  "-9223372036854775809ns",
  "9223372036854776us",
  "3000000h",
  "9223372036854775.808us",
  "9223372036854ms775us808ns",
  // not Go: days, a number without a unit after the first, spaces, upper case, words
  "2d",
  "1h30",
  " 5s",
  "5s ",
  "5 s",
  "5S",
  "5sec",
];

describe("parseDurationNs (Go's time.ParseDuration)", () => {
  it.each(GO_VALID)("%s", (text, want) => {
    expect(parseDurationNs(text)).toEqual({ ok: true, ns: want });
  });

  it.each(GO_INVALID.map((t) => [JSON.stringify(t), t]))("refuses %s", (_, text) => {
    const r = parseDurationNs(text as string);
    expect(r.ok).toBe(false);
  });

  it("gives Go's error texts", () => {
    expect(parseDurationNs("2d")).toEqual({ ok: false, error: 'time: unknown unit "d" in duration "2d"' });
    expect(parseDurationNs("1h30")).toEqual({ ok: false, error: 'time: missing unit in duration "1h30"' });
    expect(parseDurationNs("x")).toEqual({ ok: false, error: 'time: invalid duration "x"' });
  });

  it("takes extra units only when a caller asks for them", () => {
    expect(parseDurationNs("90d", DAY_UNITS)).toEqual({ ok: true, ns: 90n * 24n * h });
    expect(parseDurationNs("1d12h", DAY_UNITS)).toEqual({ ok: true, ns: 36n * h });
    expect(parseDurationNs("1w", DAY_UNITS).ok).toBe(false);
    expect(parseDurationNs("2w", PROMETHEUS_UNITS)).toEqual({ ok: true, ns: 14n * 24n * h });
    expect(parseDurationNs("1y", PROMETHEUS_UNITS)).toEqual({ ok: true, ns: 365n * 24n * h });
  });
});

describe("parseGoDuration (milliseconds)", () => {
  it.each([
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["1m30s", 90_000],
    ["300ms", 300],
    ["1500us", 1.5],
    ["1ns", 0.000001],
    ["-2m", -120_000],
    ["0", 0],
  ] as const)("%s -> %d ms", (text, want) => {
    expect(parseGoDuration(text)).toBe(want);
  });

  it("is null where Go refuses", () => {
    expect(parseGoDuration("2d")).toBeNull();
    expect(parseGoDuration("")).toBeNull();
  });
});
