import { canonicalQuantity, formatBytes, formatNanoCores, quantityValue } from "@rdev/kube-sim/quantity.ts";
import { describe, expect, it } from "vitest";

describe("canonicalQuantity", () => {
  it.each([
    ["512Mi", "512Mi"],
    ["1024Mi", "1Gi"],
    ["0.5Gi", "512Mi"],
    ["1.5Mi", "1536Ki"],
    ["1Gi", "1Gi"],
    ["1G", "1G"],
    ["1000M", "1G"],
    ["1.5G", "1500M"],
    ["100m", "100m"],
    ["0.5", "500m"],
    ["1", "1"],
    ["1e3", "1e3"],
    ["512", "512"],
    ["1000Ki", "1000Ki"],
  ])("%s -> %s", (input, want) => {
    expect(canonicalQuantity(input)).toBe(want);
  });

  it.each(["lots", "", "1Gb", "Mi", "1.2.3", "--1"])("rejects %j", (input) => {
    expect(canonicalQuantity(input)).toBeNull();
  });
});

describe("quantityValue", () => {
  it("reads bytes and cores", () => {
    expect(quantityValue("512Mi")).toBe(512 * 1024 * 1024);
    expect(quantityValue("1G")).toBe(1e9);
    expect(quantityValue("250m")).toBe(0.25);
    expect(quantityValue("nope")).toBeNull();
  });
});

describe("metrics-server formatting", () => {
  it("renders bytes in canonical BinarySI", () => {
    expect(formatBytes(129892352)).toBe("126848Ki");
    expect(formatBytes(256 * 1024 * 1024)).toBe("256Mi");
    expect(formatBytes(1000)).toBe("1000");
  });
  it("renders nanocores in canonical DecimalSI", () => {
    expect(formatNanoCores(4213871)).toBe("4213871n");
    expect(formatNanoCores(5_000_000)).toBe("5m");
  });
});
