// Bidirectional-text controls never reach Slack through the escapers, whatever the text's source.

import { code, codeBlock, escapeMrkdwn, plain } from "@rdev/bot/render/blocks/escape.ts";
import { describe, expect, it } from "vitest";

const CONTROLS = [
  "\u202a",
  "\u202b",
  "\u202c",
  "\u202d",
  "\u202e",
  "\u2066",
  "\u2067",
  "\u2068",
  "\u2069",
  "\u200e",
  "\u200f",
];

describe("bidi controls", () => {
  it.each([
    ["escapeMrkdwn", escapeMrkdwn],
    ["code", code],
    ["codeBlock", codeBlock],
    ["plain", plain],
  ] as const)("%s strips every one", (_name, escaper) => {
    const out = escaper(`pod ${CONTROLS.join("x")} exe.gnp`);
    for (const c of CONTROLS) expect(out).not.toContain(c);
    expect(out).toContain("xxxxxxxxxx");
  });
});
