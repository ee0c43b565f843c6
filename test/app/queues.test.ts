// Producer queues on a private Redis: validated data, deterministic ids (one job per id), and a
// failure while Redis is down (at once: with the offline queue off, a hang would time the test out).

import { createQueues } from "@rdev/bot/queue/queues.ts";
import { createRedis, RedisUnavailableError, waitUntilReady } from "@rdev/bot/redis.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisUnderTest, startTopology, topologyKind } from "../support/redis-topology.ts";

let server: RedisUnderTest;
beforeAll(async () => {
  server = await startTopology();
});
afterAll(async () => {
  await server.stop();
});

const diagnose = (requestId: string) => ({
  requestId,
  target: { namespace: "rdev", deployment: "rdev-api" },
  replyTo: { channel: "C0RDEVOPS1", threadTs: "1764125463.000100", incidentId: null },
  requestedBy: "alertmanager",
  heapProfile: false,
  requestedAt: 1,
});

describe("createQueues", () => {
  it("adds one job per deterministic id, however often it is asked", async () => {
    const redis = createRedis(server.target, { role: "producer" });
    await waitUntilReady(redis);
    const queues = createQueues({ connection: redis, prefix: "{q1}" });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => queues.enqueueDiagnose(diagnose("incident-abc"))),
    );
    expect(new Set(results.map((r) => r.jobId))).toEqual(new Set(["diagnose-incident-abc"]));
    expect(await queues.diagnose.count()).toBe(1);
    await expect(queues.enqueueDiagnose({ ...diagnose("bad:id") })).rejects.toThrow(
      /job ids may only contain/,
    );
    await queues.close();
    redis.disconnect();
  });

  it("coalesces adds with one id from the first add on, not in windows cut from the clock", async () => {
    const redis = createRedis(server.target, { role: "producer" });
    await waitUntilReady(redis);
    const queues = createQueues({ connection: redis, prefix: "{q4}" });
    try {
      const coalesce = { id: "again-incident-1", windowMs: 1_500 };
      // Distinct request ids (each click's own time), one coalescing id: the first add wins.
      const first = await queues.enqueueDiagnose(diagnose("again-1-29999"), { coalesce });
      const second = await queues.enqueueDiagnose(diagnose("again-1-30001"), { coalesce });
      expect(first.jobId).toBe("diagnose-again-1-29999");
      expect(second.jobId).toBe(first.jobId);
      expect(await queues.diagnose.count()).toBe(1);
      // Another incident's clicks are not held back by this one's.
      await queues.enqueueDiagnose(diagnose("again-2-1"), {
        coalesce: { ...coalesce, id: "again-incident-2" },
      });
      expect(await queues.diagnose.count()).toBe(2);
      // Past the window a click makes a job again.
      await new Promise((r) => setTimeout(r, 1_700));
      const later = await queues.enqueueDiagnose(diagnose("again-1-90000"), { coalesce });
      expect(later.jobId).toBe("diagnose-again-1-90000");
      expect(await queues.diagnose.count()).toBe(3);
    } finally {
      await queues.close();
      redis.disconnect();
    }
  });

  it("waits for replicas on an approved job when asked, and says how many acknowledged it", async () => {
    const redis = createRedis(server.target, { role: "producer" });
    await waitUntilReady(redis);
    const job = (proposalId: string) => ({
      proposalId,
      action: "restart-pod" as const,
      params: { pod: "rdev-api-1", podUid: "uid-1" },
      target: { namespace: "rdev", deployment: "rdev-api" },
      replyTo: { channel: "C0RDEVOPS1", threadTs: "1764125463.000100", incidentId: null },
      approvedBy: "U0APPROVER",
      approvedAt: 1,
    });
    const plain = createQueues({ connection: redis, prefix: "{q3}" });
    const durable = createQueues({
      connection: redis,
      prefix: "{q3}",
      durability: { replicas: 1, timeoutMs: 300 },
    });
    try {
      expect(await plain.enqueueRemediate(job("p1"))).toMatchObject({
        jobId: "remediate-p1",
        replicas: null,
      });
      // Only the Sentinel setup has a replica; a lone server and the test cluster's masters have none.
      const replicas = server.kind === "sentinel" ? 1 : 0;
      expect(await durable.enqueueRemediate(job("p2"))).toMatchObject({ jobId: "remediate-p2", replicas });
    } finally {
      await plain.close();
      await durable.close();
      redis.disconnect();
    }
  });

  it.skipIf(topologyKind() !== "single")(
    "fails fast with RedisUnavailableError while Redis is down",
    async () => {
      const redis = createRedis(server.target, { role: "producer" });
      await waitUntilReady(redis);
      const queues = createQueues({ connection: redis, prefix: "{q2}" });
      await queues.ping();
      await server.server?.kill();
      try {
        await expect(queues.ping()).rejects.toBeInstanceOf(RedisUnavailableError);
        await expect(queues.enqueueDiagnose(diagnose("x"))).rejects.toBeInstanceOf(RedisUnavailableError);
      } finally {
        await server.server?.start();
        await queues.close();
        redis.disconnect();
      }
    },
  );
});
