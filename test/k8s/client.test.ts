// createCluster through @kubernetes/client-node itself against the Kubernetes API simulator
// (HTTPS with its self-signed CA and a bearer token, exactly as a kubeconfig describes it).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { createCluster } from "@rdev/bot/k8s/client.ts";
import { KubeError } from "@rdev/bot/k8s/errors.ts";
import { connectCluster } from "@rdev/bot/k8s/index.ts";
import { kubeConfigFromString, loadKubeConfig } from "@rdev/bot/k8s/kubeconfig.ts";
import { describe, expect, it } from "vitest";
import { advanceUntil, CONTAINER, DEPLOYMENT, errorOf, NS, readyPods, SELECTOR, setup } from "./sim-setup.ts";

describe("reads", () => {
  it("lists pods with limits, requests, env and readiness, matching the simulator", async () => {
    const s = await setup();
    const pods = await readyPods(s);
    const truth = s.sim.pods(NS);
    expect(pods.map((p) => p.name).sort()).toEqual(truth.map((p) => p.name).sort());
    for (const pod of pods) {
      const view = truth.find((p) => p.name === pod.name);
      expect(pod.uid).toBe(view?.uid);
      expect(pod.phase).toBe("Running");
      expect(pod.ownerReplicaSet).toMatch(/^rdev-api-/);
      expect(pod.labels.app).toBe("rdev-api");
      expect(pod.containers).toHaveLength(1);
      expect(pod.containers[0]).toMatchObject({
        name: CONTAINER,
        memoryLimitBytes: 512 * 1024 ** 2,
        memoryRequestBytes: 256 * 1024 ** 2,
        restartCount: 0,
        ready: true,
        state: "running",
        lastTerminated: null,
        env: { CACHE_TTL: "5m" },
      });
    }
    expect(s.requests.every((r) => r.verb === "list" && r.resource === "pods" && r.status === 200)).toBe(
      true,
    );
  });

  it("reads pod metrics like kubectl top pod", async () => {
    const s = await setup();
    await readyPods(s);
    const metrics = await s.cluster.podMetrics(NS, SELECTOR);
    const truth = s.sim.pods(NS);
    expect(metrics).toHaveLength(3);
    for (const m of metrics) {
      const view = truth.find((p) => p.name === m.name);
      expect(m.namespace).toBe(NS);
      expect(m.windowSeconds).toBeGreaterThan(0);
      expect(m.containers[0]?.name).toBe(CONTAINER);
      expect(m.containers[0]?.memoryBytes).toBe(view?.memoryBytes);
      expect(m.containers[0]?.cpuNanoCores).toBeGreaterThanOrEqual(0);
    }
  });

  it("sees an OOMKill in sse-leak: restartCount, lastState OOMKilled 137; no reason=OOMKilled events", async () => {
    const s = await setup({ scenario: "sse-leak" });
    const pods = await advanceUntil(
      s.sim,
      30_000,
      60,
      () => s.cluster.listPods(NS, SELECTOR),
      (list) => list.some((p) => (p.containers[0]?.restartCount ?? 0) > 0),
    );
    const killed = pods.find((p) => (p.containers[0]?.restartCount ?? 0) > 0);
    const container = killed?.containers[0];
    expect(container?.lastTerminated).toMatchObject({ reason: "OOMKilled", exitCode: 137 });
    expect(container?.lastTerminated?.finishedAt).toBeInstanceOf(Date);
    expect(killed?.uid).toBe(s.sim.pods(NS).find((p) => p.name === killed?.name)?.uid);

    // The runbook's `--field-selector reason=OOMKilled` finds nothing: OOMKilled is a container
    // termination reason, not an event reason.
    expect(await s.cluster.listEvents(NS, "reason=OOMKilled")).toEqual([]);
    const podEvents = await s.cluster.listEvents(NS, `involvedObject.name=${killed?.name}`);
    expect(podEvents.length).toBeGreaterThan(0);
    expect(
      podEvents.every((e) => e.involvedObject.name === killed?.name && e.involvedObject.kind === "Pod"),
    ).toBe(true);
    const all = await s.cluster.listEvents(null);
    expect(all.length).toBeGreaterThanOrEqual(podEvents.length);
  });

  it("proxies /metrics (text), /ready and /debug/pprof/heap (gzip bytes intact)", async () => {
    const s = await setup();
    const [pod] = await readyPods(s);
    if (!pod) throw new Error("no pod");
    const metrics = await s.cluster.proxyGet(NS, pod.name, 8080, "/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.contentType).toMatch(/^text\/plain/);
    expect(metrics.body.toString("utf8")).toMatch(/^sse_connections_active \d+/m);

    const ready = await s.cluster.proxyGet(NS, pod.name, 8080, "/ready");
    expect(ready.status).toBe(200);

    const heap = await s.cluster.proxyGet(NS, pod.name, 8080, "/debug/pprof/heap");
    expect(heap.status).toBe(200);
    expect([heap.body[0], heap.body[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(heap.body).length).toBeGreaterThan(0);
    expect(s.requests.at(-1)).toMatchObject({ verb: "get", resource: "pods/proxy", status: 200, code: null });
  });

  it("returns a pod's failing /ready as data, and a missing pod as not_found", async () => {
    const s = await setup();
    const [pod] = await readyPods(s);
    if (!pod) throw new Error("no pod");
    s.sim.faults.proxy({
      pod: pod.name,
      proxyPath: "/ready",
      status: 503,
      body: "not ready\n",
      contentType: "text/plain",
    });
    const res = await s.cluster.proxyGet(NS, pod.name, 8080, "/ready");
    expect(res.status).toBe(503);
    expect(res.body.toString()).toBe("not ready\n");
    const err = await errorOf(s.cluster.proxyGet(NS, "rdev-api-gone", 8080, "/ready"));
    expect(err).toMatchObject({ code: "not_found", verb: "get", resource: "pods/proxy", status: 404 });
  });
});

describe("failures", () => {
  it("a 403 names the verb and resource the ServiceAccount lacks", async () => {
    const s = await setup();
    s.sim.faults.add({ method: "POST", path: /\/eviction$/, status: 403 });
    const pod = s.sim.pods(NS)[0];
    if (!pod) throw new Error("no pod");
    const err = await errorOf(s.cluster.evictPod(NS, pod.name, pod.uid));
    expect(err).toMatchObject({ code: "forbidden", status: 403, transient: false });
    expect(err.message).toContain('may not "create" "pods/eviction" in namespace "rdev"');
    expect(err.apiMessage).toContain("cannot create resource");

    s.sim.faults.add({ path: /metrics\.k8s\.io/, status: 403 });
    const metricsErr = await errorOf(s.cluster.podMetrics(NS, SELECTOR));
    expect(metricsErr.message).toContain('may not "list" "pods.metrics.k8s.io"');
  });

  it("a 500 is a transient server error", async () => {
    const s = await setup();
    s.sim.faults.add({ method: "GET", path: /\/pods$/, status: 500, times: 1 });
    const err = await errorOf(s.cluster.listPods(NS, SELECTOR));
    expect(err).toMatchObject({
      code: "server",
      status: 500,
      transient: true,
      verb: "list",
      resource: "pods",
    });
    expect(await s.cluster.listPods(NS, SELECTOR)).toHaveLength(3);
    expect(s.requests.map((r) => r.code)).toEqual(["server", null]);
  });

  it("a delay beyond the per-call timeout is a timeout", async () => {
    const s = await setup();
    s.sim.faults.add({ path: /\/deployments\/rdev-api$/, delayMs: 2000, times: 1 });
    const err = await errorOf(s.cluster.getDeployment(NS, DEPLOYMENT, { timeoutMs: 100 }));
    expect(err).toMatchObject({
      code: "timeout",
      status: null,
      transient: true,
      resource: "deployments.apps",
    });
    expect(err.message).toContain("100 ms");
  });

  it("nothing listening is a network error", async () => {
    const s = await setup();
    await s.sim.close();
    const err = await errorOf(s.cluster.listPods(NS, SELECTOR));
    expect(err).toMatchObject({ code: "network", status: null, transient: true });
  });

  it("a wrong token is unauthorized", async () => {
    const s = await setup();
    const yaml = s.sim.kubeconfig().replace(JSON.stringify(s.sim.token), JSON.stringify("wrong-token"));
    const bad = createCluster(kubeConfigFromString(yaml));
    const err = await errorOf(bad.listPods(NS, SELECTOR));
    expect(err).toMatchObject({ code: "unauthorized", status: 401 });
  });
});

describe("kubeconfig files", () => {
  it("loads the simulator's kubeconfig from KUBECONFIG, and refuses a missing one", async () => {
    const s = await setup();
    const dir = await mkdtemp(join(tmpdir(), "k8s-client-"));
    try {
      const path = join(dir, "config");
      await s.sim.writeKubeconfig(path);
      const cluster = createCluster(loadKubeConfig({ env: { KUBECONFIG: path } }));
      expect(await cluster.listPods(NS, SELECTOR)).toHaveLength(3);
      const connected = connectCluster({ kubeconfigPath: path, env: {}, timeoutMs: 2000 });
      expect(connected.kubeConfig.getCurrentCluster()?.server).toBe(s.sim.httpsUrl);
      expect(await connected.cluster.getDeployment(NS, DEPLOYMENT)).toMatchObject({
        name: DEPLOYMENT,
        replicas: 3,
      });
      const missing = join(dir, "missing");
      let err: unknown;
      try {
        loadKubeConfig({ env: { KUBECONFIG: missing } });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KubeError);
      expect(err).toMatchObject({ code: "config" });
      expect((err as KubeError).message).toContain(missing);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
