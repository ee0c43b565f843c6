// bad-rollout end to end through the real client: the diagnosis names revision 2 (image 1.8.3 →
// 1.9.0) as the change that started the climb and proposes rolling back to revision 1; the
// rollback action executes and verifies against the simulator, and the climb ends. sse-leak's
// climb predates any change.

import { ManualClock } from "@rdev/bot/clock.ts";
import { loadConfig } from "@rdev/bot/config.ts";
import { runDiagnosis } from "@rdev/bot/diagnose/run-diagnosis.ts";
import { createCluster, kubeConfigFromString } from "@rdev/bot/k8s/index.ts";
import type { Cluster } from "@rdev/bot/k8s/types.ts";
import { rollback } from "@rdev/bot/remediate/actions/rollback.ts";
import { highMemoryRunbook } from "@rdev/bot/runbooks/high-memory/index.ts";
import { type MemorySnapshot, snapshotHistorySource } from "@rdev/bot/samples/snapshot-history-source.ts";
import { type Simulator, startSimulator } from "@rdev/kube-sim/index.ts";
import type { ScenarioName } from "@rdev/kube-sim/workload/types.ts";
import { afterEach, describe, expect, it } from "vitest";

const MINUTE = 60_000;
let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** Samples every pod's working set every 30 s from `fromMs` to `toMs` of cluster time. */
async function sampled(scenario: ScenarioName, fromMs: number, toMs: number) {
  const clock = new ManualClock();
  sim = await startSimulator({ clock, scenario, pdbMinAvailable: null });
  const cluster: Cluster = createCluster(kubeConfigFromString(sim.kubeconfig()));
  const snapshots: MemorySnapshot[] = [];
  sim.advance(fromMs);
  for (let t = fromMs; t < toMs; t += 30_000) {
    const metrics = await cluster.podMetrics("rdev", "app=rdev-api");
    snapshots.push({
      at: clock.now(),
      pods: metrics.map((m) => ({ pod: m.name, workingSetBytes: m.containers[0]?.memoryBytes ?? null })),
    });
    sim.advance(30_000);
  }
  const runbook = highMemoryRunbook(loadConfig({ DIAG_LOG_PODS: "0", DIAG_TRAEFIK: "false" }));
  const history = { label: "the test's samples", source: snapshotHistorySource(snapshots) };
  return { clock, cluster, runbook, history, sim };
}

describe("what changed before the climb", () => {
  it("bad-rollout: revision 2 (image 1.9.0) started it; Roll back to revision 1 verifies and ends the climb", async () => {
    const { clock, cluster, runbook, history } = await sampled("bad-rollout", 2 * MINUTE, 9 * MINUTE);
    const { diagnosis } = await runDiagnosis({ cluster, clock }, { runbook, history, heap: "never" });
    const fs = diagnosis.foresight;
    expect(fs?.pods.every((p) => p.status === "climbing")).toBe(true);
    expect(fs?.change).toMatchObject({
      kind: "rollout",
      revision: 2,
      previousRevision: 1,
      changes: ["image rdev-api:1.8.3 → rdev-api:1.9.0"],
      changeCause: "woodpecker: deploy rdev-api 1.9.0 (pipeline #4182)",
      byBot: null,
      climbing: 3,
      of: 3,
    });
    const action = diagnosis.actions.find((a) => a.kind === "rollback");
    expect(action).toMatchObject({
      title: "Roll back to revision 1",
      kubectl: "kubectl -n rdev rollout undo deployment/rdev-api --to-revision=1",
      params: { revision: 1, fromRevision: 2 },
    });

    const job = {
      action: "rollback" as const,
      params: { revision: 1 },
      target: { namespace: "rdev", deployment: "rdev-api" },
      approvedAt: clock.now(),
    };
    expect(rollback.plan(job, {} as never).ok).toBe(true);
    const settings = {} as never;
    const outcome = await rollback.execute({
      cluster,
      settings,
      job,
      resumed: false,
      beforeWrite: async () => {},
    });
    expect(outcome.status).toBe("applied");
    expect((await rollback.verify({ cluster, settings, job, outcome })).done).toBe(false);
    for (let i = 0; i < 60; i++) sim?.advance(1000);
    expect(await rollback.verify({ cluster, settings, job, outcome })).toMatchObject({ done: true });
    // Retried after it landed: nothing more to do.
    const again = await rollback.execute({
      cluster,
      settings,
      job,
      resumed: true,
      beforeWrite: async () => {},
    });
    expect(again.status).toBe("already_done");

    // Ten minutes on revision 3 (1.8.3's template): no pod is killed, none climbs towards the limit.
    for (let i = 0; i < 10; i++) sim?.advance(MINUTE);
    for (const p of sim?.pods() ?? []) {
      expect(p.restartCount).toBe(0);
      expect(p.containers[0]?.image).toBe("zot.rdev.internal/rdev/rdev-api:1.8.3");
    }
  });

  it("sse-leak: the climb predates any change (one revision)", async () => {
    const { clock, cluster, runbook, history } = await sampled("sse-leak", 4 * MINUTE, 8 * MINUTE);
    const { diagnosis } = await runDiagnosis({ cluster, clock }, { runbook, history, heap: "never" });
    expect(diagnosis.foresight?.pods[0]?.status).toBe("climbing");
    expect(diagnosis.foresight?.change).toMatchObject({ kind: "predates", newest: null });
    expect(diagnosis.actions.some((a) => a.kind === "rollback")).toBe(false);
  });
});
