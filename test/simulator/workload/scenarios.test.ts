// The shape of each scenario over the first 15-20 simulated minutes, with a 512Mi limit.

import { RDEV_METRICS, type ScenarioName, startAppProcess } from "@rdev/kube-sim/workload/index.ts";
import { describe, expect, it } from "vitest";
import { appOptions, bruteForceCrossing, gaugeValue, LIMIT_512MI, MINUTE, MiB, T0 } from "./helpers.ts";

type Case = {
  name: string;
  scenario: ScenarioName;
  podIndex?: number;
  env?: Record<string, string>;
  /** Minute windows [min, max] for the first crossing of 80%, 95% and 100% of 512Mi; null = never in 20 min. */
  warn: [number, number] | null;
  crit: [number, number] | null;
  oom: [number, number] | null;
};

const CASES: Case[] = [
  { name: "steady pod", scenario: "steady", warn: null, crit: null, oom: null },
  { name: "sse-leak: the leaking pod 0", scenario: "sse-leak", warn: [6, 10], crit: [8, 12], oom: [9, 15] },
  { name: "sse-leak: peer pod 1", scenario: "sse-leak", podIndex: 1, warn: null, crit: null, oom: null },
  { name: "sse-leak: peer pod 2", scenario: "sse-leak", podIndex: 2, warn: null, crit: null, oom: null },
  { name: "large-output pod 0", scenario: "large-output", warn: [5, 10], crit: [8, 13], oom: [9, 15] },
  {
    name: "large-output pod 2",
    scenario: "large-output",
    podIndex: 2,
    warn: [5, 10],
    crit: [8, 13],
    oom: [9, 15],
  },
  { name: "many-commands pod 0", scenario: "many-commands", warn: [4, 8], crit: null, oom: null },
  {
    name: "many-commands pod 1",
    scenario: "many-commands",
    podIndex: 1,
    warn: [4, 8],
    crit: null,
    oom: null,
  },
  { name: "cache-growth, default 5m TTL", scenario: "cache-growth", warn: [3, 6], crit: null, oom: null },
  {
    name: "cache-growth, CACHE_TTL=15s",
    scenario: "cache-growth",
    env: { CACHE_TTL: "15s" },
    warn: null,
    crit: null,
    oom: null,
  },
  {
    name: "cache-growth, CACHE_TTL=1h",
    scenario: "cache-growth",
    env: { CACHE_TTL: "1h" },
    warn: [3, 6],
    crit: [4, 7],
    oom: [4, 8],
  },
];

const HORIZON = 20 * MINUTE;

describe.each(CASES)("$name", ({ scenario, podIndex = 0, env = {}, warn, crit, oom }) => {
  const app = startAppProcess(
    appOptions(scenario, { podIndex, spec: { memoryLimitBytes: LIMIT_512MI, env } }),
  );

  it.each([
    ["80%", 0.8, warn],
    ["95%", 0.95, crit],
    ["100% (OOM)", 1, oom],
  ] as const)(
    "crosses %s of the limit in the expected window, as a brute-force scan agrees",
    (_label, fraction, window) => {
      const threshold = fraction * LIMIT_512MI;
      const found = app.oomAt(threshold, T0, T0 + HORIZON);
      const brute = bruteForceCrossing(app.memoryAt, threshold, T0, T0 + HORIZON);
      if (window === null) {
        expect(found).toBeNull();
        expect(brute).toBeNull();
        return;
      }
      expect(found).not.toBeNull();
      expect(brute).not.toBeNull();
      expect(Math.abs((found ?? 0) - (brute ?? 0))).toBeLessThanOrEqual(1000);
      expect(app.memoryAt(found ?? 0)).toBeGreaterThanOrEqual(threshold);
      expect(app.memoryAt((found ?? 0) - 1)).toBeLessThan(threshold);
      const minutes = ((found ?? 0) - T0) / MINUTE;
      expect(minutes).toBeGreaterThanOrEqual(window[0]);
      expect(minutes).toBeLessThanOrEqual(window[1]);
    },
  );
});

describe("steady", () => {
  it.each([0, 1, 2])("pod %i stays flat at 40-55%% of 512Mi once warm", (podIndex) => {
    const app = startAppProcess(appOptions("steady", { podIndex }));
    for (let m = 5; m <= 30; m += 1) {
      const share = app.memoryAt(T0 + m * MINUTE) / LIMIT_512MI;
      expect(share).toBeGreaterThan(0.38);
      expect(share).toBeLessThan(0.55);
    }
  });
});

describe("sse-leak", () => {
  const at = (podIndex: number, minutes: number, overrides = {}) =>
    startAppProcess(appOptions("sse-leak", { podIndex, ...overrides })).metricsText(T0 + minutes * MINUTE);

  it("pod 0 accumulates thousands of SSE connections, two goroutines each; peers stay near 300", () => {
    const leaking = at(0, 10);
    const connections = gaugeValue(leaking, RDEV_METRICS.sseConnections);
    expect(connections).toBeGreaterThan(4000);
    const goroutines = gaugeValue(leaking, RDEV_METRICS.goroutines);
    expect(goroutines / connections).toBeGreaterThan(1.95);
    expect(goroutines / connections).toBeLessThan(2.2);
    for (const peer of [1, 2]) {
      const c = gaugeValue(at(peer, 10), RDEV_METRICS.sseConnections);
      expect(c).toBeGreaterThan(250);
      expect(c).toBeLessThan(350);
    }
  });

  it("climbs at 9 connections per second, give or take the pod's spread", () => {
    const a = gaugeValue(at(0, 5), RDEV_METRICS.sseConnections);
    const b = gaugeValue(at(0, 10), RDEV_METRICS.sseConnections);
    const perSecond = (b - a) / 300;
    expect(perSecond).toBeGreaterThan(8);
    expect(perSecond).toBeLessThan(10);
  });

  it.each([
    ["a replacement pod (generation 1)", { generation: 1 }],
    ["a restarted container (restartCount 1)", { restartCount: 1 }],
    ["a replacement after two rollouts", { generation: 2 }],
  ])("%s does not leak in the next 15 minutes", (_name, overrides) => {
    const app = startAppProcess(appOptions("sse-leak", { podIndex: 0, ...overrides }));
    for (let m = 0; m <= 15; m += 0.5) expect(app.memoryAt(T0 + m * MINUTE)).toBeLessThan(0.55 * LIMIT_512MI);
    expect(app.oomAt(0.8 * LIMIT_512MI, T0, T0 + 15 * MINUTE)).toBeNull();
    expect(gaugeValue(app.metricsText(T0 + 15 * MINUTE), RDEV_METRICS.sseConnections)).toBeLessThan(350);
  });

  it("a higher limit does not change the curve, only when the OOM happens", () => {
    const small = startAppProcess(appOptions("sse-leak"));
    const big = startAppProcess(appOptions("sse-leak", { spec: { memoryLimitBytes: 1024 * MiB, env: {} } }));
    for (let m = 0; m <= 20; m += 1)
      expect(big.memoryAt(T0 + m * MINUTE)).toBe(small.memoryAt(T0 + m * MINUTE));
    const oom512 = small.oomAt(LIMIT_512MI, T0, T0 + 60 * MINUTE);
    const oom1024 = big.oomAt(1024 * MiB, T0, T0 + 60 * MINUTE);
    expect(oom512).not.toBeNull();
    expect(oom1024).not.toBeNull();
    expect((oom1024 ?? 0) - (oom512 ?? 0)).toBeGreaterThan(10 * MINUTE);
  });
});

describe("large-output", () => {
  it.each([0, 1, 2])("pod %i: a few commands buffer hundreds of MiB while SSE stays normal", (podIndex) => {
    const app = startAppProcess(appOptions("large-output", { podIndex }));
    const early = app.metricsText(T0 + MINUTE);
    const late = app.metricsText(T0 + 10 * MINUTE);
    const commands = gaugeValue(late, RDEV_METRICS.commandsActive);
    expect(commands).toBeGreaterThanOrEqual(3);
    expect(commands).toBeLessThanOrEqual(8);
    expect(gaugeValue(late, RDEV_METRICS.outputBuffered)).toBeGreaterThan(200 * MiB);
    expect(gaugeValue(late, RDEV_METRICS.heapInuse)).toBeGreaterThan(
      gaugeValue(early, RDEV_METRICS.heapInuse) + 150 * MiB,
    );
    expect(gaugeValue(late, RDEV_METRICS.sseConnections)).toBeLessThan(350);
  });
});

describe("many-commands", () => {
  it.each([0, 1, 2])(
    "pod %i: 150-400 commands at the plateau, memory linear in commands_active",
    (podIndex) => {
      const app = startAppProcess(appOptions("many-commands", { podIndex }));
      const point = (minutes: number) => {
        const text = app.metricsText(T0 + minutes * MINUTE);
        return {
          commands: gaugeValue(text, RDEV_METRICS.commandsActive),
          heap: gaugeValue(text, RDEV_METRICS.heapInuse),
        };
      };
      const plateau = point(10);
      expect(plateau.commands).toBeGreaterThanOrEqual(150);
      expect(plateau.commands).toBeLessThanOrEqual(400);
      // Once the cache has settled (5 min), heap = a + b * commands: fit on two points, check others.
      const a = point(5);
      const slope = (plateau.heap - a.heap) / (plateau.commands - a.commands);
      expect(slope).toBeGreaterThan(0.7 * MiB);
      expect(slope).toBeLessThan(1.2 * MiB);
      for (const minutes of [5.5, 6, 6.5]) {
        const p = point(minutes);
        const predicted = a.heap + slope * (p.commands - a.commands);
        expect(Math.abs(predicted - p.heap) / p.heap).toBeLessThan(0.02);
      }
    },
  );
});

describe("cache-growth", () => {
  const plateau = (ttl: string | undefined) => {
    const env: Record<string, string> = ttl === undefined ? {} : { CACHE_TTL: ttl };
    const app = startAppProcess(appOptions("cache-growth", { spec: { memoryLimitBytes: LIMIT_512MI, env } }));
    const text = app.metricsText(T0 + 12 * MINUTE);
    return {
      share: app.memoryAt(T0 + 12 * MINUTE) / LIMIT_512MI,
      entries: gaugeValue(text, RDEV_METRICS.cacheEntries),
      bytes: gaugeValue(text, RDEV_METRICS.cacheBytes),
    };
  };

  it("the plateau grows with CACHE_TTL, in proportion", () => {
    const short = plateau("15s");
    const minute = plateau("1m");
    const long = plateau(undefined);
    expect(short.share).toBeLessThan(0.5);
    expect(long.share).toBeGreaterThan(0.8);
    expect(long.share).toBeLessThan(0.95);
    expect(minute.share).toBeGreaterThan(short.share);
    expect(long.share).toBeGreaterThan(minute.share);
    expect(long.entries / short.entries).toBeCloseTo(300 / 15, 0);
    expect(minute.bytes / short.bytes).toBeCloseTo(60 / 15, 0);
  });

  it("entries keep growing until the TTL, then settle", () => {
    const app = startAppProcess(appOptions("cache-growth"));
    const entries = (m: number) => gaugeValue(app.metricsText(T0 + m * MINUTE), RDEV_METRICS.cacheEntries);
    expect(entries(2)).toBeLessThan(entries(4));
    expect(entries(6)).toBe(entries(12));
  });
});

describe("every scenario", () => {
  it.each(["steady", "sse-leak", "large-output", "many-commands", "cache-growth"] as const)(
    "%s: working set starts at 70-200 MiB (base runtime plus normal load)",
    (scenario) => {
      const app = startAppProcess(appOptions(scenario));
      expect(app.memoryAt(T0)).toBeGreaterThan(70 * MiB);
      expect(app.memoryAt(T0)).toBeLessThan(200 * MiB);
    },
  );
});

describe("across seeds", () => {
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);

  it("the sse-leak pod always OOMs within 9-13 minutes and its peers never reach 80%", () => {
    for (const seed of seeds) {
      const leaking = startAppProcess(appOptions("sse-leak", { seed }));
      const oom = leaking.oomAt(LIMIT_512MI, T0, T0 + 20 * MINUTE);
      expect(oom, `seed ${seed}`).not.toBeNull();
      expect(((oom ?? 0) - T0) / MINUTE, `seed ${seed}`).toBeGreaterThan(9);
      expect(((oom ?? 0) - T0) / MINUTE, `seed ${seed}`).toBeLessThan(13);
      for (const podIndex of [1, 2]) {
        const peer = startAppProcess(appOptions("sse-leak", { seed, podIndex }));
        expect(
          peer.oomAt(0.8 * LIMIT_512MI, T0, T0 + 20 * MINUTE),
          `seed ${seed} pod ${podIndex}`,
        ).toBeNull();
      }
    }
  });

  it("large-output pods OOM at different instants within 9-15 minutes", () => {
    for (const seed of seeds) {
      const ooms = [0, 1, 2].map((podIndex) =>
        startAppProcess(appOptions("large-output", { seed, podIndex })).oomAt(
          LIMIT_512MI,
          T0,
          T0 + 20 * MINUTE,
        ),
      );
      for (const oom of ooms) {
        expect(oom, `seed ${seed}`).not.toBeNull();
        expect(((oom ?? 0) - T0) / MINUTE).toBeGreaterThan(9);
        expect(((oom ?? 0) - T0) / MINUTE).toBeLessThan(15);
      }
      expect(new Set(ooms).size).toBe(3);
    }
  });

  it("many-commands and cache-growth plateau between 80% and 95% on every pod", () => {
    for (const seed of seeds) {
      for (const scenario of ["many-commands", "cache-growth"] as const) {
        for (const podIndex of [0, 1, 2]) {
          const app = startAppProcess(appOptions(scenario, { seed, podIndex }));
          const share = app.memoryAt(T0 + 12 * MINUTE) / LIMIT_512MI;
          expect(share, `${scenario} seed ${seed} pod ${podIndex}`).toBeGreaterThan(0.8);
          expect(share, `${scenario} seed ${seed} pod ${podIndex}`).toBeLessThan(0.95);
        }
      }
    }
  });
});
