import { loadConfig } from "@rdev/bot/config.ts";
import { worstSeverity } from "@rdev/bot/diagnose/severity.ts";
import type { HeapReport, OomKill, PodRow, RankedCause } from "@rdev/bot/diagnose/types.ts";
import { type ActionInput, planActions } from "@rdev/bot/runbooks/high-memory/actions.ts";
import { highMemoryRunbook } from "@rdev/bot/runbooks/high-memory/index.ts";
import { describe, expect, it } from "vitest";
import { heap, row } from "../../support/diagnosis-builders.ts";

const runbook = highMemoryRunbook(loadConfig({}));

const cause = (id: RankedCause["id"], score = 0.8): RankedCause => ({
  id,
  title: id,
  score,
  confidence: "high",
  evidence: [],
  runbookSection: null,
});

const oom: OomKill = {
  pod: "rdev-api-a",
  podUid: "uid-rdev-api-a",
  container: "rdev-api",
  node: "node-1",
  at: "2026-11-26T02:50:00.000Z",
  source: "container-status",
  reason: "OOMKilled",
  exitCode: 137,
  count: 1,
  message: "",
};

function plan(rows: PodRow[], extra: Partial<ActionInput> = {}) {
  return planActions({
    runbook,
    rows,
    severity: worstSeverity(rows.map((r) => r.severity)),
    topCause: null,
    oomKills: [],
    heap: null,
    currentCacheTtl: null,
    ...extra,
  });
}

const mi = (...values: number[]) => values.map((v, i) => row(`rdev-api-${"abcdef"[i]}`, { mi: v }));

describe("planActions: which actions, in the runbook's order", () => {
  it.each([
    ["healthy pods: nothing to do", mi(200, 210, 190), {}, []],
    [
      "one of three critical, SSE leak",
      mi(500, 210, 190),
      { topCause: cause("sse-leak") },
      [
        "restart-pod:rdev-api-a",
        "raise-memory-limit:768Mi",
        "capture-heap-profile:rdev-api-a",
        "advice:sse-leak",
      ],
    ],
    [
      "all three critical: a rolling restart, not three deletions",
      mi(500, 505, 498),
      {},
      ["rolling-restart:rdev-api", "raise-memory-limit:768Mi", "capture-heap-profile:rdev-api-b"],
    ],
    [
      "a single critical replica: rolling restart keeps it serving",
      mi(500),
      {},
      ["rolling-restart:rdev-api", "raise-memory-limit:768Mi", "capture-heap-profile:rdev-api-a"],
    ],
    [
      "two of three above warning",
      mi(430, 420, 200),
      {},
      ["rolling-restart:rdev-api", "raise-memory-limit:768Mi", "capture-heap-profile:rdev-api-a"],
    ],
    [
      "one of three above warning",
      mi(430, 200, 200),
      {},
      ["raise-memory-limit:768Mi", "capture-heap-profile:rdev-api-a"],
    ],
    [
      "cache growth with CACHE_TTL unset: lower it",
      mi(430, 420, 415),
      { topCause: cause("cache-growth") },
      [
        "rolling-restart:rdev-api",
        "raise-memory-limit:768Mi",
        "set-cache-ttl:rdev-api",
        "capture-heap-profile:rdev-api-a",
      ],
    ],
    [
      "cache growth with CACHE_TTL already at the proposed value",
      mi(430, 200, 200),
      { topCause: cause("cache-growth"), currentCacheTtl: "15s" },
      ["raise-memory-limit:768Mi", "capture-heap-profile:rdev-api-a"],
    ],
    [
      // The same Go duration written another way (the one duration parser; it used to be a string compare).
      "cache growth with CACHE_TTL at the proposed value written as 15000ms",
      mi(430, 200, 200),
      { topCause: cause("cache-growth"), currentCacheTtl: "15000ms" },
      ["raise-memory-limit:768Mi", "capture-heap-profile:rdev-api-a"],
    ],
    [
      "a heap profile already captured is not proposed again",
      mi(500, 200, 200),
      {
        topCause: cause("large-output"),
        heap: {
          status: "captured",
          pod: "rdev-api-a",
          uid: "uid-rdev-api-a",
          why: "critical",
          sizeBytes: 10,
          summary: heap([["x", 1]]),
        } satisfies HeapReport,
      },
      ["restart-pod:rdev-api-a", "raise-memory-limit:768Mi", "advice:large-output"],
    ],
    [
      "memory fine now, but an OOM kill in the window",
      mi(200, 210, 190),
      { oomKills: [oom] },
      ["raise-memory-limit:768Mi", "capture-heap-profile:rdev-api-b", "advice:post-incident"],
    ],
    [
      "limit already at MEMORY_LIMIT_MAX: explain instead of proposing",
      [row("rdev-api-a", { mi: 3900, limitMi: 4096 }), row("rdev-api-b", { mi: 1000, limitMi: 4096 })],
      {},
      ["restart-pod:rdev-api-a", "advice:memory-limit", "capture-heap-profile:rdev-api-a"],
    ],
  ] as [string, PodRow[], Partial<ActionInput>, string[]][])("%s", (_, rows, extra, ids) => {
    expect(plan(rows, extra).map((a) => a.id)).toEqual(ids);
  });
});

describe("planActions: parameters, kubectl and destructiveness", () => {
  const actions = plan(mi(500, 210, 190), { topCause: cause("sse-leak", 0.85), oomKills: [oom] });
  const byKind = (kind: string) => actions.find((a) => a.kind === kind);

  it("restart-pod names the pod and its UID, and is destructive", () => {
    expect(byKind("restart-pod")).toEqual({
      id: "restart-pod:rdev-api-a",
      kind: "restart-pod",
      title: "Restart rdev-api-a",
      reason:
        "rdev-api-a is at 97.7% of its 512Mi limit (critical above 95%): restart it before the OOM killer does; 2 other pod(s) keep serving.",
      destructive: true,
      kubectl: "kubectl -n rdev delete pod rdev-api-a",
      params: { namespace: "rdev", pod: "rdev-api-a", uid: "uid-rdev-api-a" },
    });
  });

  it("raise-memory-limit sets a target value from the current limit", () => {
    expect(byKind("raise-memory-limit")).toMatchObject({
      destructive: true,
      kubectl: "kubectl -n rdev set resources deployment/rdev-api -c rdev-api --limits=memory=768Mi",
      params: {
        deployment: "rdev-api",
        container: "rdev-api",
        from: "512Mi",
        fromBytes: 512 * 1024 ** 2,
        to: "768Mi",
        toBytes: 768 * 1024 ** 2,
      },
    });
    expect(byKind("raise-memory-limit")?.reason).toMatch(
      /^Peak usage 500Mi of 512Mi; 1 OOM kill\(s\) in the window: 768Mi is the next step/,
    );
  });

  it("capture-heap-profile is safe and says how to do it by hand", () => {
    expect(byKind("capture-heap-profile")).toMatchObject({
      destructive: false,
      kubectl:
        'kubectl get --raw "/api/v1/namespaces/rdev/pods/rdev-api-a:8080/proxy/debug/pprof/heap" > heap.prof',
      params: { pod: "rdev-api-a", uid: "uid-rdev-api-a", port: 8080, path: "/debug/pprof/heap" },
    });
  });

  it("advice carries the runbook's steps for the cause (Traefik timeouts for SSE)", () => {
    const advice = actions.filter((a) => a.kind === "advice");
    expect(advice.map((a) => a.id)).toEqual(["advice:sse-leak", "advice:post-incident"]);
    const sse = advice[0];
    if (sse?.kind !== "advice") throw new Error("expected advice");
    expect(sse.destructive).toBe(false);
    expect(sse.params.steps.join(" ")).toMatch(/respondingTimeouts.*ServersTransport/);
    expect(sse.params.commands).toEqual([
      'kubectl -n rdev logs -l app=rdev-api | grep "SSE connection" | tail -50',
    ]);
  });

  it("set-cache-ttl uses the configured env name and TTL", () => {
    const custom = highMemoryRunbook(
      loadConfig({ CACHE_TTL_ENV: "PROJECT_CACHE_TTL", CACHE_TTL_PROPOSED: "30s" }),
    );
    const ttl = planActions({
      runbook: custom,
      rows: mi(430, 420),
      severity: "warning",
      topCause: cause("cache-growth"),
      oomKills: [],
      heap: null,
      currentCacheTtl: "5m",
    }).find((a) => a.kind === "set-cache-ttl");
    expect(ttl).toMatchObject({
      destructive: true,
      kubectl: "kubectl -n rdev set env deployment/rdev-api -c rdev-api PROJECT_CACHE_TTL=30s",
      params: { env: "PROJECT_CACHE_TTL", value: "30s", current: "5m" },
    });
  });
});
