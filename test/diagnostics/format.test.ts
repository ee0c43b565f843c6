import {
  formatAgo,
  formatBytes,
  formatCount,
  formatDuration,
  formatPercent,
  formatPoints,
  formatRatio,
} from "@rdev/bot/diagnose/format.ts";
import { median, pearson, variation } from "@rdev/bot/diagnose/stats.ts";
import { describe, expect, it } from "vitest";

const MI = 1024 ** 2;

describe("formatBytes", () => {
  it.each([
    [null, "?"],
    [0, "0B"],
    [97, "97B"],
    [812 * 1024, "812Ki"],
    [431 * MI, "431Mi"],
    [431.4 * MI, "431Mi"],
    [512 * MI, "512Mi"],
    [1024 * MI, "1Gi"],
    [1.5 * 1024 * MI, "1.5Gi"],
    [9.96 * 1024 * MI, "10Gi"],
    [-64 * MI, "-64Mi"],
    [Number.NaN, "?"],
  ])("%s -> %s", (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});

describe("formatCount, formatPercent, formatPoints, formatRatio", () => {
  it.each([
    [4812, "4,812"],
    [310, "310"],
    [2.25, "2.3"],
    [1234567.8, "1,234,568"],
    [null, "?"],
  ])("formatCount(%s) = %s", (n, text) => expect(formatCount(n)).toBe(text));
  it.each([
    [97.23, "97.2%"],
    [100, "100.0%"],
    [null, "?"],
  ])("formatPercent(%s) = %s", (n, text) => expect(formatPercent(n)).toBe(text));
  it.each([
    [6.14, "+6.1 pts"],
    [-3, "-3.0 pts"],
    [0, "±0.0 pts"],
  ])("formatPoints(%s) = %s", (n, text) => expect(formatPoints(n)).toBe(text));
  it.each([
    [15.52, "16x"],
    [3.04, "3.0x"],
    [Number.POSITIVE_INFINITY, "∞x"],
  ])("formatRatio(%s) = %s", (n, text) => expect(formatRatio(n)).toBe(text));
});

describe("formatDuration and formatAgo", () => {
  it.each([
    [0, "0s"],
    [45_000, "45s"],
    [12 * 60_000, "12m"],
    [3 * 3_600_000, "3h"],
    [3 * 3_600_000 + 12 * 60_000, "3h12m"],
    [52 * 3_600_000, "2d4h"],
    [-5, "0s"],
  ])("formatDuration(%s) = %s", (ms, text) => expect(formatDuration(ms)).toBe(text));
  it("is relative to the given clock", () => {
    const now = Date.parse("2026-11-26T03:00:00Z");
    expect(formatAgo("2026-11-26T02:48:00Z", now)).toBe("12m ago");
    expect(formatAgo(null, now)).toBe("at an unknown time");
  });
});

describe("stats", () => {
  it.each([
    [[], null],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])("median(%j) = %s", (values, m) => expect(median(values)).toBe(m));
  it("pearson needs three pairs and variance", () => {
    expect(pearson([1, 2], [2, 4])).toBeNull();
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1);
    expect(pearson([1, 2, 3], [6, 4, 2])).toBeCloseTo(-1);
  });
  it("variation is stddev over mean", () => {
    expect(variation([10, 10, 10])).toBe(0);
    expect(variation([0, 0])).toBeNull();
    expect(variation([5, 15])).toBeCloseTo(0.5);
  });
});
