// Reads: discovery, lists with selectors and pagination, Tables, watches, metrics.k8s.io, pod proxy.
import { gunzipSync } from "node:zlib";
import type { Simulator } from "@rdev/kube-sim/index.ts";
import { afterEach, describe, expect, it } from "vitest";
import { manualSim } from "./support/client.ts";
import { MiB } from "./support/linear-app.ts";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const PODS = "/api/v1/namespaces/rdev/pods";

describe("discovery", () => {
  it("serves legacy discovery documents and /version", async () => {
    const s = await manualSim();
    sim = s.sim;
    expect((await s.api.get("/api")).body).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const groups = (await s.api.get("/apis")).body.groups.map((g: { name: string }) => g.name);
    expect(groups).toEqual([
      "apps",
      "policy",
      "networking.k8s.io",
      "apiextensions.k8s.io",
      "traefik.io",
      "metrics.k8s.io",
    ]);
    const core = (await s.api.get("/api/v1")).body.resources.map((r: { name: string }) => r.name);
    expect(core).toEqual(
      expect.arrayContaining(["pods", "events", "nodes", "namespaces", "pods/eviction", "pods/proxy"]),
    );
    expect((await s.api.get("/version")).body.gitVersion).toMatch(/^v1\.32\./);
  });

  it("hides metrics.k8s.io when the cluster has no metrics-server", async () => {
    const s = await manualSim({ metricsApi: false });
    sim = s.sim;
    const groups = (await s.api.get("/apis")).body.groups.map((g: { name: string }) => g.name);
    expect(groups).not.toContain("metrics.k8s.io");
    const res = await s.api.get("/apis/metrics.k8s.io/v1beta1/namespaces/rdev/pods");
    expect(res.status).toBe(404);
    expect(res.body.reason).toBe("NotFound");
    sim.faults.metricsApi = true;
    expect((await s.api.get("/apis/metrics.k8s.io/v1beta1/namespaces/rdev/pods")).status).toBe(200);
  });
});

describe("lists", () => {
  it("returns pods with metadata like a real cluster, filtered by label and field selectors", async () => {
    const s = await manualSim();
    sim = s.sim;
    const res = await s.api.get(`${PODS}?labelSelector=app%3Drdev-api`);
    expect(res.body.kind).toBe("PodList");
    expect(res.body.items).toHaveLength(3);
    const listRv = Number(res.body.metadata.resourceVersion);
    for (const p of res.body.items) {
      expect(p.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(p.metadata.name).toMatch(
        /^rdev-api-[bcdfghjklmnpqrstvwxz2456789]+-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
      );
      expect(Number(p.metadata.resourceVersion)).toBeLessThanOrEqual(listRv);
      expect(p.metadata.creationTimestamp).toBe(new Date(s.clock.now()).toISOString().replace(".000Z", "Z"));
      expect(p.metadata.ownerReferences[0]).toMatchObject({ kind: "ReplicaSet", controller: true });
      expect(p.status.phase).toBe("Running");
    }
    expect((await s.api.get(`${PODS}?labelSelector=app%3Dother`)).body.items).toEqual([]);
    const node = res.body.items[0].spec.nodeName;
    const onNode = await s.api.get(`/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`);
    expect(onNode.body.items.every((p: { spec: { nodeName: string } }) => p.spec.nodeName === node)).toBe(
      true,
    );
    const running = await s.api.get(
      `${PODS}?fieldSelector=status.phase%3DRunning,metadata.name%3D${res.body.items[1].metadata.name}`,
    );
    expect(running.body.items).toHaveLength(1);
  });

  it("pages with limit and continue", async () => {
    const s = await manualSim({ replicas: 5 });
    sim = s.sim;
    const first = await s.api.get(`${PODS}?limit=2`);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.metadata.remainingItemCount).toBe(3);
    const names = first.body.items.map((p: { metadata: { name: string } }) => p.metadata.name);
    let token = first.body.metadata.continue;
    while (token) {
      const page = await s.api.get(`${PODS}?limit=2&continue=${encodeURIComponent(token)}`);
      names.push(...page.body.items.map((p: { metadata: { name: string } }) => p.metadata.name));
      token = page.body.metadata.continue;
    }
    expect(names).toHaveLength(5);
    expect(new Set(names).size).toBe(5);
    expect((await s.api.get(`${PODS}?limit=2&continue=garbage`)).status).toBe(400);
  });

  it("converts to a Table when asked the way kubectl asks", async () => {
    const s = await manualSim();
    sim = s.sim;
    sim.advance(65_000);
    const res = await s.api.get(PODS, {
      Accept:
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
    });
    expect(res.body.kind).toBe("Table");
    expect(res.body.columnDefinitions.map((c: { name: string }) => c.name).slice(0, 5)).toEqual([
      "Name",
      "Ready",
      "Status",
      "Restarts",
      "Age",
    ]);
    expect(res.body.rows[0].cells.slice(1, 5)).toEqual(["1/1", "Running", 0, "65s"]);
    expect(res.body.rows[0].object.kind).toBe("PartialObjectMetadata");
  });
});

describe("watch", () => {
  it("streams DELETED and ADDED events after a resourceVersion", async () => {
    const s = await manualSim();
    sim = s.sim;
    const list = await s.api.get(PODS);
    const rv = list.body.metadata.resourceVersion;
    const controller = new AbortController();
    const res = await fetch(
      `${sim.url}${PODS}?watch=true&resourceVersion=${rv}&labelSelector=app%3Drdev-api`,
      {
        headers: { Authorization: `Bearer ${sim.token}` },
        signal: controller.signal,
      },
    );
    expect(res.status).toBe(200);
    const victim = list.body.items[0].metadata.name;
    await s.api.send("DELETE", `${PODS}/${victim}`);
    const reader = res.body?.getReader();
    if (!reader) throw new Error("no body");
    const events: { type: string; object: { metadata: { name: string } } }[] = [];
    let buffer = "";
    while (!events.some((e) => e.type === "ADDED")) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += Buffer.from(value).toString("utf8");
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) if (line) events.push(JSON.parse(line));
    }
    controller.abort();
    expect(events.find((e) => e.type === "DELETED")?.object.metadata.name).toBe(victim);
    expect(events.find((e) => e.type === "ADDED")?.object.metadata.name).not.toBe(victim);
  });

  it("answers a too-old resourceVersion with a 410 ERROR event", async () => {
    const s = await manualSim();
    sim = s.sim;
    const res = await s.api.get(`${PODS}?watch=true&resourceVersion=1`);
    const event = JSON.parse(res.text.trim());
    expect(event.type).toBe("ERROR");
    expect(event.object).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
  });
});

describe("metrics.k8s.io", () => {
  it("reports each pod's working set like metrics-server", async () => {
    const s = await manualSim();
    sim = s.sim;
    sim.advance(60_000);
    const res = await s.api.get(
      "/apis/metrics.k8s.io/v1beta1/namespaces/rdev/pods?labelSelector=app%3Drdev-api",
    );
    expect(res.body.kind).toBe("PodMetricsList");
    expect(res.body.items).toHaveLength(3);
    const m = res.body.items[0];
    expect(m).toMatchObject({ kind: "PodMetrics", apiVersion: "metrics.k8s.io/v1beta1", window: "15s" });
    expect(m.containers[0].name).toBe("rdev-api");
    expect(m.containers[0].usage.memory).toBe("160Mi"); // canonical BinarySI, as metrics-server renders it
    expect(m.containers[0].usage.cpu).toMatch(/^\d+(n|m)$/);
    const view = sim.pods().find((p) => p.name === m.metadata.name);
    expect(view?.memoryBytes).toBe(160 * MiB);
    const one = await s.api.get(`/apis/metrics.k8s.io/v1beta1/namespaces/rdev/pods/${m.metadata.name}`);
    expect(one.body.metadata.name).toBe(m.metadata.name);
    const missing = await s.api.get("/apis/metrics.k8s.io/v1beta1/namespaces/rdev/pods/nope");
    expect(missing.status).toBe(404);
    const nodes = await s.api.get("/apis/metrics.k8s.io/v1beta1/nodes");
    expect(nodes.body.items).toHaveLength(3);
  });
});

describe("pod proxy", () => {
  it("forwards /metrics, /ready and /debug/pprof/heap to the pod's app", async () => {
    const s = await manualSim();
    sim = s.sim;
    const pod = sim.pods()[0]?.name;
    const base = `${PODS}/${pod}:8080/proxy`;
    const notReady = await s.api.get(`${base}/ready`);
    expect(notReady.status).toBe(503);
    sim.advance(5000);
    const ready = await s.api.get(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.text).toBe("ok");
    const metrics = await s.api.get(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    expect(metrics.text).toContain("sse_connections_active 5");
    const heap = await fetch(`${sim.url}${base}/debug/pprof/heap`, {
      headers: { Authorization: `Bearer ${sim.token}` },
    });
    expect(heap.headers.get("content-type")).toBe("application/octet-stream");
    const bytes = Buffer.from(await heap.arrayBuffer());
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(bytes).toString()).toBe(`heap of ${pod}`);
    expect((await s.api.get(`${base}/nope`)).status).toBe(404);
    expect((await s.api.get(`${PODS}/${pod}:http/proxy/ready`)).status).toBe(200);
  });

  it("fails like the API server when nothing listens or the pod is gone", async () => {
    const s = await manualSim();
    sim = s.sim;
    const pod = sim.pods()[0];
    const wrongPort = await s.api.get(`${PODS}/${pod?.name}:9090/proxy/metrics`);
    expect(wrongPort.status).toBe(503);
    expect(wrongPort.body).toMatchObject({
      reason: "ServiceUnavailable",
      message: `error trying to reach service: dial tcp ${pod?.podIP}:9090: connect: connection refused`,
    });
    const missing = await s.api.get(`${PODS}/nope:8080/proxy/metrics`);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('pods "nope" not found');
  });
});

describe("GET /metrics (what Prometheus scrapes about the pods)", () => {
  it("serves cAdvisor and kube-state-metrics series without a token", async () => {
    const s = await manualSim({ replicas: 1 });
    sim = s.sim;
    sim.advance(60_000);
    const pod = sim.pods()[0];
    const res = await fetch(`${sim.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(`container_memory_working_set_bytes{`);
    expect(text).toMatch(new RegExp(`pod="${pod?.name}"[^}]*} ${160 * MiB}`));
    sim.advance(412_000); // the linear test app reaches 512Mi 412 s after start
    expect(await (await fetch(`${sim.url}/metrics`)).text()).toMatch(
      /kube_pod_container_status_restarts_total\{[^}]*} 1/,
    );
  });
});
