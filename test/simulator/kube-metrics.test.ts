import { spawnSync } from "node:child_process";
import { type KubeMetricsPod, podOwner, renderKubeMetrics } from "@rdev/kube-sim/kube-metrics.ts";
import parsePrometheusTextFormat, { type PrometheusFamily } from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { promtoolBinary } from "../support/prometheus.ts";

const NOW = Date.parse("2026-11-26T03:00:00Z");
const MiB = 1024 * 1024;

const pod = (overrides: Partial<KubeMetricsPod> = {}): KubeMetricsPod => ({
  namespace: "rdev",
  pod: "rdev-api-7d9f8b6c5d-x2k4q",
  container: "rdev-api",
  node: "node-a",
  image: "registry.example.com/rdev-api:1.4.2",
  workingSetBytes: 456 * MiB,
  limitBytes: 512 * MiB,
  requestBytes: 256 * MiB,
  restarts: 2,
  lastTerminatedReason: "OOMKilled",
  ...overrides,
});

const parse = (text: string) => parsePrometheusTextFormat(text);
const family = (families: PrometheusFamily[], name: string): PrometheusFamily => {
  const found = families.find((f) => f.name === name);
  if (!found) throw new Error(`${name} missing; have ${families.map((f) => f.name).join(", ")}`);
  return found;
};
const samples = (families: PrometheusFamily[], name: string) =>
  families.find((f) => f.name === name)?.metrics ?? [];

describe("renderKubeMetrics", () => {
  it("renders cAdvisor working set with the kubelet's labels and timestamp", () => {
    const families = parse(renderKubeMetrics([pod()], NOW));
    const ws = family(families, "container_memory_working_set_bytes");
    expect(ws.type).toBe("GAUGE");
    expect(ws.metrics).toEqual([
      {
        labels: {
          container: "rdev-api",
          image: "registry.example.com/rdev-api:1.4.2",
          namespace: "rdev",
          node: "node-a",
          pod: "rdev-api-7d9f8b6c5d-x2k4q",
        },
        value: String(456 * MiB),
        timestamp_ms: String(NOW),
      },
    ]);
    expect(samples(families, "container_spec_memory_limit_bytes")[0]?.value).toBe(String(512 * MiB));
  });

  it("renders kube-state-metrics limits and requests in bytes with resource and unit labels", () => {
    const families = parse(renderKubeMetrics([pod()], NOW));
    const expectLabels = {
      namespace: "rdev",
      pod: "rdev-api-7d9f8b6c5d-x2k4q",
      container: "rdev-api",
      node: "node-a",
      resource: "memory",
      unit: "byte",
    };
    expect(samples(families, "kube_pod_container_resource_limits")).toEqual([
      { labels: expectLabels, value: String(512 * MiB) },
    ]);
    expect(samples(families, "kube_pod_container_resource_requests")).toEqual([
      { labels: expectLabels, value: String(256 * MiB) },
    ]);
  });

  it("omits limit and request series for a container without them, as kube-state-metrics does", () => {
    const text = renderKubeMetrics(
      [pod({ pod: "rdev-api-7d9f8b6c5d-m8zlp", limitBytes: null, requestBytes: null }), pod()],
      NOW,
    );
    const families = parse(text);
    const limited = samples(families, "kube_pod_container_resource_limits").map((s) => s.labels?.pod);
    expect(limited).toEqual(["rdev-api-7d9f8b6c5d-x2k4q"]);
    expect(samples(families, "kube_pod_container_resource_requests")).toHaveLength(1);
    // cAdvisor reports an unlimited container's limit as 0.
    const spec = samples(families, "container_spec_memory_limit_bytes");
    expect(spec.map((s) => [s.labels?.pod, s.value])).toEqual([
      ["rdev-api-7d9f8b6c5d-m8zlp", "0"],
      ["rdev-api-7d9f8b6c5d-x2k4q", String(512 * MiB)],
    ]);
  });

  it("renders restarts as a counter and the last termination reason only when there is one", () => {
    const families = parse(
      renderKubeMetrics(
        [pod(), pod({ pod: "rdev-api-7d9f8b6c5d-m8zlp", restarts: 0, lastTerminatedReason: null })],
        NOW,
      ),
    );
    const restarts = family(families, "kube_pod_container_status_restarts_total");
    expect(restarts.type).toBe("COUNTER");
    expect(restarts.metrics.map((s) => [s.labels, s.value])).toEqual([
      [{ namespace: "rdev", pod: "rdev-api-7d9f8b6c5d-x2k4q", container: "rdev-api" }, "2"],
      [{ namespace: "rdev", pod: "rdev-api-7d9f8b6c5d-m8zlp", container: "rdev-api" }, "0"],
    ]);
    expect(samples(families, "kube_pod_container_status_last_terminated_reason")).toEqual([
      {
        labels: {
          namespace: "rdev",
          pod: "rdev-api-7d9f8b6c5d-x2k4q",
          container: "rdev-api",
          reason: "OOMKilled",
        },
        value: "1",
      },
    ]);
  });

  it("renders pod and ReplicaSet owners once per pod and per ReplicaSet", () => {
    const families = parse(
      renderKubeMetrics(
        [
          pod(),
          pod({ container: "istio-proxy", image: "proxy:1" }),
          pod({ pod: "rdev-api-7d9f8b6c5d-m8zlp" }),
          pod({ pod: "redis-0", container: "redis" }),
        ],
        NOW,
      ),
    );
    expect(samples(families, "kube_pod_owner").map((s) => s.labels)).toEqual([
      {
        namespace: "rdev",
        pod: "rdev-api-7d9f8b6c5d-x2k4q",
        owner_kind: "ReplicaSet",
        owner_name: "rdev-api-7d9f8b6c5d",
        owner_is_controller: "true",
      },
      {
        namespace: "rdev",
        pod: "rdev-api-7d9f8b6c5d-m8zlp",
        owner_kind: "ReplicaSet",
        owner_name: "rdev-api-7d9f8b6c5d",
        owner_is_controller: "true",
      },
    ]);
    expect(samples(families, "kube_replicaset_owner").map((s) => s.labels)).toEqual([
      {
        namespace: "rdev",
        replicaset: "rdev-api-7d9f8b6c5d",
        owner_kind: "Deployment",
        owner_name: "rdev-api",
        owner_is_controller: "true",
      },
    ]);
  });

  it.each([
    {
      name: "deployment pod name",
      p: pod(),
      want: { replicaSet: "rdev-api-7d9f8b6c5d", deployment: "rdev-api" },
    },
    {
      name: "explicit ReplicaSet",
      p: pod({ pod: "anything", replicaSet: "web-5b7c9d8f4" }),
      want: { replicaSet: "web-5b7c9d8f4", deployment: "web" },
    },
    {
      name: "explicit ReplicaSet not made by a Deployment",
      p: pod({ replicaSet: "standalone" }),
      want: { replicaSet: "standalone", deployment: null },
    },
    { name: "explicitly unowned", p: pod({ replicaSet: null }), want: null },
    { name: "StatefulSet pod name", p: pod({ pod: "redis-0" }), want: null },
    // "api" has a vowel, so it cannot be a pod suffix: this is not a Deployment pod.
    { name: "name with a vowel in its suffix", p: pod({ pod: "rdev-api-7d9f8b6c5d-api12" }), want: null },
  ])("podOwner: $name", ({ p, want }) => {
    expect(podOwner(p)).toEqual(want);
  });

  it("leaves timestamps out when asked (a sped-up clock is not wall-clock time)", () => {
    const families = parse(renderKubeMetrics([pod()], NOW, { timestamps: false }));
    const ws = samples(families, "container_memory_working_set_bytes")[0];
    expect(ws?.value).toBe(String(456 * MiB));
    expect(ws).not.toHaveProperty("timestamp_ms");
  });

  it("rounds a fractional working set to whole bytes and escapes label values", () => {
    const image = 'reg.example.com/odd"name\\x:1';
    const families = parse(renderKubeMetrics([pod({ workingSetBytes: 1234.6, image })], NOW));
    const ws = samples(families, "container_memory_working_set_bytes")[0];
    expect(ws?.value).toBe("1235");
    expect(ws?.labels?.image).toBe(image);
  });

  it("renders nothing for no pods", () => {
    expect(renderKubeMetrics([], NOW)).toBe("");
  });

  it("sorts families by name and gives each one HELP and TYPE line", () => {
    const text = renderKubeMetrics([pod()], NOW);
    const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? "");
    expect(names).toEqual([...names].sort());
    expect([...text.matchAll(/^# HELP /gm)]).toHaveLength(names.length);
    expect(names).toContain("kube_pod_container_status_last_terminated_reason");
  });
});

const promtool = promtoolBinary();

describe.skipIf(promtool === null)(
  `renderKubeMetrics against promtool check metrics${promtool === null ? " (skipped: promtool not installed; apt-get install prometheus)" : ""}`,
  () => {
    it("passes Prometheus' own exposition-format linter", () => {
      const text = renderKubeMetrics(
        [pod(), pod({ pod: "redis-0", limitBytes: null, lastTerminatedReason: null })],
        NOW,
      );
      const result = spawnSync(promtool ?? "promtool", ["check", "metrics"], {
        input: text,
        encoding: "utf8",
      });
      expect(result.stderr + result.stdout).toBe("");
      expect(result.status).toBe(0);
    });

    it("fails the linter on a broken exposition (the check can fail)", () => {
      const broken = `${renderKubeMetrics([pod()], NOW)}container_memory_working_set_bytes{pod="x" 1\n`;
      const result = spawnSync(promtool ?? "promtool", ["check", "metrics"], {
        input: broken,
        encoding: "utf8",
      });
      expect(result.status).not.toBe(0);
    });
  },
);
