// The restart budget: restarts of the workload in the window, the kubelet's and the bot's alike;
// past it, restarts are not offered and the advice says plainly that they hide a leak.

import { loadConfig } from "@rdev/bot/config.ts";
import { kubeletRestarts, restartBudget } from "@rdev/bot/diagnose/restart-budget.ts";
import { describe, expect, it } from "vitest";
import { pod } from "../support/fake-cluster.ts";

const NOW = Date.parse("2026-12-06T06:00:00Z");
const HOUR = 3_600_000;
const ago = (h: number) => new Date(NOW - h * HOUR);
const term = (finishedAt: Date) => ({ reason: "OOMKilled", exitCode: 137, startedAt: null, finishedAt });

describe("kubeletRestarts", () => {
  it("counts every restart of a young pod, and the last one of an old pod when it is recent", () => {
    const young = pod("young", {
      createdAt: ago(2),
      container: { restartCount: 3, lastTerminated: term(ago(1)) },
    });
    const oldRecent = pod("old", {
      createdAt: ago(30),
      container: { restartCount: 7, lastTerminated: term(ago(5)) },
    });
    const oldQuiet = pod("quiet", {
      createdAt: ago(30),
      container: { restartCount: 9, lastTerminated: term(ago(20)) },
    });
    expect(kubeletRestarts([young, oldRecent, oldQuiet], NOW, 6 * HOUR)).toBe(4);
  });
});

describe("restartBudget", () => {
  it.each([
    [0, 2, false],
    [1, 1, false],
    [2, 1, true],
    [3, 0, true],
  ])("%i by the bot + %i by the kubelet against 3/6h: exceeded %s", (bot, kubelet, exceeded) => {
    const pods = Array.from({ length: kubelet }, (_, i) =>
      pod(`p${i}`, { createdAt: ago(30), container: { restartCount: 1, lastTerminated: term(ago(1)) } }),
    );
    expect(
      restartBudget({ pods, nowMs: NOW, budget: { max: 3, windowMs: 6 * HOUR }, botRestarts: bot }),
    ).toMatchObject({
      count: bot + kubelet,
      exceeded,
    });
  });

  it("reads RESTART_BUDGET as restarts / window", () => {
    expect(loadConfig({}).restartBudget).toEqual({ max: 3, windowMs: 6 * HOUR });
    expect(loadConfig({ RESTART_BUDGET: "5/1h" }).restartBudget).toEqual({ max: 5, windowMs: HOUR });
    expect(() => loadConfig({ RESTART_BUDGET: "many" })).toThrow(/RESTART_BUDGET/);
  });
});
