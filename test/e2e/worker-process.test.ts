// The worker as a real process: its HTTP endpoints, SIGTERM (finish in-flight work, or say in the
// thread that it was interrupted), SIGKILL in the middle of an action (the stalled job is recovered,
// the pod is evicted exactly once, and the thread tells what really happened), and a Redis restart.
import { afterEach, describe, expect, it } from "vitest";
import { evictions, type Harness, readyPods, startHarness } from "../worker/harness.ts";
import { type SpawnedWorker, spawnWorker } from "./spawn-worker.ts";

let h: Harness | null = null;
const children: SpawnedWorker[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill("SIGKILL");
    await c.exited;
  }
  await h?.close();
  h = null;
});

async function spawn(harness: Harness, extra: Record<string, string> = {}): Promise<SpawnedWorker> {
  // The child reaches the simulator through a kubeconfig file, like in a cluster.
  const path = `/tmp/worker-test-${process.pid}-${children.length}.kubeconfig`;
  await harness.sim.writeKubeconfig(path);
  const w = await spawnWorker({ ...harness.env, KUBECONFIG: path, WORKER_LOCK_DURATION: "2s", ...extra });
  children.push(w);
  return w;
}

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
};

describe("the worker process", () => {
  it("serves /healthz and /metrics, and exits 0 on SIGTERM", async () => {
    h = await startHarness({ worker: false });
    const w = await spawn(h);
    const health = await get(`${w.url}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: "ok", redis: "ready", workers: "running" });
    const metrics = await get(`${w.url}/metrics`);
    expect(metrics.body).toContain("rdev_worker_jobs_total");
    expect(metrics.body).toContain("rdev_worker_process_resident_memory_bytes");
    w.kill("SIGTERM");
    expect(await w.exited).toEqual({ code: 0, signal: null });
  });

  it("SIGTERM lets the in-flight action finish before exiting", async () => {
    h = await startHarness({ worker: false });
    const w = await spawn(h);
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    const fault = h.sim.faults.add({ method: "POST", path: /\/eviction$/, delayMs: 800, times: 1 });
    const { rootTs, replyTo } = await h.openIncident();
    await h.remediate(replyTo, "restart-pod", { pod: pod.name, podUid: pod.uid });
    await h.waitFor("the eviction request", () => fault.hits === 1);
    w.kill("SIGTERM");
    expect(await w.exited).toEqual({ code: 0, signal: null });
    // The eviction in flight at SIGTERM was completed and reported before the process exited.
    expect(evictions(h)).toEqual([pod.name]);
    expect(h.threadTexts(rootTs).some((t) => t.startsWith("Evicted"))).toBe(true);
    // The rest of the job (watching the rollout) is picked up by the next worker.
    await h.startWorker();
    await h.waitFor(
      "the rollout",
      () => h?.threadTexts(rootTs).find((t) => t.startsWith("Finished")),
      20_000,
    );
    expect(evictions(h)).toEqual([pod.name]);
  });

  it("SIGTERM past the grace period says so in the thread; another worker resumes the action", async () => {
    h = await startHarness({ worker: false });
    const w = await spawn(h, { WORKER_SHUTDOWN_GRACE: "300ms" });
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    const fault = h.sim.faults.add({ method: "POST", path: /\/eviction$/, delayMs: 10_000, times: 1 });
    const { rootTs, replyTo } = await h.openIncident();
    await h.remediate(replyTo, "restart-pod", { pod: pod.name, podUid: pod.uid });
    await h.waitFor("the eviction request", () => fault.hits === 1);
    w.kill("SIGTERM");
    expect((await w.exited).code).toBe(0);
    expect(h.threadTexts(rootTs).at(-1)).toMatch(/interrupted at execute; it will be resumed/);
    // The request died with the process: nothing was evicted yet.
    expect(evictions(h)).toEqual([]);
    await h.startWorker();
    await h.waitFor(
      "the rollout",
      () => h?.threadTexts(rootTs).find((t) => t.startsWith("Finished")),
      20_000,
    );
    const texts = h.threadTexts(rootTs);
    expect(texts.filter((t) => t.startsWith("Resuming"))).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith("Evicted"))).toHaveLength(1);
    expect(evictions(h)).toEqual([pod.name]);
  });

  it("SIGKILL after the eviction landed: the recovered job does not evict again and says so", async () => {
    h = await startHarness({ worker: false });
    const w = await spawn(h);
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    // Hold the eviction in the API server; freeze the worker meanwhile so the API server applies
    // the eviction and answers a process that will never read the answer; then kill it.
    const fault = h.sim.faults.add({ method: "POST", path: /\/eviction$/, delayMs: 500, times: 1 });
    const { incidentId, rootTs, replyTo } = await h.openIncident();
    const jobId = await h.remediate(replyTo, "restart-pod", { pod: pod.name, podUid: pod.uid });
    await h.waitFor("the eviction request", () => fault.hits === 1);
    w.kill("SIGSTOP");
    await h.waitFor("the eviction to be applied", () => evictions(h as Harness).length === 1);
    w.kill("SIGKILL");
    expect((await w.exited).signal).toBe("SIGKILL");
    expect(h.threadTexts(rootTs).filter((t) => t.startsWith("Evicted"))).toHaveLength(0);

    // A new worker recovers the stalled job once its lock (2 s) expires.
    await h.startWorker();
    await h.waitFor(
      "the rollout",
      () => h?.threadTexts(rootTs).find((t) => t.startsWith("Finished")),
      20_000,
    );
    expect(evictions(h)).toEqual([pod.name]);
    const texts = h.threadTexts(rootTs);
    expect(texts[0]).toMatch(/^About to: Evict pod/);
    expect(texts[1]).toMatch(/^Resuming: Evict pod/);
    expect(texts[2]).toMatch(/already terminating|is gone/);
    expect(texts[2]).toContain(
      "an earlier attempt of this job had already evicted it, so it was not evicted again",
    );
    const job = await h.remediateQueue.getJob(jobId);
    expect(job?.data.state.outcome.status).toBe("already_done");
    const types = (await h.incidents.timeline(incidentId)).map((e) => e.type);
    expect(types).toContain("action_already_done");
    expect(types).not.toContain("action_applied");
  });

  it("SIGKILL before the eviction landed: the recovered job evicts the pod, once", async () => {
    h = await startHarness({ worker: false });
    const w = await spawn(h);
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    const fault = h.sim.faults.add({ method: "POST", path: /\/eviction$/, delayMs: 10_000, times: 1 });
    const { rootTs, replyTo } = await h.openIncident();
    await h.remediate(replyTo, "restart-pod", { pod: pod.name, podUid: pod.uid });
    await h.waitFor("the eviction request", () => fault.hits === 1);
    w.kill("SIGKILL");
    await w.exited;
    expect(evictions(h)).toEqual([]);
    await h.startWorker();
    await h.waitFor(
      "the rollout",
      () => h?.threadTexts(rootTs).find((t) => t.startsWith("Finished")),
      20_000,
    );
    expect(evictions(h)).toEqual([pod.name]);
    const texts = h.threadTexts(rootTs);
    expect(texts[1]).toMatch(/^Resuming: /);
    expect(texts[2]).toMatch(
      new RegExp(`^Evicted ${pod.name} \\(uid ${pod.uid}\\) through the Eviction API`),
    );
  });

  it("a job whose workers die twice is failed, and the thread is told what to check", async () => {
    h = await startHarness({ worker: false });
    const harness = h;
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    const fault = h.sim.faults.add({ method: "POST", path: /\/eviction$/, delayMs: 10_000, times: 2 });
    const { incidentId, rootTs, replyTo } = await h.openIncident();
    const a = await spawn(h);
    const jobId = await h.remediate(replyTo, "restart-pod", { pod: pod.name, podUid: pod.uid });
    await h.waitFor("the first eviction request", () => fault.hits === 1);
    a.kill("SIGKILL");
    const b = await spawn(h);
    await h.waitFor("the second eviction request", () => fault.hits === 2, 20_000);
    b.kill("SIGKILL");
    await h.startWorker();
    const failed = await h.waitFor(
      "the job to fail",
      async () => {
        // Read the job again once it is failed: a copy read before the move has no failedReason yet.
        const state = await harness.remediateQueue.getJobState(jobId);
        return state === "failed" ? await harness.remediateQueue.getJob(jobId) : null;
      },
      20_000,
    );
    expect(failed?.failedReason).toBe("job stalled more than allowable limit");
    expect(evictions(h)).toEqual([]);
    const last = await h.waitFor("the note", () =>
      harness.threadTexts(rootTs).find((t) => t.includes("stopped in the middle of it more than once")),
    );
    expect(last).toMatch(/It was at step execute: check in the cluster what was applied/);
    // The timeline entry is written after the thread note: wait for it rather than race it.
    const failedEntry = await h.waitFor("the action_failed timeline entry", async () =>
      (await harness.incidents.timeline(incidentId)).find((e) => e.type === "action_failed"),
    );
    expect(failedEntry?.type).toBe("action_failed");
  });

  it("survives a Redis restart: /healthz reports it, and the next flow runs end to end", async () => {
    h = await startHarness({ worker: false });
    const w = await spawn(h);
    // A flow is under way (its job waits in Redis between rollout checks) when Redis goes away.
    const first = await h.openIncident();
    const [victim] = await readyPods(h);
    if (!victim) throw new Error("no pod");
    await h.remediate(first.replyTo, "restart-pod", { pod: victim.name, podUid: victim.uid });
    await h.waitFor("the eviction", () => h?.threadTexts(first.rootTs).find((t) => t.startsWith("Evicted")));
    const server = h.redis;
    if (!server) throw new Error("this test needs the harness' own redis-server");
    await server.kill();
    await h.waitFor(
      "healthz to report Redis down",
      async () => (await get(`${w.url}/healthz`)).status === 503,
    );
    expect(JSON.parse((await get(`${w.url}/healthz`)).body)).toMatchObject({ status: "unavailable" });
    await server.start();
    await h.waitFor("healthz ok", async () => (await get(`${w.url}/healthz`)).status === 200, 30_000);
    // Redis came back empty (no persistence in tests: the first flow's job is lost with it); a new
    // approval runs through the same process.
    await h.waitFor("the producer to reconnect", () => h?.producer.status === "ready");
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    const { rootTs, replyTo } = await h.openIncident();
    await h.remediate(replyTo, "restart-pod", { pod: pod.name, podUid: pod.uid });
    await h.waitFor(
      "the rollout",
      () => h?.threadTexts(rootTs).find((t) => t.startsWith("Finished")),
      30_000,
    );
    expect(evictions(h)).toEqual([victim.name, pod.name]);
    expect(w.child.exitCode).toBeNull();
  });
});
