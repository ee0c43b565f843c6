// "Did you mean …": table-driven over the mistakes people make at 3 a.m.

import { parseRdevCommand } from "@rdev/bot/slack/commands/parse.ts";
import { editDistance, suggestCommand } from "@rdev/bot/slack/commands/suggest.ts";
import { describe, expect, it } from "vitest";

const target = { namespace: "rdev", deployment: "rdev-api" };

describe("suggestCommand", () => {
  it.each([
    ["mem stauts", "mem status"],
    ["mem satus", "mem status"],
    ["mem histroy", "mem history"],
    ["men status", "mem status"],
    ["incidnet 4f1d", "incident"],
    ["hlep", "help"],
    ["mem status", null],
    ["deploy everything", null],
    ["mem", null],
  ])("%s -> %s", (typed, expected) => {
    expect(suggestCommand(typed)).toBe(expected);
  });

  it("counts an adjacent swap as one edit", () => {
    expect(editDistance("stauts", "status")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });
});

describe("parseRdevCommand with suggestions", () => {
  it("answers a mistyped subcommand with help that names the closest command", () => {
    expect(parseRdevCommand("mem stauts", target)).toEqual({
      kind: "help",
      problem: 'I do not know "mem stauts". Did you mean `/rdev mem status`?',
    });
    expect(parseRdevCommand("incidnet abcd", target)).toMatchObject({
      problem: expect.stringContaining("Did you mean `/rdev incident`?"),
    });
    expect(parseRdevCommand("deploy prod", target)).toEqual({
      kind: "help",
      problem: 'I do not know "deploy prod".',
    });
  });
});
