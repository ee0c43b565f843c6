import { cacheTtlSeconds, parseGoDuration } from "@rdev/kube-sim/workload/index.ts";
import { describe, expect, it } from "vitest";

describe("parseGoDuration", () => {
  it.each([
    ["5m", 300_000],
    ["15s", 15_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["300ms", 300],
    ["2m30.5s", 150_500],
    ["0", 0],
    ["-1s", -1000],
    ["1500us", 1.5],
    ["1µs", 0.001],
    [" 10s ", 10_000],
  ])("%s is %d ms", (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each(["", "5", "5 m", "m", "1d", "1h-5m", "abc", "5mm"])("rejects %j like Go does", (text) => {
    expect(parseGoDuration(text)).toBeNull();
  });
});

describe("cacheTtlSeconds", () => {
  it.each([
    [{}, 300],
    [{ CACHE_TTL: "15s" }, 15],
    [{ CACHE_TTL: "1h" }, 3600],
    [{ CACHE_TTL: "bogus" }, 300],
    [{ CACHE_TTL: "-5s" }, 300],
  ])("env %j gives %d s", (env, seconds) => {
    expect(cacheTtlSeconds(env)).toBe(seconds);
  });
});
