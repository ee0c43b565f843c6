// The one quantity parser against apimachinery's own table (pkg/api/resource/quantity_test.go,
// TestQuantityParse: valid cases with their values, and the invalid list), plus canonical forms.

import {
  canonicalQuantity,
  parseQuantity,
  quantityNanos,
  quantityNumber,
  quantityValue,
} from "@rdev/bot/units/quantity.ts";
import { describe, expect, it } from "vitest";

/** mantissa x 10^exp in nano-units (apimachinery's decQuantity(mantissa, exp, format)). */
const dec = (mantissa: bigint, exp: number): bigint =>
  exp + 9 >= 0 ? mantissa * 10n ** BigInt(exp + 9) : mantissa / 10n ** BigInt(-(exp + 9));
const bin = (bytes: bigint): bigint => bytes * 1_000_000_000n;
const MAX = ((1n << 63n) - 1n) * 1_000_000_000n;

const VALID: [string, bigint, string][] = [
  ["0", 0n, "DecimalSI"],
  ["0n", 0n, "DecimalSI"],
  ["0u", 0n, "DecimalSI"],
  ["0m", 0n, "DecimalSI"],
  ["0Ki", 0n, "BinarySI"],
  ["0k", 0n, "DecimalSI"],
  ["0Mi", 0n, "BinarySI"],
  ["0e0", 0n, "DecimalExponent"],
  ["0e-10", 0n, "DecimalExponent"],
  // binary suffixes
  ["1Ki", bin(1024n), "BinarySI"],
  ["8Ki", bin(8n * 1024n), "BinarySI"],
  ["7Mi", bin(7n * 1024n ** 2n), "BinarySI"],
  ["6Gi", bin(6n * 1024n ** 3n), "BinarySI"],
  ["5Ti", bin(5n * 1024n ** 4n), "BinarySI"],
  ["4Pi", bin(4n * 1024n ** 5n), "BinarySI"],
  ["3Ei", bin(3n * 1024n ** 6n), "BinarySI"],
  ["10Ti", bin(10n * 1024n ** 4n), "BinarySI"],
  ["100Ti", bin(100n * 1024n ** 4n), "BinarySI"],
  // decimal suffixes
  ["5n", dec(5n, -9), "DecimalSI"],
  ["4u", dec(4n, -6), "DecimalSI"],
  ["3m", dec(3n, -3), "DecimalSI"],
  ["9", dec(9n, 0), "DecimalSI"],
  ["8k", dec(8n, 3), "DecimalSI"],
  ["50k", dec(5n, 4), "DecimalSI"],
  ["7M", dec(7n, 6), "DecimalSI"],
  ["6G", dec(6n, 9), "DecimalSI"],
  ["5T", dec(5n, 12), "DecimalSI"],
  ["40T", dec(4n, 13), "DecimalSI"],
  ["300T", dec(3n, 14), "DecimalSI"],
  ["2P", dec(2n, 15), "DecimalSI"],
  ["1E", dec(1n, 18), "DecimalSI"],
  // decimal exponents
  ["1E-3", dec(1n, -3), "DecimalExponent"],
  ["1e3", dec(1n, 3), "DecimalExponent"],
  ["1E6", dec(1n, 6), "DecimalExponent"],
  ["1e9", dec(1n, 9), "DecimalExponent"],
  ["1E12", dec(1n, 12), "DecimalExponent"],
  ["1e15", dec(1n, 15), "DecimalExponent"],
  ["1E18", dec(1n, 18), "DecimalExponent"],
  ["1e14", dec(1n, 14), "DecimalExponent"],
  ["1e13", dec(1n, 13), "DecimalExponent"],
  ["100.035k", dec(100035n, 0), "DecimalSI"],
  // things that look like floating point
  ["0.001", dec(1n, -3), "DecimalSI"],
  ["0.0005k", dec(5n, -1), "DecimalSI"],
  ["0.005", dec(5n, -3), "DecimalSI"],
  ["0.05", dec(5n, -2), "DecimalSI"],
  ["0.5", dec(5n, -1), "DecimalSI"],
  ["0.00050k", dec(5n, -1), "DecimalSI"],
  ["0.00500", dec(5n, -3), "DecimalSI"],
  ["0.05000", dec(5n, -2), "DecimalSI"],
  ["0.50000", dec(5n, -1), "DecimalSI"],
  ["0.5e0", dec(5n, -1), "DecimalExponent"],
  ["0.5e-1", dec(5n, -2), "DecimalExponent"],
  ["0.5e-2", dec(5n, -3), "DecimalExponent"],
  ["10.035M", dec(10035n, 3), "DecimalSI"],
  ["1.2e3", dec(12n, 2), "DecimalExponent"],
  ["1.3E+6", dec(13n, 5), "DecimalExponent"],
  ["1.40e9", dec(14n, 8), "DecimalExponent"],
  ["1.53E12", dec(153n, 10), "DecimalExponent"],
  ["1.6e15", dec(16n, 14), "DecimalExponent"],
  ["1.7E18", dec(17n, 17), "DecimalExponent"],
  ["9.01", dec(901n, -2), "DecimalSI"],
  ["8.1k", dec(81n, 2), "DecimalSI"],
  ["7.123456M", dec(7123456n, 0), "DecimalSI"],
  ["6.987654321G", dec(6987654321n, 0), "DecimalSI"],
  ["5.444T", dec(5444n, 9), "DecimalSI"],
  ["40.1T", dec(401n, 11), "DecimalSI"],
  ["300.2T", dec(3002n, 11), "DecimalSI"],
  ["2.5P", dec(25n, 14), "DecimalSI"],
  ["1.01E", dec(101n, 16), "DecimalSI"],
  // things that saturate or round (up, to 1n)
  ["3.001n", dec(4n, -9), "DecimalSI"],
  ["1.1E-9", dec(2n, -9), "DecimalExponent"],
  ["0.0000000001", dec(1n, -9), "DecimalSI"],
  ["0.0000000005", dec(1n, -9), "DecimalSI"],
  ["0.00000000050", dec(1n, -9), "DecimalSI"],
  ["0.5e-9", dec(1n, -9), "DecimalExponent"],
  ["0.9n", dec(1n, -9), "DecimalSI"],
  ["0.00000012345", dec(124n, -9), "DecimalSI"],
  ["0.00000012354", dec(124n, -9), "DecimalSI"],
  ["9Ei", MAX, "BinarySI"],
  ["9223372036854775807Ki", MAX, "BinarySI"],
  ["12E", dec(12n, 18), "DecimalSI"],
  // fractional binary
  ["100.035Ki", dec(10243584n, -2), "BinarySI"],
  ["0.5Mi", bin(512n * 1024n), "BinarySI"],
  ["0.05Gi", dec(536870912n, -1), "BinarySI"],
  ["0.025Ti", dec(274877906944n, -1), "BinarySI"],
  // "things written by trolls"
  [".001", dec(1n, -3), "DecimalSI"],
  [".0001k", dec(100n, -3), "DecimalSI"],
  ["1.", dec(1n, 0), "DecimalSI"],
  ["1.G", dec(1n, 9), "DecimalSI"],
  // sign
  ["-1Ki", -bin(1024n), "BinarySI"],
  ["+1Ki", bin(1024n), "BinarySI"],
  ["-3.001n", -dec(4n, -9), "DecimalSI"],
];

const INVALID = [
  "1.1.M",
  "1+1.0M",
  "0.1mi",
  "0.1am",
  "aoeu",
  ".5i",
  "1i",
  "-3.01i",
  "-3.01e-",
  " 1",
  "1 ",
  "",
  // case and spelling matter
  "1K",
  "1KI",
  "1gi",
  "1GiB",
  "1e",
  // the deliberate differences: a digit is required (Kubernetes reads these as 0,
  // kubernetes/apimachinery#165), and exponents beyond +-1000
  "Mi",
  "k",
  "-",
  "+",
  ".",
  "1e1001",
];

describe("parseQuantity (Kubernetes' resource.ParseQuantity)", () => {
  it.each(VALID)("%s", (text, nanos, format) => {
    expect(parseQuantity(text)).toEqual({ nanos, format });
  });

  it.each(INVALID.map((t) => [JSON.stringify(t), t]))("refuses %s", (_, text) => {
    expect(parseQuantity(text as string)).toBeNull();
  });
});

describe("numbers from quantities", () => {
  it("Value() rounds up to whole units", () => {
    expect(quantityValue("512Mi")).toBe(536_870_912);
    expect(quantityValue("1G")).toBe(1e9);
    expect(quantityValue("500m")).toBe(1);
    expect(quantityValue("1.5Gi")).toBe(1_610_612_736);
    expect(quantityValue("1e3")).toBe(1000);
    expect(quantityValue("nope")).toBeNull();
  });

  it("exact base units and nano-units", () => {
    expect(quantityNumber("500m")).toBe(0.5);
    expect(quantityNumber("2")).toBe(2);
    expect(quantityNanos("250m")).toBe(250_000_000);
    expect(quantityNanos("12345n")).toBe(12_345);
    expect(quantityNanos("2")).toBe(2e9);
  });
});

describe("canonicalQuantity (what the API server writes back)", () => {
  it.each([
    ["1024Mi", "1Gi"],
    ["1536Mi", "1536Mi"],
    ["1.5Gi", "1536Mi"],
    ["0.5", "500m"],
    ["1.5G", "1500M"],
    ["1000", "1k"],
    ["1e3", "1e3"],
    ["100m", "100m"],
    ["512", "512"],
    ["0.1n", "1n"],
    ["0", "0"],
  ])("%s -> %s", (text, canonical) => {
    expect(canonicalQuantity(text)).toBe(canonical);
  });
});
