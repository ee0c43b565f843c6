// How remediate jobs fail: permanent API errors and policy refusals end the job at once with a
// message that says what to fix; transient ones are retried with backoff; invalid job data never
// runs. The simulator's fault injection plays the API server.

import { QUEUES } from "@rdev/bot/queue/jobs.ts";
import { afterEach, describe, expect, it } from "vitest";
import { evictions, type Harness, readyPods, startHarness } from "./harness.ts";

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const finished = (harness: Harness, jobId: string) => harness.finished(jobId);

describe("restart-pod failures", () => {
  it("a PodDisruptionBudget refusal is reported with the runbook's alternative and not retried", async () => {
    h = await startHarness({ sim: { pdbMinAvailable: 3 } });
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    const { rootTs, replyTo } = await h.openIncident();
    const jobId = await h.remediate(replyTo, "restart-pod", { pod: pod.name, podUid: pod.uid });
    const { job, state } = await finished(h, jobId);
    expect(state).toBe("failed");
    expect(job.attemptsMade).toBe(1);
    expect(evictions(h)).toEqual([]);
    const texts = h.threadTexts(rootTs);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toMatch(/blocked by a PodDisruptionBudget.*try a rolling restart, or wait/);
    expect(texts[1]).toContain("needs 3 healthy pods and has 3 currently");
    expect((await h.cluster.listPods("rdev", "app=rdev-api")).map((p) => p.uid)).toContain(pod.uid);
  });

  it("403 on eviction names the missing RBAC verb and fails at once", async () => {
    h = await startHarness();
    h.sim.faults.add({ method: "POST", path: /\/eviction$/, status: 403 });
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    const { rootTs, replyTo } = await h.openIncident();
    const jobId = await h.remediate(replyTo, "restart-pod", { pod: pod.name, podUid: pod.uid });
    const { job, state } = await finished(h, jobId);
    expect(state).toBe("failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain('Grant verb "create" on resource "pods/eviction"');
    expect(h.threadTexts(rootTs).at(-1)).toContain('Grant verb "create" on resource "pods/eviction"');
  });

  it("with ALLOW_DELETE_FALLBACK a forbidden eviction becomes a UID-checked delete", async () => {
    h = await startHarness({ env: { ALLOW_DELETE_FALLBACK: "true" } });
    h.sim.faults.add({ method: "POST", path: /\/eviction$/, status: 403 });
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    const { rootTs, replyTo } = await h.openIncident();
    const jobId = await h.remediate(replyTo, "restart-pod", { pod: pod.name, podUid: pod.uid });
    await h.waitFor("the rollout", () => h?.threadTexts(rootTs).find((t) => t.startsWith("Finished")));
    const deletes = h.sim
      .requests()
      .filter((r) => r.method === "DELETE" && r.path.endsWith(`/pods/${pod.name}`));
    expect(deletes.map((r) => r.status)).toEqual([200]);
    expect(h.threadTexts(rootTs)[1]).toMatch(
      /^Deleted .*eviction is forbidden for the worker and ALLOW_DELETE_FALLBACK is on/,
    );
    const job = await h.remediateQueue.getJob(jobId);
    expect(job?.data.state.outcome.details).toMatchObject({ method: "delete", uid: pod.uid });
  });

  it("a 500 from the API server is retried with backoff; the pod is evicted exactly once", async () => {
    h = await startHarness();
    const fault = h.sim.faults.add({ method: "POST", path: /\/eviction$/, status: 500, times: 1 });
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    const { rootTs, replyTo } = await h.openIncident();
    const jobId = await h.remediate(replyTo, "restart-pod", { pod: pod.name, podUid: pod.uid });
    await h.waitFor(
      "the rollout",
      () => h?.threadTexts(rootTs).find((t) => t.startsWith("Finished")),
      30_000,
    );
    expect(fault.hits).toBe(1);
    expect(evictions(h)).toEqual([pod.name]);
    const texts = h.threadTexts(rootTs);
    expect(texts[1]).toMatch(/attempt 1 of 3 failed, retrying with backoff/);
    expect(texts[1]).toContain("The API server failed (500)");
    // The retry found the pod still there (the 500 changed nothing) and evicted it: "applied".
    expect(texts[2]).toMatch(/^Evicted /);
    // One failed attempt, then the one that completed (BullMQ counts both).
    const { job, state } = await finished(h, jobId);
    expect(state).toBe("completed");
    expect(job.attemptsMade).toBe(2);
  });

  it("a 409 while the pod is unchanged is a real conflict: retried, then applied once", async () => {
    h = await startHarness();
    h.sim.faults.add({ method: "POST", path: /\/eviction$/, status: 409, times: 1 });
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    const { rootTs, replyTo } = await h.openIncident();
    await h.remediate(replyTo, "restart-pod", { pod: pod.name, podUid: pod.uid });
    await h.waitFor(
      "the rollout",
      () => h?.threadTexts(rootTs).find((t) => t.startsWith("Finished")),
      30_000,
    );
    expect(evictions(h)).toEqual([pod.name]);
    expect(h.threadTexts(rootTs)[1]).toMatch(/attempt 1 of 3 failed/);
  });

  it("a pod that is already gone is reported as nothing to do, not as a success", async () => {
    h = await startHarness();
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    const { rootTs, replyTo } = await h.openIncident();
    const jobId = await h.remediate(replyTo, "restart-pod", {
      pod: pod.name,
      podUid: "00000000-dead-beef-0000-000000000000",
    });
    const { job, state } = await finished(h, jobId);
    expect(state).toBe("completed");
    expect(job.returnvalue).toMatchObject({ status: "nothing_to_do" });
    expect(evictions(h)).toEqual([]);
    expect(h.threadTexts(rootTs)[1]).toMatch(
      /is gone \(another pod now has its name\), before the bot acted: nothing was done/,
    );
  });
});

describe("invalid job data", () => {
  it("fails at once without touching the cluster", async () => {
    h = await startHarness();
    const before = h.sim.requests().length;
    const job = await h.remediateQueue.add(
      "restart-pod",
      { proposalId: "bad:id", action: "reboot" } as never,
      {
        jobId: "bad-job",
        attempts: 3,
      },
    );
    const { state, job: done } = await finished(h, String(job.id));
    expect(state).toBe("failed");
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toMatch(/^invalid job data \(proposalId: .*action: /);
    expect(h.sim.requests().filter((r) => r.method !== "GET")).toHaveLength(0);
    expect(h.sim.requests().length - before).toBeLessThan(5);
    expect(QUEUES.remediate).toBe(h.remediateQueue.name);
  });

  it("refuses a restart without a pod UID before anything else", async () => {
    h = await startHarness();
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    const { rootTs, replyTo } = await h.openIncident();
    const jobId = await h.remediate(replyTo, "restart-pod", { pod: pod.name });
    const { state } = await finished(h, jobId);
    expect(state).toBe("failed");
    expect(h.threadTexts(rootTs)).toEqual([
      expect.stringMatching(/worker refused a remediation job \(wrong_target\).*Nothing was changed/),
    ]);
    expect(evictions(h)).toEqual([]);
  });
});
