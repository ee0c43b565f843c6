// The deployment-wide actions and the heap profile through the worker, against the simulator:
// what changed in the cluster (read back through the API), how many writes were sent, and what
// the thread says.

import { summariseHeapProfile } from "@rdev/bot/diagnose/pprof.ts";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, readyPods, startHarness } from "./harness.ts";

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const patches = (harness: Harness) =>
  harness.sim.requests().filter((r) => r.method === "PATCH" && r.path.endsWith("/deployments/rdev-api"));

const jobState = (harness: Harness, jobId: string) => harness.finished(jobId);

describe("rolling-restart", () => {
  it("writes the fixed restartedAt once and watches the rollout to completion", async () => {
    h = await startHarness();
    const before = await readyPods(h);
    const { rootTs, replyTo } = await h.openIncident();
    const restartedAt = "2026-11-26T03:05:00.000Z";
    const jobId = await h.remediate(replyTo, "rolling-restart", { restartedAt });
    const { state, job } = await jobState(h, jobId);
    expect(state).toBe("completed");
    expect(job?.returnvalue).toMatchObject({ status: "applied" });
    const d = await h.cluster.getDeployment("rdev", "rdev-api");
    expect(d.restartedAt).toBe(restartedAt);
    expect(d.rolloutComplete).toBe(true);
    const after = await readyPods(h);
    expect(after.some((p) => before.some((b) => b.uid === p.uid))).toBe(false);
    expect(patches(h)).toHaveLength(1);
    const texts = h.threadTexts(rootTs);
    expect(texts[0]).toMatch(/^About to: Rolling restart of rdev\/rdev-api/);
    expect(texts[1]).toMatch(/^Set restartedAt 2026-11-26T03:05:00.000Z on rdev\/rdev-api's pod template/);
    expect(texts[2]).toMatch(/^Finished in .*rollout complete \(3 of 3 updated, 3 available\)/);
  });

  it("a second job with the same restartedAt (a retry) does not roll the pods again", async () => {
    h = await startHarness();
    await readyPods(h);
    const { rootTs, replyTo } = await h.openIncident();
    const restartedAt = "2026-11-26T03:05:00.000Z";
    await jobState(h, await h.remediate(replyTo, "rolling-restart", { restartedAt }));
    const { job } = await jobState(h, await h.remediate(replyTo, "rolling-restart", { restartedAt }));
    expect(job?.returnvalue).toMatchObject({ status: "already_done" });
    expect(patches(h)).toHaveLength(1);
    expect(h.threadTexts(rootTs).filter((t) => t.includes("already has restartedAt"))).toHaveLength(1);
  });
});

describe("raise-memory-limit", () => {
  it("sets the approved limit with the runbook's patch; the new pods run with it", async () => {
    h = await startHarness();
    await readyPods(h);
    const { rootTs, replyTo } = await h.openIncident();
    const { state } = await jobState(
      h,
      await h.remediate(replyTo, "raise-memory-limit", { memoryLimit: "1Gi" }),
    );
    expect(state).toBe("completed");
    const d = await h.cluster.getDeployment("rdev", "rdev-api");
    expect(d.containers[0]?.memoryLimit).toBe("1Gi");
    const pods = await readyPods(h);
    expect(pods.map((p) => p.containers[0]?.memoryLimitBytes)).toEqual([1024 ** 3, 1024 ** 3, 1024 ** 3]);
    const patch = patches(h);
    expect(patch).toHaveLength(1);
    expect(h.threadTexts(rootTs)[1]).toMatch(/^Memory limit of rdev-api changed from 512Mi to 1Gi/);
  });

  it("refuses a value above MEMORY_LIMIT_MAX without patching", async () => {
    h = await startHarness({ env: { MEMORY_LIMIT_MAX: "2Gi" } });
    await readyPods(h);
    const { rootTs, replyTo } = await h.openIncident();
    const { state, job } = await jobState(
      h,
      await h.remediate(replyTo, "raise-memory-limit", { memoryLimit: "3Gi" }),
    );
    expect(state).toBe("failed");
    expect(job?.attemptsMade).toBe(1);
    expect(patches(h)).toHaveLength(0);
    expect(h.threadTexts(rootTs)).toEqual([
      expect.stringMatching(/Refused: 3Gi is above the configured maximum 2Gi \(MEMORY_LIMIT_MAX\)/),
    ]);
  });

  it("refuses a value below what a pod uses right now (checked before patching)", async () => {
    h = await startHarness();
    await readyPods(h);
    const { rootTs, replyTo } = await h.openIncident();
    const { state } = await jobState(
      h,
      await h.remediate(replyTo, "raise-memory-limit", { memoryLimit: "64Mi" }),
    );
    expect(state).toBe("failed");
    expect(patches(h)).toHaveLength(0);
    expect(h.threadTexts(rootTs).at(-1)).toMatch(
      /64Mi is at or below what rdev-api-.* uses right now .*OOM-killed/,
    );
  });
});

describe("set-cache-ttl", () => {
  it("sets CACHE_TTL on the container and rolls the pods", async () => {
    h = await startHarness();
    await readyPods(h);
    const { rootTs, replyTo } = await h.openIncident();
    const { state } = await jobState(
      h,
      await h.remediate(replyTo, "set-cache-ttl", { ttl: "15s", envName: "CACHE_TTL" }),
    );
    expect(state).toBe("completed");
    const d = await h.cluster.getDeployment("rdev", "rdev-api");
    expect(d.containers[0]?.env.CACHE_TTL).toBe("15s");
    const pods = await readyPods(h);
    expect(pods.every((p) => p.containers[0]?.env.CACHE_TTL === "15s")).toBe(true);
    expect(h.threadTexts(rootTs)[1]).toMatch(/^CACHE_TTL changed from 5m to 15s/);
  });

  it("refuses to set another variable than the configured one", async () => {
    h = await startHarness();
    const { rootTs, replyTo } = await h.openIncident();
    const { state } = await jobState(
      h,
      await h.remediate(replyTo, "set-cache-ttl", { ttl: "15s", envName: "GOGC" }),
    );
    expect(state).toBe("failed");
    expect(patches(h)).toHaveLength(0);
    expect(h.threadTexts(rootTs)[0]).toMatch(/configured cache variable is CACHE_TTL/);
  });
});

describe("capture-heap-profile", () => {
  it("attaches the pod's heap profile to the thread with a summary", async () => {
    h = await startHarness();
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    const { rootTs, replyTo } = await h.openIncident();
    const { state, job } = await jobState(
      h,
      await h.remediate(replyTo, "capture-heap-profile", { pod: pod.name, podUid: pod.uid }),
    );
    expect(state).toBe("completed");
    expect(job?.returnvalue).toMatchObject({ status: "applied", progress: null });
    const thread = h.slack.thread("C0ALERTS01", rootTs);
    const withFile = thread.find((m) => m.files?.length);
    const fileId = withFile?.files?.[0]?.id ?? "";
    const file = h.slack.file(fileId);
    expect(file?.name).toBe(`heap-${pod.name}.pb.gz`);
    const summary = summariseHeapProfile(file?.bytes ?? Buffer.alloc(0));
    expect(summary.totalInuseBytes).toBeGreaterThan(0);
    const text = h.threadTexts(rootTs).find((t) => t.startsWith("Heap profile of"));
    expect(text).toContain(pod.name);
    const blocks = JSON.stringify(thread.at(-1)?.blocks);
    expect(blocks).toContain(summary.top[0]?.function ?? "?");
    // Read-only: nothing written to the cluster, and no verification scheduled.
    expect(h.sim.requests().filter((r) => r.method !== "GET")).toHaveLength(0);
    expect(await h.verifyQueue.getJobCounts("delayed", "waiting", "completed")).toEqual({
      delayed: 0,
      waiting: 0,
      completed: 0,
    });
  });
});
