import { readFileSync } from "node:fs";
import { fontMetrics, parseCssFont } from "@rdev/bot/render/charts/font-metrics.ts";
import { bundledFontFiles } from "@rdev/bot/render/charts/fonts.ts";
import { describe, expect, it } from "vitest";

const [regularFile, boldFile] = bundledFontFiles();
const regular = fontMetrics(readFileSync(regularFile ?? ""));
const bold = fontMetrics(readFileSync(boldFile ?? ""));

describe("fontMetrics (DejaVu Sans)", () => {
  // Advance widths from DejaVu Sans' hmtx (2048 units per em): space 651, "0" 1303, "M" 1767, "i" 569.
  it.each([
    [" ", 651],
    ["0", 1303],
    ["M", 1767],
    ["i", 569],
  ])("%j is %i/2048 em", (ch, units) => {
    expect(regular.width(ch, 2048)).toBeCloseTo(units, 6);
  });

  it("adds up a string and scales with the size", () => {
    expect(regular.width("Mi", 2048)).toBeCloseTo(1767 + 569, 6);
    expect(regular.width("rdev-api", 14)).toBeCloseTo(regular.width("rdev-api", 28) / 2, 6);
  });

  it("bold is wider", () => {
    expect(bold.width("limit 512Mi", 13)).toBeGreaterThan(regular.width("limit 512Mi", 13));
  });

  it("counts characters the font lacks (and astral ones) as 0.6 em", () => {
    expect(regular.width("\u{1F600}", 10)).toBeCloseTo(6, 6);
  });

  it("rejects bytes that are not a font", () => {
    expect(() => fontMetrics(Buffer.alloc(64))).toThrow(/not a TrueType/);
  });
});

describe("parseCssFont", () => {
  it.each([
    ["bold 13px DejaVu Sans, sans-serif", 13, true],
    ["normal normal 12px sans-serif", 12, false],
    ["600 18.5px DejaVu Sans", 18.5, true],
    [undefined, 12, false],
  ] as const)("%s", (font, sizePx, isBold) => {
    expect(parseCssFont(font)).toEqual({ sizePx, bold: isBold });
  });
});
