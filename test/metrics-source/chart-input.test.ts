import type { OomKill } from "@rdev/bot/diagnose/types.ts";
import { memoryChartSvg } from "@rdev/bot/render/charts/memory-chart.ts";
import { chartInputFromHistory, oomKillEvents } from "@rdev/bot/samples/chart-input.ts";
import type { MemoryHistory } from "@rdev/bot/samples/types.ts";
import { describe, expect, it } from "vitest";

const T0 = Date.UTC(2026, 10, 3, 14, 0, 0);
const history: MemoryHistory = {
  series: [{ pod: "a", points: [{ t: T0, bytes: 1 }] }],
  limitBytes: 512 * 1024 * 1024,
  events: [{ t: T0 + 5000, label: "limit 512Mi -> 1Gi" }],
  startMs: T0 - 60_000,
  endMs: T0 + 60_000,
  stepMs: 1000,
};

const kill = (over: Partial<OomKill>): OomKill => ({
  pod: "rdev-api-x",
  podUid: null,
  container: "rdev-api",
  node: "node-a",
  at: new Date(T0).toISOString(),
  source: "container-status",
  reason: "OOMKilled",
  exitCode: 137,
  count: 1,
  message: "",
  ...over,
});

describe("chartInputFromHistory", () => {
  it("carries series, limit and thresholds, and merges events inside the window in time order", () => {
    const input = chartInputFromHistory(history, {
      title: "rdev-api memory",
      warningPercent: 80,
      criticalPercent: 95,
      events: [
        { t: T0 - 10_000, label: "evicted a" },
        { t: T0 + 3_600_000, label: "after the window" },
      ],
    });
    expect(input).toEqual({
      title: "rdev-api memory",
      series: history.series,
      limitBytes: history.limitBytes,
      warningPercent: 80,
      criticalPercent: 95,
      events: [
        { t: T0 - 10_000, label: "evicted a" },
        { t: T0 + 5000, label: "limit 512Mi -> 1Gi" },
      ],
      range: { startMs: T0 - 60_000, endMs: T0 + 60_000 },
    });
    expect(memoryChartSvg(input)).toContain("evicted a");
  });
});

describe("oomKillEvents", () => {
  it("labels each timed kill with its pod and skips kills with no time", () => {
    expect(
      oomKillEvents([
        kill({}),
        kill({ at: null }),
        kill({ pod: null, node: "node-b", at: new Date(T0 + 1).toISOString() }),
      ]),
    ).toEqual([
      { t: T0, label: "OOMKilled rdev-api-x" },
      { t: T0 + 1, label: "OOMKilled node-b" },
    ]);
  });
});
