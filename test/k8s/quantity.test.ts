import { parseQuantity, quantityToBytes, quantityToNanoCores } from "@rdev/bot/k8s/quantity.ts";
import { describe, expect, it } from "vitest";

describe("quantityToBytes", () => {
  it.each([
    ["512Mi", 536_870_912],
    ["1Gi", 1_073_741_824],
    ["1G", 1_000_000_000],
    ["123456Ki", 126_418_944],
    ["0.5Gi", 536_870_912],
    [".5Gi", 536_870_912],
    ["1.5Gi", 1_610_612_736],
    ["1e9", 1_000_000_000],
    ["1E3", 1000],
    ["1e-3", 1], // a milli-byte rounds up, like Quantity.Value()
    ["500m", 1],
    ["2000m", 2],
    ["1k", 1000],
    ["1M", 1_000_000],
    ["1T", 1e12],
    ["1Ti", 2 ** 40],
    ["1P", 1e15],
    ["1Pi", 2 ** 50],
    ["1E", 1e18], // exa, not an exponent
    ["1Ei", 2 ** 60],
    ["268435456", 268_435_456],
    ["0", 0],
    [" 64Mi ", 67_108_864],
    ["+1Ki", 1024],
    ["0.3Gi", 322_122_548], // 322122547.2 rounds up
    ["0.1Ki", 103], // 102.4
  ])("%s -> %d bytes", (text, bytes) => {
    expect(quantityToBytes(text)).toBe(bytes);
  });

  it.each(["", "Mi", "1Mb", "1 Gi", "1.2.3", "1gi", "1KiB", "one", "1e", "1Gi1"])("rejects %j", (text) => {
    expect(quantityToBytes(text)).toBeNull();
  });
});

describe("quantityToNanoCores", () => {
  it.each([
    ["250m", 250_000_000],
    ["1", 1_000_000_000],
    ["2.5", 2_500_000_000],
    ["12345n", 12_345],
    ["100u", 100_000],
    ["0", 0],
  ])("%s -> %d nanocores", (text, nano) => {
    expect(quantityToNanoCores(text)).toBe(nano);
  });

  it("rejects garbage", () => {
    expect(quantityToNanoCores("fast")).toBeNull();
  });
});

describe("parseQuantity", () => {
  it("keeps fractions (500m is half a unit)", () => {
    expect(parseQuantity("500m")).toBeCloseTo(0.5);
    expect(parseQuantity("-1Ki")).toBe(-1024);
  });
});
