// execute and verify of each action against the in-memory FakeCluster (extended with a
// deployment): the outcome recorded for every case a retry can meet, the refusals, and that the
// worker hears about a write before it happens.

import { loadConfig } from "@rdev/bot/config.ts";
import type { DeploymentInfo, PodInfo } from "@rdev/bot/k8s/types.ts";
import { executeCaptureHeapProfile } from "@rdev/bot/remediate/actions/capture-heap-profile.ts";
import {
  executeRaiseMemoryLimit,
  limitRefusal,
  memoryLimitProgress,
  peakUsage,
} from "@rdev/bot/remediate/actions/raise-memory-limit.ts";
import { executeRestartPod, restartPodProgress } from "@rdev/bot/remediate/actions/restart-pod.ts";
import {
  executeRollingRestart,
  rollingRestartProgress,
} from "@rdev/bot/remediate/actions/rolling-restart.ts";
import { rolloutProgress } from "@rdev/bot/remediate/actions/rollout.ts";
import { cacheTtlProgress, executeSetCacheTtl } from "@rdev/bot/remediate/actions/set-cache-ttl.ts";
import { type ActionJob, ActionRefused, type ExecuteContext } from "@rdev/bot/remediate/actions/types.ts";
import { describe, expect, it } from "vitest";
import { FakeCluster, kubeError, MI, pod, usage } from "../../support/fake-cluster.ts";

const config = loadConfig({});

function deployment(overrides: Partial<DeploymentInfo> = {}): DeploymentInfo {
  return {
    namespace: "rdev",
    name: "rdev-api",
    uid: "d-1",
    generation: 3,
    observedGeneration: 3,
    replicas: 3,
    updatedReplicas: 3,
    readyReplicas: 3,
    availableReplicas: 3,
    unavailableReplicas: 0,
    rolloutComplete: true,
    restartedAt: null,
    selector: { app: "rdev-api" },
    containers: [
      { name: "rdev-api", memoryLimit: "512Mi", memoryRequest: "256Mi", env: { CACHE_TTL: "5m" } },
    ],
    ...overrides,
  };
}

/** FakeCluster with one deployment whose writes are recorded. */
class Cluster extends FakeCluster {
  deployment = deployment();
  override async getDeployment(namespace: string, name: string): Promise<DeploymentInfo> {
    this.calls.push({ method: "getDeployment", args: [namespace, name] });
    return this.deployment;
  }
}

function ctx(
  cluster: FakeCluster,
  job: Partial<ActionJob> & Pick<ActionJob, "action">,
  options: Partial<ExecuteContext> = {},
) {
  const writes: string[] = [];
  const c: ExecuteContext = {
    cluster,
    settings: {
      target: config.target,
      limits: config.limits,
      cache: config.cache,
      allowDeleteFallback: false,
    },
    job: { params: {}, target: { namespace: "rdev", deployment: "rdev-api" }, approvedAt: 0, ...job },
    resumed: false,
    beforeWrite: async () => {
      writes.push(`before:${cluster.calls.length}`);
    },
    ...options,
  };
  return { c, writes };
}

const restart = (name: string, uid: string) => ({
  action: "restart-pod" as const,
  params: { pod: name, podUid: uid },
});

describe("restart-pod execute", () => {
  it("evicts the pod with its UID, telling the worker first", async () => {
    const cluster = new Cluster();
    cluster.pods = [pod("a"), pod("b")];
    const { c, writes } = ctx(cluster, restart("a", "uid-a"));
    const outcome = await executeRestartPod(c);
    expect(outcome).toMatchObject({ status: "applied", details: { method: "eviction", uid: "uid-a" } });
    expect(cluster.calls.map((x) => x.method)).toEqual(["listPods", "evictPod"]);
    expect(cluster.calls[1]?.args).toEqual(["rdev", "a", "uid-a"]);
    // beforeWrite ran when only the read had been made.
    expect(writes).toEqual(["before:1"]);
  });

  const gone: { name: string; pods: PodInfo[]; resumed: boolean; status: string; summary: RegExp }[] = [
    {
      name: "gone, first attempt",
      pods: [pod("b")],
      resumed: false,
      status: "nothing_to_do",
      summary: /is gone, before the bot acted: nothing was done/,
    },
    {
      name: "gone, after an earlier attempt",
      pods: [pod("b")],
      resumed: true,
      status: "already_done",
      summary: /an earlier attempt of this job had already evicted it, so it was not evicted again/,
    },
    {
      name: "name reused by a replacement",
      pods: [pod("a", { uid: "uid-new" })],
      resumed: false,
      status: "nothing_to_do",
      summary: /another pod now has its name/,
    },
    {
      name: "already terminating, after an earlier attempt",
      pods: [pod("a", { deletionTimestamp: new Date() })],
      resumed: true,
      status: "already_done",
      summary: /already terminating/,
    },
  ];
  it.each(gone)("$name: $status, no eviction", async ({ pods, resumed, status, summary }) => {
    const cluster = new Cluster();
    cluster.pods = pods;
    const { c, writes } = ctx(cluster, restart("a", "uid-a"), { resumed });
    const outcome = await executeRestartPod(c);
    expect(outcome.status).toBe(status);
    expect(outcome.summary).toMatch(summary);
    expect(cluster.count("evictPod")).toBe(0);
    expect(writes).toEqual([]);
  });

  it("a UID conflict on eviction after the read (the pod was replaced meanwhile) is 'gone'", async () => {
    const cluster = new Cluster();
    cluster.pods = [pod("a")];
    cluster.fail(
      "evictPod",
      kubeError("conflict", 409, "create", "pods/eviction", "Precondition failed: UID"),
    );
    // The second read sees the replacement.
    let reads = 0;
    const listPods = cluster.listPods.bind(cluster);
    cluster.listPods = async (...args) =>
      ++reads === 1 ? listPods(...args) : [pod("a", { uid: "uid-new" })];
    const { c } = ctx(cluster, restart("a", "uid-a"), { resumed: true });
    expect(await executeRestartPod(c)).toMatchObject({ status: "already_done" });
  });

  it("a 409 while the very same pod is still running is rethrown (retried as transient)", async () => {
    const cluster = new Cluster();
    cluster.pods = [pod("a")];
    cluster.fail(
      "evictPod",
      kubeError("conflict", 409, "create", "pods/eviction", "the object has been modified"),
    );
    const { c } = ctx(cluster, restart("a", "uid-a"));
    await expect(executeRestartPod(c)).rejects.toMatchObject({ code: "conflict", transient: true });
  });

  it("a PodDisruptionBudget refusal is an ActionRefused that says what to do", async () => {
    const cluster = new Cluster();
    cluster.pods = [pod("a")];
    cluster.fail("evictPod", kubeError("pdb_blocked", 429, "create", "pods/eviction", "Cannot evict pod"));
    const { c } = ctx(cluster, restart("a", "uid-a"));
    const error = await executeRestartPod(c).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionRefused);
    expect((error as Error).message).toMatch(
      /blocked by a PodDisruptionBudget \(Cannot evict pod\): try a rolling restart, or wait/,
    );
  });

  it.each([
    { fallback: false, expected: "forbidden" },
    { fallback: true, expected: "delete" },
  ])(
    "forbidden eviction with ALLOW_DELETE_FALLBACK=$fallback -> $expected",
    async ({ fallback, expected }) => {
      const cluster = new Cluster();
      cluster.pods = [pod("a")];
      cluster.fail("evictPod", kubeError("forbidden", 403, "create", "pods/eviction", "forbidden"));
      const { c } = ctx(cluster, restart("a", "uid-a"));
      c.settings = { ...c.settings, allowDeleteFallback: fallback };
      const result = await executeRestartPod(c).then(
        (o) => o.details.method,
        (e: { code: string }) => e.code,
      );
      expect(result).toBe(expected);
      expect(cluster.count("deletePod")).toBe(fallback ? 1 : 0);
      if (fallback)
        expect(cluster.calls.find((x) => x.method === "deletePod")?.args).toEqual(["rdev", "a", "uid-a"]);
    },
  );
});

describe("deployment actions execute", () => {
  it("rolling-restart patches once; the same restartedAt again is already done", async () => {
    const cluster = new Cluster();
    const job = { action: "rolling-restart" as const, params: { restartedAt: "2026-11-26T03:05:00Z" } };
    expect(await executeRollingRestart(ctx(cluster, job).c)).toMatchObject({ status: "applied" });
    expect(cluster.count("restartDeployment")).toBe(1);
    cluster.deployment = deployment({ restartedAt: "2026-11-26T03:05:00Z" });
    const again = await executeRollingRestart(ctx(cluster, job, { resumed: true }).c);
    expect(again.status).toBe("already_done");
    expect(again.summary).toMatch(/an earlier attempt of this job applied it/);
    expect(cluster.count("restartDeployment")).toBe(1);
  });

  it("raise-memory-limit checks usage before patching, and does not patch an equal value", async () => {
    const cluster = new Cluster();
    cluster.pods = [pod("a"), pod("b")];
    cluster.metrics = [usage("a", 300 * MI), usage("b", 700 * MI)];
    const low = ctx(cluster, { action: "raise-memory-limit", params: { memoryLimit: "640Mi" } });
    await expect(executeRaiseMemoryLimit(low.c)).rejects.toThrow(
      /640Mi is at or below what b uses right now \(700Mi\)/,
    );
    expect(cluster.count("setMemoryLimit")).toBe(0);
    const ok = ctx(cluster, { action: "raise-memory-limit", params: { memoryLimit: "1Gi" } });
    expect(await executeRaiseMemoryLimit(ok.c)).toMatchObject({
      status: "applied",
      details: { from: "512Mi", to: "1Gi" },
    });
    expect(ok.writes).toHaveLength(1);
    cluster.deployment = deployment({
      containers: [{ name: "rdev-api", memoryLimit: "1Gi", memoryRequest: null, env: {} }],
    });
    expect(await executeRaiseMemoryLimit(ok.c)).toMatchObject({ status: "already_done" });
    expect(cluster.count("setMemoryLimit")).toBe(1);
  });

  it("set-cache-ttl sets the configured variable once", async () => {
    const cluster = new Cluster();
    const job = { action: "set-cache-ttl" as const, params: { ttl: "15s" } };
    expect(await executeSetCacheTtl(ctx(cluster, job).c)).toMatchObject({
      status: "applied",
      details: { from: "5m", to: "15s" },
    });
    expect(cluster.calls.find((x) => x.method === "setEnv")?.args).toEqual([
      "rdev",
      "rdev-api",
      "rdev-api",
      "CACHE_TTL",
      "15s",
    ]);
    cluster.deployment = deployment({
      containers: [
        { name: "rdev-api", memoryLimit: "512Mi", memoryRequest: null, env: { CACHE_TTL: "15s" } },
      ],
    });
    expect(await executeSetCacheTtl(ctx(cluster, job).c)).toMatchObject({ status: "already_done" });
  });

  it("a deployment without the runbook's container is refused", async () => {
    const cluster = new Cluster();
    cluster.deployment = deployment({
      containers: [{ name: "sidecar", memoryLimit: null, memoryRequest: null, env: {} }],
    });
    await expect(
      executeSetCacheTtl(ctx(cluster, { action: "set-cache-ttl", params: { ttl: "15s" } }).c),
    ).rejects.toThrow(/has no container rdev-api \(RDEV_CONTAINER\)/);
  });
});

describe("capture-heap-profile execute", () => {
  it.each([
    { name: "pod gone", pods: [], status: 200, error: /no longer exists/ },
    {
      name: "a replacement with the same name",
      pods: [pod("a", { uid: "other" })],
      status: 200,
      error: /no longer exists/,
    },
    { name: "no pprof endpoint", pods: [pod("a")], status: 404, error: /does not serve net\/http\/pprof/ },
  ])("refuses: $name", async ({ pods, error }) => {
    const cluster = new Cluster();
    cluster.pods = pods;
    const { c } = ctx(cluster, { action: "capture-heap-profile", params: { pod: "a", podUid: "uid-a" } });
    await expect(executeCaptureHeapProfile(c)).rejects.toThrow(error);
  });

  it("an HTML answer is not taken for a profile", async () => {
    const cluster = new Cluster();
    cluster.pods = [pod("a")];
    cluster.heapProfile = Buffer.from("<html><body>login</body></html>");
    const { c } = ctx(cluster, { action: "capture-heap-profile", params: { pod: "a", podUid: "uid-a" } });
    const error = await executeCaptureHeapProfile(c).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionRefused);
  });
});

describe("progress verdicts", () => {
  it.each([
    { d: deployment(), done: true, summary: "rollout complete (3 of 3 updated, 3 available)" },
    { d: deployment({ observedGeneration: 2 }), done: false, summary: /has not seen the change yet/ },
    {
      d: deployment({ rolloutComplete: false, updatedReplicas: 1, availableReplicas: 2 }),
      done: false,
      summary: "rolling out: 1 of 3 updated, 2 available",
    },
    { d: deployment({ availableReplicas: 2 }), done: false, summary: /rolling out/ },
  ])("rolloutProgress %#", ({ d, done, summary }) => {
    const p = rolloutProgress(d);
    expect(p.done).toBe(done);
    expect(p.summary).toMatch(summary);
  });

  it("restartPodProgress waits for the old pod to go and the deployment to be whole", () => {
    const d = deployment();
    expect(restartPodProgress([pod("a")], d, "a", "uid-a")).toEqual({
      done: false,
      summary: "a is still running",
    });
    expect(restartPodProgress([pod("a", { deletionTimestamp: new Date() })], d, "a", "uid-a").done).toBe(
      true,
    );
    expect(restartPodProgress([], deployment({ availableReplicas: 2 }), "a", "uid-a").done).toBe(false);
    expect(restartPodProgress([pod("b")], d, "a", "uid-a").summary).toMatch(/^a is gone; rollout complete/);
  });

  it("rolling restart, limit and TTL progress need the pod template to carry the value", () => {
    expect(rollingRestartProgress(deployment({ restartedAt: "x" }), "y").done).toBe(false);
    expect(rollingRestartProgress(deployment({ restartedAt: "y" }), "y").done).toBe(true);
    expect(memoryLimitProgress(deployment(), "rdev-api", "1Gi").summary).toBe(
      "the pod template's memory limit is 512Mi, not 1Gi",
    );
    expect(memoryLimitProgress(deployment(), "rdev-api", "0.5Gi").done).toBe(true);
    expect(cacheTtlProgress(deployment(), "rdev-api", "CACHE_TTL", "15s").done).toBe(false);
    expect(cacheTtlProgress(deployment(), "rdev-api", "CACHE_TTL", "5m").done).toBe(true);
  });

  it("peakUsage and limitRefusal", () => {
    const metrics = [usage("a", 100 * MI), usage("b", 300 * MI)];
    expect(peakUsage(metrics, "rdev-api")).toEqual({ pod: "b", bytes: 300 * MI });
    expect(peakUsage([], "rdev-api")).toBeNull();
    expect(limitRefusal("256Mi", 256 * MI, { pod: "b", bytes: 300 * MI }, 512 * MI)).toMatch(
      /at or below what b uses/,
    );
    expect(limitRefusal("1Gi", 1024 * MI, { pod: "b", bytes: 300 * MI }, 512 * MI)).toBeNull();
    // Without usage figures: raising is safe (pods live below the current limit), lowering is not.
    expect(limitRefusal("1Gi", 1024 * MI, null, 512 * MI)).toBeNull();
    expect(limitRefusal("256Mi", 256 * MI, null, 512 * MI)).toMatch(/cannot be checked/);
  });
});
