// When the heap-growth measurement is scheduled, on a real redis-server and a real BullMQ queue: one
// per pod per HEAP_CAPTURE_MIN_INTERVAL counted from the last one scheduled, however the diagnoses
// fall on the clock. CI caught the window cut from the clock (the job id held floor(now / interval))
// letting two through when a boundary fell between two diagnoses.
import type { WorkerConfig } from "@rdev/bot/config.ts";
import type { Diagnosis } from "@rdev/bot/diagnose/types.ts";
import { HEAP_GROWTH_JOB_NAME, type ReplyTo } from "@rdev/bot/queue/jobs.ts";
import { createRedis, waitUntilReady } from "@rdev/bot/redis.ts";
import { heapGrowthRequest, scheduleHeapGrowth } from "@rdev/bot/worker/heap-growth-schedule.ts";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../support/redis.ts";

const diagnosis = (etaMs: number | null, pod = "rdev-api-x", uid = "uid-x") =>
  ({
    error: null,
    pods: [{ name: pod, uid }],
    foresight: {
      source: "Prometheus",
      change: null,
      pods: [etaMs === null ? { pod, status: "not_climbing" } : { pod, status: "climbing", etaMs }],
    },
  }) as unknown as Diagnosis;

describe("heapGrowthRequest", () => {
  const options = { horizonMs: 3_600_000, nowMs: 1_800_000 };

  it.each([
    ["a kill in 6 min: two profiles 2 min apart", 360_000, 120_000],
    ["a kill in 60 s: at least 30 s apart", 60_000, 30_000],
    ["a kill in 40 min: at most 3 min apart", 2_400_000, 180_000],
  ])("%s", (_name, eta, spacing) => {
    expect(heapGrowthRequest(diagnosis(eta), options)).toEqual({
      pod: "rdev-api-x",
      podUid: "uid-x",
      spacingMs: spacing,
      deduplicationId: "heap-growth-uid-x",
      jobId: "heap-growth-uid-x-1800000",
    });
  });

  it("asks nothing when no kill is forecast within the horizon, or the feature is off", () => {
    expect(heapGrowthRequest(diagnosis(null), options)).toBeNull();
    expect(heapGrowthRequest(diagnosis(7_200_000), options)).toBeNull();
    expect(heapGrowthRequest(diagnosis(60_000), { ...options, horizonMs: 0 })).toBeNull();
  });
});

describe("scheduleHeapGrowth on a real queue", () => {
  let server: TestRedis;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedis();
    redis = createRedis(server.url, { role: "producer" });
    await waitUntilReady(redis);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  const replyTo: ReplyTo = { channel: "C1", threadTs: "1.1", incidentId: "i-0000001" };
  const target = { namespace: "rdev", deployment: "rdev-api" };
  const INTERVAL = 900_000;

  /** A queue of its own, and a worker clock that runs `speed` times faster than real time. */
  function setup(speed: number) {
    const queue = new Queue(`heap-${Math.random().toString(36).slice(2, 8)}`, {
      connection: redis,
      prefix: "{rdev}:bull",
    });
    let clusterNow = 0;
    const deps = {
      config: { heapGrowthHorizonMs: 3_600_000, heapCaptureMinIntervalMs: INTERVAL } as WorkerConfig,
      heapQueue: queue,
      now: () => clusterNow,
      realNow: () => Date.now(),
      realDelay: (ms: number) => ms / speed,
    };
    const at = async (ms: number, d = diagnosis(360_000)) => {
      clusterNow = ms;
      return scheduleHeapGrowth(deps, d, target, replyTo);
    };
    const jobs = async () =>
      (await queue.getJobs(["waiting", "delayed", "active", "completed"])).filter(
        (j) => j.name === HEAP_GROWTH_JOB_NAME,
      );
    return { queue, at, jobs };
  }

  it("schedules one for two forecasts either side of where a clock window would have ended", async () => {
    const { queue, at, jobs } = setup(1);
    const first = await at(INTERVAL - 1_000);
    const second = await at(INTERVAL + 1_000);
    expect(first).toBe(`heap-growth-uid-x-${INTERVAL - 1_000}`);
    expect(second).toBe(first);
    expect((await jobs()).map((j) => j.id)).toEqual([first]);
    await queue.close();
  });

  it("schedules again once the interval has passed, counted in real time against a faster cluster", async () => {
    // 15 min of cluster time at 1,000x is 900 ms of real time: the TTL Redis counts (long enough
    // that the first two adds land inside it on a loaded machine).
    const { queue, at, jobs } = setup(1_000);
    const first = await at(0);
    expect(await at(1_000)).toBe(first);
    await new Promise((r) => setTimeout(r, 1_100));
    const second = await at(INTERVAL + 1_000);
    expect(second).not.toBe(first);
    expect((await jobs()).map((j) => j.id).sort()).toEqual([first, second].sort());
    await queue.close();
  });

  it("keeps pods apart: another pod's forecast is measured inside the first one's interval", async () => {
    const { queue, at, jobs } = setup(1);
    await at(0);
    await at(1_000, diagnosis(360_000, "rdev-api-y", "uid-y"));
    expect((await jobs()).map((j) => j.data.podUid).sort()).toEqual(["uid-x", "uid-y"]);
    await queue.close();
  });

  it("schedules nothing without a forecast kill", async () => {
    const { queue, at, jobs } = setup(1);
    expect(await at(0, diagnosis(null))).toBeNull();
    expect(await jobs()).toEqual([]);
    await queue.close();
  });
});
