// runDiagnosis through the real client (packages/bot/src/k8s) against the Kubernetes API simulator, for each
// of the runbook's causes plus a steady workload, ~9 simulated minutes in.

import { ManualClock } from "@rdev/bot/clock.ts";
import { loadConfig } from "@rdev/bot/config.ts";
import { type HeapMode, runDiagnosis } from "@rdev/bot/diagnose/index.ts";
import { createCluster, kubeConfigFromString } from "@rdev/bot/k8s/index.ts";
import { highMemoryRunbook } from "@rdev/bot/runbooks/high-memory/index.ts";
import { type Simulator, type SimulatorOptions, startSimulator } from "@rdev/kube-sim/index.ts";
import { afterEach, describe, expect, it } from "vitest";

const MINUTE = 60_000;
let sim: Simulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function diagnoseAfter(
  minutes: number,
  options: SimulatorOptions,
  heap: HeapMode = "auto",
  env: Record<string, string> = {},
) {
  const clock = new ManualClock();
  sim = await startSimulator({ ...options, clock });
  sim.advance(minutes * MINUTE);
  const cluster = createCluster(kubeConfigFromString(sim.kubeconfig()));
  const runbook = highMemoryRunbook(loadConfig(env));
  const result = await runDiagnosis({ cluster, clock }, { runbook, heap });
  return { ...result, cluster, runbook, sim };
}

const cases = [
  {
    scenario: "sse-leak",
    cause: "sse-leak",
    severity: "warning",
    actions: ["raise-memory-limit", "capture-heap-profile", "advice"],
  },
  {
    scenario: "large-output",
    cause: "large-output",
    severity: "warning",
    actions: ["rolling-restart", "raise-memory-limit", "capture-heap-profile", "advice"],
  },
  {
    scenario: "many-commands",
    cause: "many-commands",
    severity: "warning",
    actions: ["rolling-restart", "raise-memory-limit", "capture-heap-profile", "advice"],
  },
  {
    scenario: "cache-growth",
    cause: "cache-growth",
    severity: "warning",
    actions: ["rolling-restart", "raise-memory-limit", "set-cache-ttl", "capture-heap-profile"],
  },
  { scenario: "steady", cause: "unknown", severity: "ok", actions: [] },
] as const;

describe("diagnosis of the simulated cluster, 9 minutes in", () => {
  it.each(cases)("$scenario: $cause ranks first, the runbook's actions follow", async (c) => {
    const { diagnosis: d, cluster } = await diagnoseAfter(9, { scenario: c.scenario, replicas: 3 });
    expect(d.error).toBeNull();
    expect(d.severity).toBe(c.severity);
    expect(d.causes[0]?.id).toBe(c.cause);
    if (c.cause !== "unknown") expect(d.causes[0]?.score).toBeGreaterThanOrEqual(0.5);
    expect(d.actions.map((a) => a.kind)).toEqual(c.actions);
    expect(d.apiCalls).toEqual({ list: 7, proxy: 6, log: 2 });

    // Memory figures are what metrics.k8s.io (kubectl top's source) reports at the same instant.
    const top = await cluster.podMetrics("rdev", "app=rdev-api");
    expect(top).toHaveLength(3);
    for (const m of top) {
      const row = d.pods.find((p) => p.name === m.name);
      expect(row?.memory.workingSetBytes).toBe(m.containers[0]?.memoryBytes);
      expect(row?.memory.limitBytes).toBe(512 * 1024 ** 2);
    }
    for (const p of d.pods) {
      expect(p.probe?.metrics?.sse).toBeGreaterThan(0);
      expect(p.probe?.readyStatus).toBe(200);
    }
  });

  it("cache growth proposes lowering CACHE_TTL from the value on the pods", async () => {
    const { diagnosis: d } = await diagnoseAfter(9, { scenario: "cache-growth" });
    expect(d.actions.find((a) => a.kind === "set-cache-ttl")).toMatchObject({
      params: { env: "CACHE_TTL", value: "15s", current: "5m" },
    });
  });

  it("a heap profile on request names the SSE broker", async () => {
    const { diagnosis: d, heapProfile } = await diagnoseAfter(9, { scenario: "sse-leak" }, "always");
    expect(d.heap).toMatchObject({ status: "captured", why: "requested", pod: d.pods[0]?.name });
    expect(heapProfile?.bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const pprof = d.causes[0]?.evidence.find((e) => e.kind === "pprof-site");
    expect(pprof?.text).toMatch(
      /allocated under github\.com\/rdev\/rdev\/internal\/sse\.\(\*Broker\)\.Subscribe/,
    );
    expect(d.actions.map((a) => a.kind)).not.toContain("capture-heap-profile");
  });
});

describe("diagnosis of the simulated cluster when things go wrong", () => {
  it("critical: captures the heap automatically and proposes restarting the leaking pod by name and UID", async () => {
    const { diagnosis: d, sim: s } = await diagnoseAfter(11, { scenario: "sse-leak" });
    expect(d.severity).toBe("critical");
    const worst = d.pods[0];
    expect(d.heap).toMatchObject({ status: "captured", why: "critical", pod: worst?.name });
    const uid = s.pods().find((p) => p.name === worst?.name)?.uid;
    expect(d.actions[0]).toMatchObject({ kind: "restart-pod", params: { pod: worst?.name, uid } });
    expect(d.apiCalls).toEqual({ list: 7, proxy: 7, log: 2 });
  });

  it("finds the OOM kill after the leaking pod hits its limit", async () => {
    const { diagnosis: d } = await diagnoseAfter(14, { scenario: "sse-leak" });
    expect(d.oomKills.length).toBeGreaterThanOrEqual(1);
    expect(d.oomKills[0]).toMatchObject({ source: "container-status", reason: "OOMKilled", exitCode: 137 });
    expect(d.actions.map((a) => a.id)).toContain("advice:post-incident");
  });

  it("without metrics-server: memory unknown, said plainly, the pods still probed", async () => {
    const { diagnosis: d } = await diagnoseAfter(1, { scenario: "steady", metricsApi: false });
    expect(d.severity).toBe("unknown");
    expect(d.notes.find((n) => n.source === "metrics")?.message).toMatch(/^metrics-server not installed/);
    expect(d.pods.every((p) => p.probe?.metrics !== null)).toBe(true);
  });

  it("RBAC 403 on listing pods is the report's error", async () => {
    const clock = new ManualClock();
    sim = await startSimulator({ scenario: "steady", clock });
    sim.faults.add({ method: "GET", path: /\/namespaces\/rdev\/pods$/, status: 403 });
    const cluster = createCluster(kubeConfigFromString(sim.kubeconfig()));
    const { diagnosis: d } = await runDiagnosis(
      { cluster, clock },
      { runbook: highMemoryRunbook(loadConfig({})) },
    );
    expect(d.error?.code).toBe("forbidden");
    expect(d.error?.message).toMatch(/Grant verb "list" on resource "pods"/);
  });

  it("a pod whose /metrics is slow is unavailable; the report still comes", async () => {
    const clock = new ManualClock();
    sim = await startSimulator({ scenario: "steady", clock });
    const slow = sim.pods()[0]?.name ?? "";
    sim.faults.add({ path: new RegExp(`/pods/${slow}(:\\d+)?/proxy/metrics$`), delayMs: 2000 });
    const cluster = createCluster(kubeConfigFromString(sim.kubeconfig()));
    const { diagnosis: d } = await runDiagnosis(
      { cluster, clock },
      { runbook: highMemoryRunbook(loadConfig({ DIAG_TIMEOUT_MS: "300" })) },
    );
    const row = d.pods.find((p) => p.name === slow);
    expect(row?.probe?.metricsError).toMatch(/timed out after 300 ms|timeout/);
    expect(d.pods.filter((p) => p.probe?.metrics)).toHaveLength(2);
    expect(d.severity).toBe("ok");
  });

  it("zero replicas: nothing to judge, and it says where it looked", async () => {
    const { diagnosis: d } = await diagnoseAfter(1, { scenario: "steady", replicas: 0 });
    expect(d.severity).toBe("unknown");
    expect(d.headline).toBe("No pods match app=rdev-api in namespace rdev.");
  });
});
