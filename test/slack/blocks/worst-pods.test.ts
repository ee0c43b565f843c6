// The compact message's worst-pods table fits a Slack thread pane (56 monospace columns) whatever
// the pod names and figures, keeps the end of names that tell pods apart, and shows time to OOM.

import type { Diagnosis, PodForecast, PodRow } from "@rdev/bot/diagnose/types.ts";
import {
  shortPodName,
  THREAD_COLUMNS,
  worstPodLines,
  worstPodsLimit,
  worstPodsText,
} from "@rdev/bot/render/blocks/worst-pods.ts";
import { describe, expect, it } from "vitest";
import { MI, row } from "../../support/diagnosis-builders.ts";
import { criticalSseLeak } from "../../support/diagnosis-fixtures.ts";

function diagnosisOf(pods: PodRow[], forecasts: PodForecast[] = []): Diagnosis {
  const d = criticalSseLeak();
  return { ...d, pods, foresight: { source: "Prometheus", pods: forecasts, change: null } };
}

const climbing = (pod: string, etaMs: number): PodForecast => ({
  pod,
  status: "climbing",
  limitBytes: 512 * MI,
  currentBytes: 500 * MI,
  bytesPerMinute: 2 * MI,
  asOf: 0,
  etaMs,
  lowMs: etaMs * 0.8,
  highMs: etaMs * 1.2,
  samples: 6,
  spanMs: 600_000,
});

describe("shortPodName", () => {
  it.each([
    ["rdev-api-7c9f8-x2k4q", 30, "rdev-api-7c9f8-x2k4q"],
    ["rdev-api-5d8f7c9b6d-lq6s8", 20, "…5d8f7c9b6d-lq6s8"],
    ["rdev-api-5d8f7c9b6d-lq6s8", 24, "…api-5d8f7c9b6d-lq6s8"],
    ["rdev-api-5d8f7c9b6d-lq6s8", 12, "…c9b6d-lq6s8"],
    ["abc", 1, "…"],
  ])("%s in %i columns is %s", (name, max, expected) => {
    expect(shortPodName(name, max)).toBe(expected);
    expect(shortPodName(name, max).length).toBeLessThanOrEqual(Math.max(1, max));
  });
});

describe("worstPodLines fit the thread pane", () => {
  const long = "customer-facing-notifications-api-gateway-7f9c8d6b5-";
  const cases: [string, PodRow[]][] = [
    ["the simulator's names", [row("rdev-api-7c9f8-x2k4q", { mi: 500 }), row("rdev-api-7c9f8-m8d2z")]],
    [
      "real ReplicaSet hashes",
      [row("rdev-api-5d8f7c9b6d-lq6s8", { mi: 509, restarts: 3 }), row("rdev-api-5d8f7c9b6d-x2k4q")],
    ],
    [
      "very long names differing only at the end",
      [row(`${long}abcde`, { mi: 505 }), row(`${long}fghij`, { mi: 500 }), row(`${long}klmno`)],
    ],
    [
      "wide figures: GiB limits, unknown memory, thousands of restarts",
      [
        row("rdev-api-5d8f7c9b6d-lq6s8", { mi: 3900, limitMi: 4096, restarts: 12_345 }),
        row("rdev-api-5d8f7c9b6d-aaaaa", { mi: null }),
        row("rdev-api-5d8f7c9b6d-bbbbb", { limitMi: null }),
      ],
    ],
  ];

  it.each(cases)("%s", (_, pods) => {
    const names = pods.map((p) => p.name);
    const d = diagnosisOf(pods, [climbing(names[0] ?? "", 6 * 60_000)]);
    const lines = worstPodLines(d, pods);
    expect(lines).toHaveLength(pods.length + 1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(THREAD_COLUMNS);
    // Every pod's row still tells it apart from the others: its last 5 characters are shown.
    pods.forEach((p, i) => {
      expect(lines[i + 1]).toContain(p.name.slice(-5));
    });
    expect(lines[0]).toMatch(/POD +MEM(\/LIMIT)? +% +RST OOM IN/);
    expect(lines[1]).toMatch(/^!!/);
  });

  it("says a limit every pod shares once, above the table, and per row when they differ", () => {
    const same = [row("rdev-api-a", { mi: 500 }), row("rdev-api-b")];
    expect(worstPodsLimit(diagnosisOf(same))).toBe("512Mi");
    expect(worstPodLines(diagnosisOf(same), same)[1]).toMatch(/^!!rdev-api-a +500Mi +97\.7% +0 -$/);
    const mixed = [row("rdev-api-a", { mi: 500 }), row("rdev-api-b", { limitMi: 1024 })];
    expect(worstPodsLimit(diagnosisOf(mixed))).toBeNull();
    expect(worstPodLines(diagnosisOf(mixed), mixed)[2]).toMatch(/^ {2}rdev-api-b +200Mi\/1Gi +19\.5% +0 -$/);
  });

  it("narrower panes still hold every line", () => {
    const pods = cases[2]?.[1] ?? [];
    for (const columns of [40, 48, 56, 60])
      for (const line of worstPodLines(diagnosisOf(pods), pods, columns))
        expect(line.length).toBeLessThanOrEqual(columns);
  });

  it("says when each pod reaches its limit at the current rate", () => {
    const pods = [row("rdev-api-a", { mi: 500 }), row("rdev-api-b"), row("rdev-api-c"), row("rdev-api-d")];
    const d = diagnosisOf(pods, [
      climbing("rdev-api-a", 6 * 60_000 + 5_000),
      climbing("rdev-api-d", 10_000),
      { pod: "rdev-api-b", status: "not-climbing", bytesPerMinute: 0, asOf: 0, samples: 5, spanMs: 60_000 },
      { pod: "rdev-api-c", status: "unknown", reason: "2 samples", samples: 2 },
    ]);
    const lines = worstPodLines(d, pods);
    expect(lines[1]).toMatch(/rdev-api-a .* ~6m$/);
    expect(lines[2]).toMatch(/rdev-api-b .* flat$/);
    expect(lines[3]).toMatch(/rdev-api-c .* \?$/);
    expect(lines[4]).toMatch(/rdev-api-d .* <30s$/);
  });

  it("shows a few pods and counts the rest by severity", () => {
    const pods = [
      row("rdev-api-a", { mi: 500 }),
      row("rdev-api-b", { mi: 499 }),
      row("rdev-api-c", { mi: 450 }),
      row("rdev-api-d", { mi: 440 }),
      row("rdev-api-e"),
    ];
    const text = worstPodsText(diagnosisOf(pods));
    expect(text).toContain("rdev-api-c");
    expect(text).not.toContain("rdev-api-d");
    expect(text).toMatch(/… and 2 more pods \(1 warning, 1 ok\) in Details$/);
  });
});
