// An approved action across a Redis failover (Sentinel: master, replica with AOF, three sentinels):
// the master is SIGKILLed after the job is queued, as the worker starts the action, and while it
// waits for the rollout; the sentinels promote the replica, the app's and the worker's clients
// follow, and each flow completes with the action applied exactly once (the simulator counts the
// evictions it applied). Also the remediate flow on a three-master Redis Cluster (a replica each),
// whose master of the {rdev} slot is killed mid-flow.

import { waitUntilReady } from "@rdev/bot/redis.ts";
import { KEY_PREFIX } from "@rdev/bot/redis-keys.ts";
import { afterEach, describe, expect, it } from "vitest";
import { startRedisCluster, startRedisSentinel } from "../support/redis-topology.ts";
import { evictions, type Harness, readyPods, startHarness } from "./harness.ts";

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe("Redis Sentinel failover", () => {
  it("a job queued before the master dies runs once on the promoted replica", async () => {
    const sentinel = await startRedisSentinel();
    h = await startHarness({
      redis: sentinel,
      worker: false,
      env: { STABILISATION_WINDOW: "5m", VERIFY_SAMPLES: "3" },
    });
    expect(h.config.redisDurability).toEqual({ replicas: 1, timeoutMs: 1000 });
    const [victim] = await readyPods(h);
    if (!victim) throw new Error("no pod");
    const { rootTs, replyTo } = await h.openIncident();
    // Approved and queued; the app's enqueue waited until the replica had the claim and the job.
    const jobId = await h.remediate(replyTo, "restart-pod", { pod: victim.name, podUid: victim.uid }, "once");

    const old = await sentinel.killMaster();
    const promoted = await sentinel.waitForFailover(old);
    expect(promoted).not.toBe(old);

    // A second click (or a Slack retry) after the failover queues nothing new. (The app's producer
    // fails fast while it reconnects to the new master; a person would see "cannot reach Redis".)
    await waitUntilReady(h.producer);
    expect(await h.remediate(replyTo, "restart-pod", { pod: victim.name, podUid: victim.uid }, "once")).toBe(
      jobId,
    );
    await h.startWorker();
    const { job, state } = await h.finished(jobId);
    expect(state).toBe("completed");
    expect(job.returnvalue).toMatchObject({ status: "applied" });
    expect(evictions(h)).toEqual([victim.name]);
    expect(h.threadTexts(rootTs).filter((t) => t.startsWith("Evicted"))).toHaveLength(1);
  }, 90_000);

  it("the master killed while the worker runs the action: the flow completes, the pod is evicted once", async () => {
    const sentinel = await startRedisSentinel();
    h = await startHarness({ redis: sentinel, env: { STABILISATION_WINDOW: "5m", VERIFY_SAMPLES: "3" } });
    const [victim] = await readyPods(h);
    if (!victim) throw new Error("no pod");
    const { rootTs, replyTo } = await h.openIncident();
    const jobId = await h.remediate(replyTo, "restart-pod", { pod: victim.name, podUid: victim.uid });
    // The eviction is done and the job waits in Redis for the rollout when the master dies.
    await h.waitFor("the eviction", () => h?.threadTexts(rootTs).find((t) => t.startsWith("Evicted")));
    const old = await sentinel.killMaster();
    await sentinel.waitForFailover(old);

    const verified = await verificationAfterFailover(h, jobId);
    expect(verified).toMatchObject({ passed: true });
    const { state } = await h.finished(jobId);
    expect(state).toBe("completed");
    expect(evictions(h)).toEqual([victim.name]);
    expect(h.threadTexts(rootTs).filter((t) => t.startsWith("Evicted"))).toHaveLength(1);
    const pods = await readyPods(h);
    expect(pods.map((p) => p.uid)).not.toContain(victim.uid);
  }, 90_000);

  it("the master killed as the worker starts the eviction: still one eviction, and the flow completes", async () => {
    const sentinel = await startRedisSentinel();
    h = await startHarness({ redis: sentinel, env: { STABILISATION_WINDOW: "5m", VERIFY_SAMPLES: "3" } });
    const [victim] = await readyPods(h);
    if (!victim) throw new Error("no pod");
    const { rootTs, replyTo } = await h.openIncident();
    const jobId = await h.remediate(replyTo, "restart-pod", { pod: victim.name, podUid: victim.uid });
    await h.waitFor("the action to start", () => h?.events.find((e) => e.type === "action_started"));
    const old = await sentinel.killMaster();
    await sentinel.waitForFailover(old);

    await waitUntilReady(h.producer);
    const { state, job } = await h.finished(jobId);
    expect(state).toBe("completed");
    expect(job.returnvalue).toMatchObject({ status: "applied" });
    expect(evictions(h)).toEqual([victim.name]);
    expect(h.threadTexts(rootTs).filter((t) => t.startsWith("Evicted"))).toHaveLength(1);
  }, 90_000);
});

describe("Redis Cluster", () => {
  it("runs an approved restart on three masters; the {rdev} slot's master killed mid-flow, one eviction", async () => {
    const cluster = await startRedisCluster({ replicas: 1 });
    h = await startHarness({
      redis: cluster,
      env: {
        STABILISATION_WINDOW: "5m",
        VERIFY_SAMPLES: "3",
        REDIS_WAIT_REPLICAS: "1",
        // The harness' 4 s job lock can lapse twice on a loaded machine while the cluster fails over
        // (node timeout 2 s, then the election): BullMQ would then fail the job as stalled and no
        // verification would follow. Production's lock is 30 s; 15 s keeps the test about failover.
        WORKER_LOCK_DURATION: "15s",
        // A worker left stuck by the failover is replaced after two looks (worker/watchdog.ts).
        WORKER_WATCHDOG_INTERVAL: "2s",
      },
    });
    const [victim] = await readyPods(h);
    if (!victim) throw new Error("no pod");
    const { incidentId, rootTs, replyTo } = await h.openIncident();
    const jobId = await h.remediate(replyTo, "restart-pod", { pod: victim.name, podUid: victim.uid });
    await h.waitFor("the eviction", () => h?.threadTexts(rootTs).find((t) => t.startsWith("Evicted")));
    const old = await cluster.killSlotMaster(KEY_PREFIX);
    await cluster.waitForSlotFailover(KEY_PREFIX, old);

    const verified = await verificationAfterFailover(h, jobId);
    expect(verified).toMatchObject({ passed: true });
    await waitUntilReady(h.producer);
    expect((await h.finished(jobId)).state).toBe("completed");
    expect(evictions(h)).toEqual([victim.name]);
    expect(h.threadTexts(rootTs).filter((t) => t.startsWith("Evicted"))).toHaveLength(1);
    const types = (await h.incidents.timeline(incidentId)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(["action_started", "action_applied", "verification_passed"]),
    );
  }, 200_000);
});

/**
 * The verification that follows the failover, or an error that says where the flow stopped (the
 * remediate job's state, the worker's events).
 */
async function verificationAfterFailover(harness: Harness, jobId: string) {
  return await harness
    .waitFor(
      "verification after the failover",
      () => harness.events.find((e) => e.type === "verification"),
      // A lost job lock is recovered by BullMQ's stalled-job check; on a loaded machine that and the
      // failover can take over a minute (seen: 71 s with the whole suite running).
      150_000,
    )
    .catch(async (error: Error) => {
      const job = await harness.finished(jobId).catch((e: Error) => ({ state: e.message, job: null }));
      const seen = harness.events.map((e) => e.type).join(", ");
      throw new Error(
        `${error.message}; remediate job: ${job.state} ${job.job?.failedReason ?? ""}; events: ${seen}`,
      );
    });
}
