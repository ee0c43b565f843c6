// Judges the time-to-OOM forecast against the simulator, whose kills are real events: sample every
// pod's working set through metrics.k8s.io (like the worker), forecast from the samples, then let
// simulated time run until the container is OOM-killed and compare. Shared by the tests and bench.
import { ManualClock } from "@rdev/bot/clock.ts";
import { forecastPod, type MemoryPoint, type PodForecast } from "@rdev/bot/diagnose/foresight/forecast.ts";
import { createCluster, kubeConfigFromString } from "@rdev/bot/k8s/index.ts";
import type { Cluster } from "@rdev/bot/k8s/types.ts";
import { type Simulator, startSimulator } from "@rdev/kube-sim/index.ts";
import type { ScenarioName } from "@rdev/kube-sim/workload/types.ts";

export type Judged = {
  scenario: ScenarioName;
  pod: string;
  samples: number;
  everyMs: number;
  forecast: PodForecast;
  /** Cluster ms from the forecast's newest sample to the kill (null: no kill within the horizon). */
  actualMs: number | null;
  /** forecast eta - actual (ms); positive: the kill came sooner than said. */
  errorMs: number | null;
  inRange: boolean | null;
  apiCalls: number;
};

export type JudgeOptions = {
  scenario: ScenarioName;
  /** Cluster time before the first sample. */
  startAfterMs: number;
  samples: number;
  everyMs: number;
  seed?: number;
  horizonMs?: number;
};

const LIMIT = 512 * 1024 * 1024;

/** Samples podMetrics every `everyMs`, forecasts the pod that climbs fastest, runs to its kill. */
export async function judgeForecast(o: JudgeOptions): Promise<Judged> {
  const clock = new ManualClock();
  const sim: Simulator = await startSimulator({
    clock,
    scenario: o.scenario,
    seed: o.seed ?? 1,
    pdbMinAvailable: null,
  });
  try {
    const cluster: Cluster = createCluster(kubeConfigFromString(sim.kubeconfig()));
    sim.advance(o.startAfterMs);
    const series = new Map<string, MemoryPoint[]>();
    let apiCalls = 0;
    for (let i = 0; i < o.samples; i++) {
      if (i > 0) sim.advance(o.everyMs);
      const metrics = await cluster.podMetrics("rdev", "app=rdev-api");
      apiCalls++;
      for (const m of metrics) {
        const bytes = m.containers[0]?.memoryBytes;
        if (bytes === undefined) continue;
        series.set(m.name, [...(series.get(m.name) ?? []), { t: clock.now(), bytes }]);
      }
    }
    const forecasts = [...series.entries()].map(([pod, points]) => forecastPod(pod, points, LIMIT));
    const climbing = forecasts
      .filter((f): f is Extract<PodForecast, { status: "climbing" }> => f.status === "climbing")
      .sort((a, b) => a.etaMs - b.etaMs);
    const forecast = climbing[0] ?? forecasts[0];
    if (!forecast) throw new Error("no pods sampled");
    const asOf = clock.now();
    const horizon = o.horizonMs ?? 60 * 60_000;
    // The next kill after the forecast (a kill during sampling started the container over).
    const restartsAtForecast = sim.pods().find((p) => p.name === forecast.pod)?.restartCount ?? 0;
    let killedAt: number | null = null;
    for (let t = 0; t < horizon && killedAt === null; t += 5000) {
      sim.advance(5000);
      const view = sim.pods().find((p) => p.name === forecast.pod);
      const c = view?.containers[0];
      if (c && c.restartCount > restartsAtForecast) killedAt = c.lastTerminatedAtMs;
    }
    const actualMs = killedAt === null ? null : killedAt - asOf;
    const eta = forecast.status === "climbing" ? forecast.etaMs : null;
    const errorMs = eta !== null && actualMs !== null ? eta - actualMs : null;
    const inRange =
      forecast.status === "climbing" && actualMs !== null
        ? actualMs >= forecast.lowMs && (forecast.highMs === null || actualMs <= forecast.highMs)
        : null;
    return {
      scenario: o.scenario,
      pod: forecast.pod,
      samples: o.samples,
      everyMs: o.everyMs,
      forecast,
      actualMs,
      errorMs,
      inRange,
      apiCalls,
    };
  } finally {
    await sim.close();
  }
}
