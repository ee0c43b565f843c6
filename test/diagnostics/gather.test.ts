// runDiagnosis against the in-memory FakeCluster: what is read, what degrades, what it costs.

import { ManualClock } from "@rdev/bot/clock.ts";
import { loadConfig } from "@rdev/bot/config.ts";
import { runDiagnosis } from "@rdev/bot/diagnose/run-diagnosis.ts";
import type { ClusterEvent } from "@rdev/bot/k8s/types.ts";
import { highMemoryRunbook } from "@rdev/bot/runbooks/high-memory/index.ts";
import { type ScenarioName, startAppProcess } from "@rdev/kube-sim/workload/index.ts";
import { describe, expect, it } from "vitest";
import { FakeCluster, kubeError, MI, pod, usage } from "../support/fake-cluster.ts";

const START = Date.parse("2026-11-26T03:00:00Z");

function app(scenario: ScenarioName, podIndex: number) {
  return startAppProcess({
    scenario,
    podName: `rdev-api-${podIndex}`,
    podIndex,
    restartCount: 0,
    generation: 0,
    startedAtMs: START - 600_000,
    spec: { memoryLimitBytes: 512 * MI, env: {} },
    seed: 7,
  });
}

/** Three pods serving the simulated rdev-api's /metrics and heap profile, usage in MiB. */
function cluster(usageMi: number[], scenario: ScenarioName = "steady"): FakeCluster {
  const c = new FakeCluster();
  usageMi.forEach((mi, i) => {
    const name = `rdev-api-7c9f8-${i}`;
    c.pods.push(pod(name, { nodeName: `node-${i % 2}` }));
    c.metrics.push(usage(name, mi * MI));
    c.appMetrics.set(name, app(scenario, i).metricsText(START));
  });
  c.heapProfile = app(scenario, 0).heapProfile(START);
  return c;
}

function diagnose(c: FakeCluster, env: Record<string, string> = {}, heap?: "auto" | "always" | "never") {
  const runbook = highMemoryRunbook(loadConfig(env));
  return runDiagnosis({ cluster: c, clock: new ManualClock(START), elapsed: () => 0 }, { runbook, heap });
}

describe("runDiagnosis with a healthy workload", () => {
  it("reads memory, restarts, readiness and /metrics for every pod with O(1) list calls", async () => {
    const c = cluster([200, 210, 190]);
    c.pods[1] = pod("rdev-api-7c9f8-1", {
      nodeName: "node-1",
      container: {
        restartCount: 2,
        lastTerminated: {
          reason: "Error",
          exitCode: 2,
          startedAt: null,
          finishedAt: new Date(START - 7_200_000),
        },
      },
    });
    c.readyStatus.set("rdev-api-7c9f8-2", 503);
    const { diagnosis: d, heapProfile } = await diagnose(c);
    expect(d.error).toBeNull();
    expect(d.severity).toBe("ok");
    expect(d.headline).toBe(
      "All 3 pod(s) below 80% of their memory limit (worst rdev-api-7c9f8-1 at 41.0% of 512Mi).",
    );
    expect(d.pods.map((p) => [p.name, p.memory.percentOfLimit, p.severity, p.restarts])).toEqual([
      ["rdev-api-7c9f8-1", 41, "ok", 2],
      ["rdev-api-7c9f8-0", 39.1, "ok", 0],
      ["rdev-api-7c9f8-2", 37.1, "ok", 0],
    ]);
    const first = d.pods[0];
    expect(first?.memory).toEqual({
      workingSetBytes: 210 * MI,
      limitBytes: 512 * MI,
      requestBytes: 256 * MI,
      percentOfLimit: 41,
      note: null,
    });
    expect(first?.lastTermination).toEqual({
      reason: "Error",
      exitCode: 2,
      finishedAt: "2026-11-26T01:00:00.000Z",
    });
    expect(first?.ageMs).toBe(3 * 3_600_000);
    expect(first?.probe?.metrics?.sse).toBeGreaterThan(250);
    expect(d.pods[2]?.probe?.readyStatus).toBe(503);
    expect(d.oomKills).toEqual([]);
    expect(d.actions).toEqual([]);
    expect(d.causes[0]?.id).toBe("unknown");
    // 4 lists, 3 route lists (Ingress, IngressRoute, ServersTransport), 2 worst pods' logs.
    expect(d.apiCalls).toEqual({ list: 7, proxy: 6, log: 2 });
    expect(c.count("listPods") + c.count("podMetrics") + c.count("listEvents")).toBe(4);
    expect(heapProfile).toBeNull();
    // Diagnostics only reads.
    for (const write of ["evictPod", "deletePod", "restartDeployment", "setMemoryLimit", "setEnv"] as const) {
      expect(c.count(write)).toBe(0);
    }
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });
});

describe("runDiagnosis degrades, never sinks", () => {
  it("marks a pod whose /metrics hangs as unavailable after the timeout; the others are read", async () => {
    const c = cluster([200, 210, 190]).hang("proxyGet", {
      match: (a) => a[1] === "rdev-api-7c9f8-0" && a[3] === "/metrics",
    });
    const { diagnosis: d } = await diagnose(c, { DIAG_TIMEOUT_MS: "30" });
    const slow = d.pods.find((p) => p.name === "rdev-api-7c9f8-0");
    expect(slow?.probe).toMatchObject({
      metrics: null,
      metricsError: "timed out after 30 ms",
      readyStatus: 200,
    });
    expect(d.pods.filter((p) => p.probe?.metrics)).toHaveLength(2);
    expect(d.notes.find((n) => n.source === "proxy")?.message).toBe(
      "1 of 3 probed pod(s) did not fully answer through the API server proxy: rdev-api-7c9f8-0 (timed out after 30 ms)",
    );
  });

  it("marks a failing pod with the API server's reason", async () => {
    const c = cluster([200, 210, 190]).fail(
      "proxyGet",
      kubeError(
        "server",
        503,
        "get",
        "pods/proxy",
        "error trying to reach service: dial tcp 10.0.0.7:8080: connect: connection refused",
      ),
      { match: (a) => a[1] === "rdev-api-7c9f8-2" },
    );
    const { diagnosis: d } = await diagnose(c);
    const bad = d.pods.find((p) => p.name === "rdev-api-7c9f8-2");
    expect(bad?.probe?.metricsError).toBe(
      "HTTP 503 server: error trying to reach service: dial tcp 10.0.0.7:8080: connect: connection refused",
    );
    expect(bad?.probe?.readyError).toBe(bad?.probe?.metricsError);
    expect(d.severity).toBe("ok");
  });

  it("explains once, with what to grant, when RBAC refuses the pod proxy", async () => {
    const c = cluster([200, 210, 190]).fail(
      "proxyGet",
      kubeError("forbidden", 403, "get", "pods/proxy", 'pods "rdev-api-7c9f8-0" is forbidden'),
    );
    const { diagnosis: d } = await diagnose(c);
    expect(d.pods.every((p) => p.probe?.metricsError?.startsWith("HTTP 403 forbidden"))).toBe(true);
    const refusals = d.notes.filter((n) => n.message.startsWith("The pods' endpoints cannot be read"));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.message).toMatch(/Grant verb "get" on resource "pods\/proxy"/);
    expect(d.severity).toBe("ok");
  });

  it("says metrics-server is not installed when metrics.k8s.io answers 404", async () => {
    const c = cluster([200, 210, 190]).fail(
      "podMetrics",
      kubeError(
        "not_found",
        404,
        "list",
        "pods.metrics.k8s.io",
        "the server could not find the requested resource",
      ),
    );
    const { diagnosis: d } = await diagnose(c);
    expect(d.severity).toBe("unknown");
    expect(d.pods.every((p) => p.memory.workingSetBytes === null && p.memory.limitBytes === 512 * MI)).toBe(
      true,
    );
    expect(d.pods[0]?.memory.note).toBe("metrics-server not installed");
    expect(d.notes.find((n) => n.source === "metrics")?.message).toMatch(/^metrics-server not installed/);
    expect(d.headline).toBe("Memory usage unknown for 3 pod(s): metrics-server not installed.");
    // The pods' own /metrics are still read.
    expect(d.pods.filter((p) => p.probe?.metrics).length).toBe(3);
  });

  it("reports a 403 on listing pods as the report's error, with the KubeError's advice", async () => {
    const c = cluster([200]).fail(
      "listPods",
      kubeError(
        "forbidden",
        403,
        "list",
        "pods",
        'pods is forbidden: User "system:serviceaccount:rdev:bot" cannot list resource "pods"',
      ),
    );
    const { diagnosis: d } = await diagnose(c);
    expect(d.error?.code).toBe("forbidden");
    expect(d.error?.message).toMatch(/Grant verb "list" on resource "pods"/);
    expect(d.headline).toMatch(/^Could not list the pods of rdev\/rdev-api: Forbidden/);
    expect(d.severity).toBe("unknown");
    expect(d.pods).toEqual([]);
    expect(d.apiCalls).toEqual({ list: 7, proxy: 0, log: 0 });
    expect(c.count("proxyGet")).toBe(0);
  });

  it("gives up on a hung pod list after the timeout", async () => {
    const c = cluster([200]).hang("listPods");
    const { diagnosis: d } = await diagnose(c, { DIAG_TIMEOUT_MS: "20" });
    expect(d.error).toEqual({
      code: "timeout",
      message:
        "listing pods timed out after 20 ms (DIAG_TIMEOUT_MS). Check the API server's load and network, or raise DIAG_TIMEOUT_MS.",
    });
  });

  it("notes forbidden events but still finds OOM kills in container statuses", async () => {
    const c = cluster([200, 210]);
    c.pods[0] = pod("rdev-api-7c9f8-0", {
      container: {
        restartCount: 1,
        lastTerminated: {
          reason: "OOMKilled",
          exitCode: 137,
          startedAt: null,
          finishedAt: new Date(START - 720_000),
        },
      },
    });
    c.fail("listEvents", kubeError("forbidden", 403, "list", "events", "events is forbidden"));
    const { diagnosis: d } = await diagnose(c);
    expect(d.oomKills).toHaveLength(1);
    expect(d.severity).toBe("warning");
    expect(d.pods.find((p) => p.name === "rdev-api-7c9f8-0")?.severityReason).toBe(
      "39.1% of its 512Mi limit; OOMKilled 12m ago",
    );
    expect(d.headline).toBe("Memory is below 80% now, but 1 OOM kill(s) happened in the last 1h.");
    expect(d.notes.map((n) => n.source)).toEqual(["events", "node-events"]);
  });

  it("adds OOM events from the namespace and the pods' nodes", async () => {
    const c = cluster([200, 210]);
    const ev = (e: Partial<ClusterEvent> & { kind: string; name: string }): ClusterEvent => ({
      namespace: e.kind === "Node" ? "default" : "rdev",
      type: "Warning",
      reason: e.reason ?? "OOMKilling",
      message: e.message ?? "Memory cgroup out of memory",
      involvedObject: { kind: e.kind, name: e.name, namespace: null, uid: null },
      count: 1,
      firstTimestamp: new Date(START - 300_000),
      lastTimestamp: new Date(START - 300_000),
      source: "kernel-monitor",
    });
    c.events.push(
      ev({ kind: "Pod", name: "rdev-api-7c9f8-1", reason: "OOMKilled" }),
      ev({ kind: "Node", name: "node-0", reason: "SystemOOM", message: "System OOM encountered" }),
      ev({ kind: "Node", name: "node-7", reason: "SystemOOM" }),
    );
    const { diagnosis: d } = await diagnose(c);
    expect(d.oomKills.map((k) => [k.source, k.pod, k.node])).toEqual([
      ["pod-event", "rdev-api-7c9f8-1", "node-1"],
      ["node-event", null, "node-0"],
    ]);
    expect(c.calls.filter((x) => x.method === "listEvents").map((x) => x.args)).toEqual([
      ["rdev", "type=Warning"],
      ["default", "involvedObject.kind=Node,type=Warning"],
    ]);
  });

  it("handles zero pods", async () => {
    const { diagnosis: d } = await diagnose(new FakeCluster());
    expect(d.severity).toBe("unknown");
    expect(d.headline).toBe("No pods match app=rdev-api in namespace rdev.");
    expect(d.notes[0]?.message).toMatch(/Check RDEV_NAMESPACE and RDEV_SELECTOR/);
    expect(d.apiCalls.proxy).toBe(0);
  });

  it("shows usage without a percentage for a pod with no memory limit", async () => {
    const c = cluster([300, 200]);
    c.pods[0] = pod("rdev-api-7c9f8-0", { container: { memoryLimitBytes: null, memoryRequestBytes: null } });
    const { diagnosis: d } = await diagnose(c);
    const unlimited = d.pods.find((p) => p.name === "rdev-api-7c9f8-0");
    expect(unlimited?.memory).toEqual({
      workingSetBytes: 300 * MI,
      limitBytes: null,
      requestBytes: null,
      percentOfLimit: null,
      note: "no memory limit set",
    });
    expect(unlimited?.severity).toBe("unknown");
    expect(d.severity).toBe("ok");
  });

  it("does not probe pods that are not running", async () => {
    const c = cluster([200, 210]);
    c.pods.push(pod("rdev-api-7c9f8-9", { phase: "Pending", nodeName: null }));
    const { diagnosis: d } = await diagnose(c);
    expect(d.pods.find((p) => p.name === "rdev-api-7c9f8-9")).toMatchObject({
      probe: null,
      notProbedReason: "pod is Pending",
    });
    expect(d.apiCalls.proxy).toBe(4);
  });
});

describe("runDiagnosis keeps API cost bounded", () => {
  it("probes only the worst DIAG_MAX_PODS_PROBED pods, under the concurrency bound", async () => {
    const usageMi = Array.from({ length: 40 }, (_, i) => 100 + ((i * 37) % 300));
    const c = cluster(usageMi);
    c.proxyPause = () => new Promise((r) => setImmediate(r));
    const { diagnosis: d } = await diagnose(c, { DIAG_MAX_PODS_PROBED: "5", DIAG_CONCURRENCY: "3" });
    expect(d.counts).toMatchObject({ pods: 40, probed: 5 });
    expect(c.count("proxyGet")).toBe(10);
    expect(d.apiCalls).toEqual({ list: 7, proxy: 10, log: 2 });
    expect(c.peakProxyInFlight).toBe(3);
    const probed = d.pods.filter((p) => p.probe !== null).map((p) => p.memory.workingSetBytes);
    const worst5 = [...usageMi]
      .sort((a, b) => b - a)
      .slice(0, 5)
      .map((mi) => mi * MI);
    expect(probed).toEqual(worst5);
    expect(d.pods.filter((p) => p.notProbedReason === "not sampled")).toHaveLength(35);
    expect(d.notes.find((n) => n.source === "sampling")?.message).toBe(
      "Probed the 5 pods with the highest memory of 40 running (DIAG_MAX_PODS_PROBED=5).",
    );
  });

  it("costs the same for 300 pods as for 30", async () => {
    const counts = [];
    for (const n of [30, 300]) {
      const c = cluster(Array.from({ length: n }, (_, i) => 100 + (i % 250)));
      await diagnose(c);
      counts.push(c.calls.length);
    }
    // Lists, route lists, probes of the 10 worst, logs of the 2 worst: the same for both.
    expect(counts).toEqual([4 + 3 + 20 + 2, 4 + 3 + 20 + 2]);
  });
});

describe("runDiagnosis and the heap profile", () => {
  it("captures the worst pod's profile automatically when it is critical, and keeps the raw bytes aside", async () => {
    const c = cluster([500, 210, 190], "sse-leak");
    const { diagnosis: d, heapProfile } = await diagnose(c);
    expect(d.severity).toBe("critical");
    expect(d.heap).toMatchObject({ status: "captured", pod: "rdev-api-7c9f8-0", why: "critical" });
    if (d.heap?.status !== "captured") throw new Error("expected a heap profile");
    expect(d.heap.summary.top[0]?.function).toBe("github.com/rdev/rdev/internal/sse.(*Broker).Subscribe");
    expect(heapProfile?.bytes.equals(c.heapProfile as Buffer)).toBe(true);
    expect(heapProfile?.fileName).toBe("heap-rdev-api-7c9f8-0-2026-11-26T030000000Z.pb.gz");
    expect(JSON.stringify(d)).not.toContain('"bytes":{"type":"Buffer"');
    expect(d.apiCalls.proxy).toBe(7);
    expect(d.causes[0]?.id).toBe("sse-leak");
    expect(d.causes[0]?.evidence.some((e) => e.kind === "pprof-site")).toBe(true);
    expect(d.actions.some((a) => a.kind === "capture-heap-profile")).toBe(false);
  });

  it("captures on request even when healthy, and never when told not to", async () => {
    const requested = await diagnose(cluster([200, 210]), {}, "always");
    expect(requested.diagnosis.heap).toMatchObject({
      status: "captured",
      pod: "rdev-api-7c9f8-1",
      why: "requested",
    });
    const never = await diagnose(cluster([500, 210]), {}, "never");
    expect(never.diagnosis.heap).toBeNull();
    expect(never.diagnosis.actions.map((a) => a.kind)).toContain("capture-heap-profile");
  });

  it("reports a profile that is not a profile, and proposes capturing one", async () => {
    const c = cluster([500, 210]);
    c.heapProfile = Buffer.from("<html><body>login</body></html>");
    const { diagnosis: d, heapProfile } = await diagnose(c);
    expect(heapProfile).toBeNull();
    expect(d.heap).toMatchObject({
      status: "failed",
      error: expect.stringMatching(
        /^could not read the heap profile: Expected a pprof heap profile but got an HTML page/,
      ),
    });
    expect(d.notes.find((n) => n.source === "heap")?.message).toMatch(
      /^Heap profile of rdev-api-7c9f8-0 unavailable/,
    );
    expect(d.actions.find((a) => a.kind === "capture-heap-profile")?.reason).toMatch(
      /the automatic capture failed/,
    );
  });
});
