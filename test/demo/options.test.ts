import { scaledFor } from "@rdev/demo/alert-daemons.ts";
import { parseDemoArgs } from "@rdev/demo/options.ts";
import { describe, expect, it } from "vitest";

describe("npm run demo flags", () => {
  it("defaults to the SSE leak at 20x on a free port with alerts", () => {
    expect(parseDemoArgs([])).toEqual({
      kind: "run",
      scenario: "sse-leak",
      speed: 20,
      port: 0,
      alerts: true,
    });
  });

  it("takes every flag", () => {
    expect(
      parseDemoArgs(["--scenario", "cache-growth", "--speed", "60", "--port", "8099", "--no-alerts"]),
    ).toEqual({ kind: "run", scenario: "cache-growth", speed: 60, port: 8099, alerts: false });
    expect(parseDemoArgs(["--help"])).toEqual({ kind: "help" });
  });

  it("lists every bad value at once, and rejects unknown flags", () => {
    const bad = parseDemoArgs(["--scenario", "oops", "--speed", "0", "--port", "70000"]);
    expect(bad.kind === "error" && bad.problems).toHaveLength(3);
    expect(parseDemoArgs(["--fast"])).toMatchObject({ kind: "error" });
  });
});

describe("scaledFor", () => {
  it("divides a rule's `for` by the speed, at least one second", () => {
    expect(scaledFor("5m", 20)).toBe("15000ms");
    expect(scaledFor("1m", 600)).toBe("1000ms");
    expect(() => scaledFor("5 minutes", 2)).toThrow();
  });
});
