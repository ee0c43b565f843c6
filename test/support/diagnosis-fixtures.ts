// Representative Diagnosis values for rendering tests, made by the real analysis (analyse) from
// hand-written observations, so renderings are tested on what the bot would really produce.

import { loadConfig } from "@rdev/bot/config.ts";
import { analyse, failedDiagnosis } from "@rdev/bot/diagnose/analyse.ts";
import { emptyAppMetrics } from "@rdev/bot/diagnose/app-metrics.ts";
import type { Observations } from "@rdev/bot/diagnose/gather.ts";
import type { Diagnosis, HeapReport, PodProbe } from "@rdev/bot/diagnose/types.ts";
import type { ClusterEvent, PodInfo, PodMetrics } from "@rdev/bot/k8s/types.ts";
import { highMemoryRunbook } from "@rdev/bot/runbooks/high-memory/index.ts";
import { heap } from "./diagnosis-builders.ts";
import { kubeError, MI, pod, usage } from "./fake-cluster.ts";

export const NOW = Date.parse("2026-11-26T03:10:00Z");
export const runbook = highMemoryRunbook(loadConfig({}));

type PodSpec = {
  name: string;
  mi: number | null;
  sse?: number;
  goroutines?: number;
  heapMi?: number;
  restarts?: number;
  oomMinutesAgo?: number;
  node?: string;
  probe?: "ok" | "timeout" | "none";
};

function probeFor(s: PodSpec): PodProbe | null {
  if (s.probe === "none") return null;
  if (s.probe === "timeout") {
    return { metrics: null, metricsError: "timed out after 5000 ms", readyStatus: 200, readyError: null };
  }
  return {
    metrics: {
      ...emptyAppMetrics(),
      sse: s.sse ?? 300,
      commands: 8,
      goroutines: s.goroutines ?? 664,
      heapInuse: (s.heapMi ?? 180) * MI,
      outputBuffered: 56 * MI,
      cacheEntries: 1500,
      cacheBytes: 47 * MI,
    },
    metricsError: null,
    readyStatus: (s.mi ?? 0) > 500 ? 503 : 200,
    readyError: null,
  };
}

export function observations(specs: PodSpec[], extra: Partial<Observations> = {}): Observations {
  const pods: PodInfo[] = specs.map((s) =>
    pod(s.name, {
      nodeName: s.node ?? "node-1",
      container: {
        restartCount: s.restarts ?? 0,
        lastTerminated:
          s.oomMinutesAgo === undefined
            ? null
            : {
                reason: "OOMKilled",
                exitCode: 137,
                startedAt: null,
                finishedAt: new Date(NOW - s.oomMinutesAgo * 60_000),
              },
      },
    }),
  );
  const metrics: PodMetrics[] = specs
    .filter((s) => s.mi !== null)
    .map((s) => usage(s.name, (s.mi as number) * MI));
  const probes = new Map<string, PodProbe>();
  const notProbed = new Map<string, string>();
  for (const s of specs) {
    const p = probeFor(s);
    if (p) probes.set(`uid-${s.name}`, p);
    else notProbed.set(`uid-${s.name}`, "not sampled");
  }
  return {
    nowMs: NOW,
    pods,
    podMetrics: { ok: true, value: metrics },
    podEvents: { ok: true, value: [] as ClusterEvent[] },
    nodeEvents: { ok: true, value: [] as ClusterEvent[] },
    probes,
    notProbed,
    heap: null,
    notes: [],
    logs: null,
    traefik: null,
    apiCalls: { list: 4, proxy: probes.size * 2, log: 0 },
    ...extra,
  };
}

const SSE_HEAP: HeapReport = {
  status: "captured",
  pod: "rdev-api-7c9f8-x2k4q",
  uid: "uid-rdev-api-7c9f8-x2k4q",
  why: "critical",
  sizeBytes: 24_181,
  summary: heap([
    ["github.com/rdev/rdev/internal/sse.(*Broker).Subscribe", 131, ["net/http.(*conn).serve"]],
    ["bufio.NewWriterSize", 41, ["github.com/rdev/rdev/internal/sse.(*Broker).Subscribe"]],
    ["runtime.malg", 8],
    ["encoding/json.(*Decoder).refill", 6],
  ]),
};

/** One of three pods leaking SSE connections, critical, OOMKilled 12 minutes ago, heap captured. */
export function criticalSseLeak(): Diagnosis {
  const specs: PodSpec[] = [
    {
      name: "rdev-api-7c9f8-x2k4q",
      mi: 500,
      sse: 4812,
      goroutines: 9700,
      heapMi: 370,
      restarts: 1,
      oomMinutesAgo: 12,
    },
    { name: "rdev-api-7c9f8-m8d2z", mi: 210, sse: 310, goroutines: 650, node: "node-2" },
    { name: "rdev-api-7c9f8-q7w1p", mi: 205, sse: 305, goroutines: 640, node: "node-3" },
  ];
  const previous = analyse({
    obs: {
      ...observations(
        specs.map((s) => (s.name.endsWith("x2k4q") ? { ...s, mi: 430, sse: 3900, goroutines: 7900 } : s)),
      ),
      nowMs: NOW - 600_000,
    },
    runbook,
    previous: null,
    durationMs: 150,
  });
  return analyse({
    obs: observations(specs, {
      heap: { report: SSE_HEAP, bytes: Buffer.alloc(24_181) },
      apiCalls: { list: 4, proxy: 7, log: 0 },
    }),
    runbook,
    previous,
    durationMs: 182,
  });
}

export function healthy(): Diagnosis {
  return analyse({
    obs: observations([
      { name: "rdev-api-7c9f8-x2k4q", mi: 200 },
      { name: "rdev-api-7c9f8-m8d2z", mi: 210 },
      { name: "rdev-api-7c9f8-q7w1p", mi: 190 },
    ]),
    runbook,
    previous: null,
    durationMs: 96,
  });
}

export function metricsServerMissing(): Diagnosis {
  const error = kubeError(
    "not_found",
    404,
    "list",
    "pods.metrics.k8s.io",
    "the server could not find the requested resource",
  );
  return analyse({
    obs: observations(
      [
        { name: "rdev-api-7c9f8-x2k4q", mi: null },
        { name: "rdev-api-7c9f8-m8d2z", mi: null, probe: "timeout" },
      ],
      { podMetrics: { ok: false, error } },
    ),
    runbook,
    previous: null,
    durationMs: 5012,
  });
}

export function forbidden(): Diagnosis {
  return failedDiagnosis({
    runbook,
    nowMs: NOW,
    durationMs: 41,
    error: kubeError(
      "forbidden",
      403,
      "list",
      "pods",
      'pods is forbidden: User "system:serviceaccount:rdev:rdev-bot" cannot list resource "pods"',
    ),
    apiCalls: { list: 4, proxy: 0 },
  });
}

/** n pods, the first few critical, some OOMKilled, 10 sampled: to test truncation. */
export function manyPods(n: number): Diagnosis {
  const specs: PodSpec[] = Array.from({ length: n }, (_, i) => ({
    name: `rdev-api-5d8c7b9f4-${String(i).padStart(5, "0")}`,
    mi: i < 4 ? 500 : i < 40 ? 430 : 150 + (i % 200),
    sse: i === 0 ? 5200 : 300,
    goroutines: i === 0 ? 10_500 : 660,
    restarts: i % 7,
    oomMinutesAgo: i % 9 === 0 ? 5 + (i % 50) : undefined,
    node: `node-${i % 17}`,
    probe: i < 10 ? "ok" : "none",
  }));
  return analyse({
    obs: observations(specs, {
      notes: Array.from({ length: 14 }, (_, i) => ({
        source: "proxy" as const,
        message: `note ${i}: ${"x".repeat(400)}`,
      })),
    }),
    runbook,
    previous: null,
    durationMs: 412,
  });
}
