import { parseRdevCommand, parseTarget } from "@rdev/bot/slack/commands/parse.ts";
import { describe, expect, it } from "vitest";

const allowed = { namespace: "rdev", deployment: "rdev-api" };

describe("parseRdevCommand", () => {
  it.each([
    ["", { kind: "help", problem: null }],
    ["help", { kind: "help", problem: null }],
    ["  HELP ", { kind: "help", problem: null }],
    ["mem status", { kind: "status", target: allowed }],
    ["memory   status", { kind: "status", target: allowed }],
    ["mem status rdev/rdev-api", { kind: "status", target: allowed }],
    ["mem status rdev-api", { kind: "status", target: allowed }],
    ["mem history", { kind: "history" }],
  ])("%j", (text, expected) => expect(parseRdevCommand(text, allowed)).toEqual(expected));

  it.each([
    ["diagnose", /I do not know "diagnose"/],
    ["mem", /needs "status" or "history"/],
    ["mem top", /I do not know "mem top"/],
    ["mem history now", /I do not know|Too many/],
    ["mem status rdev/rdev-api extra", /Too many arguments/],
    ["mem status RDEV/api", /not a namespace\/deployment/],
    ["mem status a/b/c", /not a namespace\/deployment/],
    ["mem status rdev/", /not a namespace\/deployment/],
    ["mem status <!channel>", /not a namespace\/deployment/],
    [`mem status ${"x".repeat(300)}`, /\.\.\."/],
  ])("%j -> help with the problem", (text, problem) => {
    const parsed = parseRdevCommand(text, allowed);
    expect(parsed.kind).toBe("help");
    expect(parsed.kind === "help" ? parsed.problem : "").toMatch(problem);
  });

  it("refuses other workloads politely", () => {
    expect(parseRdevCommand("mem status prod/payments", allowed)).toEqual({
      kind: "refused",
      message: expect.stringMatching(/^Sorry, I only look after rdev\/rdev-api, not prod\/payments/),
    });
  });
});

describe("parseTarget", () => {
  it("accepts DNS names and defaults the namespace", () => {
    expect(parseTarget("ops/web.v2", "rdev")).toEqual({ namespace: "ops", deployment: "web.v2" });
    expect(parseTarget("web", "rdev")).toEqual({ namespace: "rdev", deployment: "web" });
    expect(parseTarget(`${"a".repeat(64)}/web`, "rdev")).toHaveProperty("problem");
    expect(parseTarget("-bad/web", "rdev")).toHaveProperty("problem");
  });
});
