// The stored Diagnosis snapshot: the next diagnosis computes exactly the same trend and growth
// evidence from it as from the full Diagnosis (simulated SSE leak, real client), it survives JSON,
// it is smaller, and it stays bounded for huge deployments.

import { ManualClock } from "@rdev/bot/clock.ts";
import { loadConfig } from "@rdev/bot/config.ts";
import { runDiagnosis } from "@rdev/bot/diagnose/index.ts";
import type { Diagnosis } from "@rdev/bot/diagnose/types.ts";
import { parseSnapshot, SNAPSHOT_MAX_PODS, toPrevious, toSnapshot } from "@rdev/bot/history/snapshot.ts";
import { createCluster, kubeConfigFromString } from "@rdev/bot/k8s/index.ts";
import { highMemoryRunbook } from "@rdev/bot/runbooks/high-memory/index.ts";
import { type Simulator, startSimulator } from "@rdev/kube-sim/index.ts";
import { afterEach, describe, expect, it } from "vitest";

const MINUTE = 60_000;
let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const comparable = (d: Diagnosis) => ({ ...d, durationMs: 0 });

describe("diagnosis snapshots", () => {
  it("give the next diagnosis the same trend and growth evidence as the full diagnosis", async () => {
    const clock = new ManualClock();
    sim = await startSimulator({ scenario: "sse-leak", replicas: 3, clock, port: 0 });
    const cluster = createCluster(kubeConfigFromString(sim.kubeconfig()));
    const runbook = highMemoryRunbook(loadConfig({}));
    sim.advance(5 * MINUTE);
    const first = (await runDiagnosis({ cluster, clock }, { runbook })).diagnosis;
    const stored = parseSnapshot(JSON.parse(JSON.stringify(toSnapshot(first))));
    expect(stored).not.toBeNull();

    sim.advance(4 * MINUTE);
    const fromFull = (await runDiagnosis({ cluster, clock }, { runbook, previous: first })).diagnosis;
    const fromSnapshot = (
      await runDiagnosis({ cluster, clock }, { runbook, previous: stored ? toPrevious(stored) : null })
    ).diagnosis;
    expect(comparable(fromSnapshot)).toEqual(comparable(fromFull));
    expect(fromSnapshot.trend?.direction).toBe("rising");
    const growth = fromSnapshot.causes[0]?.evidence.filter((e) => e.kind === "growth") ?? [];
    expect(growth.map((e) => e.text)).toEqual([
      expect.stringMatching(/sse_connections_active on .* rose .* in 4m/),
    ]);

    // What the history shows is in the snapshot.
    const second = toSnapshot(fromSnapshot);
    expect(second).toMatchObject({
      severity: "warning",
      trend: "rising",
      cause: { id: "sse-leak", confidence: "high" },
      peak: { pod: fromSnapshot.pods[0]?.name, percent: fromSnapshot.pods[0]?.memory.percentOfLimit },
    });
    expect(JSON.stringify(second).length).toBeLessThan(JSON.stringify(fromSnapshot).length / 2);
  });

  it("keeps at most SNAPSHOT_MAX_PODS pods, worst first, and rejects foreign shapes", async () => {
    const clock = new ManualClock();
    sim = await startSimulator({ scenario: "steady", replicas: 2, clock, port: 0 });
    const cluster = createCluster(kubeConfigFromString(sim.kubeconfig()));
    const runbook = highMemoryRunbook(loadConfig({}));
    const d = (await runDiagnosis({ cluster, clock }, { runbook })).diagnosis;
    const template = d.pods[0];
    if (!template) throw new Error("no pods");
    const huge: Diagnosis = {
      ...d,
      pods: Array.from({ length: 120 }, (_, i) => ({ ...template, uid: `u${i}`, name: `pod-${i}` })),
    };
    const s = toSnapshot(huge);
    expect(s.pods).toHaveLength(SNAPSHOT_MAX_PODS);
    expect(s.pods[0]?.name).toBe("pod-0");
    expect(parseSnapshot(s)).toEqual(s);
    expect(parseSnapshot({ ...s, version: 2 })).toBeNull();
    expect(parseSnapshot("not json")).toBeNull();
  });
});
