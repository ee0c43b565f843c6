// Heap growth before the kill: two heap profiles of the leaking pod through the pod proxy, a few
// simulated minutes apart (a delayed step), both attached, and what grew between them posted with
// the leaking allocation site first. Bounded: no capture from a slow pod proxy, none of a pod that
// is gone, one measurement per pod per window; the request is scheduled only for a forecast kill.

import type { Diagnosis } from "@rdev/bot/diagnose/types.ts";
import { HEAP_GROWTH_JOB_NAME, type HeapGrowthJob } from "@rdev/bot/queue/jobs.ts";
import { heapGrowthRequest } from "@rdev/bot/worker/heap-growth-schedule.ts";
import { afterEach, describe, expect, it } from "vitest";
import { CHANNEL, type Harness, startHarness } from "./harness.ts";

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const LEAK_SITE = "github.com/rdev/rdev/internal/sse.(*Broker).Subscribe";

async function measure(harness: Harness, job: Omit<HeapGrowthJob, "target" | "requestedAt">) {
  const data: HeapGrowthJob = {
    ...job,
    target: { namespace: "rdev", deployment: "rdev-api" },
    requestedAt: Date.now(),
  };
  const added = await harness.queues.diagnose.add(HEAP_GROWTH_JOB_NAME, data, {
    jobId: `heap-growth-${job.podUid}-t`,
  });
  const { job: done, state } = await harness.finished(String(added.id), harness.queues.diagnose);
  if (state !== "completed") throw new Error(`heap growth job ${state}: ${done.failedReason}`);
  return done.returnvalue as { status: string; top?: string | null; why?: string };
}

describe("heap growth before the kill", () => {
  it("takes two profiles of the leaking pod, attaches both, and names the leaking site first", async () => {
    h = await startHarness({ sim: { scenario: "sse-leak" } });
    const harness = h;
    const leaking = await h.waitFor("the leak under way", () =>
      harness.sim
        .pods()
        .find(
          (p) =>
            p.podIndex === 0 && p.generation === 0 && (p.memoryBytes ?? 0) / (p.memoryLimitBytes ?? 1) > 0.6,
        ),
    );
    const { replyTo, rootTs } = await h.openIncident();
    const result = await measure(h, { pod: leaking.name, podUid: leaking.uid, replyTo, spacingMs: 60_000 });
    expect(result).toMatchObject({ status: "posted", top: LEAK_SITE });
    const thread = h.slack.thread(CHANNEL, rootTs);
    const files = thread.filter((m) => m.files?.length);
    expect(files.map((m) => m.text)).toEqual([
      `Heap profile 1 of 2 of ${leaking.name}, for the growth between them.`,
      `Heap profile 2 of 2 of ${leaking.name}, for the growth between them.`,
    ]);
    const growth = thread.find((m) => m.text.includes("Heap growth of"));
    expect(growth?.text).toMatch(
      new RegExp(`What grew, most first[\\s\\S]*\\n• \`${LEAK_SITE.replace(/[.*()]/g, "\\$&")}\`: \\+`),
    );
  });

  it("is scheduled by a diagnosis that forecasts the kill, once per pod per window", async () => {
    h = await startHarness({ sim: { scenario: "sse-leak" }, env: { HEAP_GROWTH_HORIZON: "1h" } });
    const harness = h;
    await h.waitFor("the leak under way", () =>
      harness.sim.pods().some((p) => (p.memoryBytes ?? 0) / (p.memoryLimitBytes ?? 1) > 0.5),
    );
    const { replyTo, rootTs } = await h.openIncident();
    // The forecast needs three samples: the worker's earlier diagnoses give them.
    for (let i = 0; i < 4; i++) {
      const { jobId } = await h.queues.enqueueDiagnose({
        requestId: `fore-${i}-${Date.now()}`,
        target: { namespace: "rdev", deployment: "rdev-api" },
        replyTo,
        requestedBy: "U0DEVANNA1",
        heapProfile: false,
        requestedAt: Date.now(),
      });
      await h.finished(jobId, h.queues.diagnose);
    }
    const growth = await h.waitFor(
      "the heap growth message",
      () => harness.slack.thread(CHANNEL, rootTs).find((m) => m.text.includes("Heap growth of")),
      30_000,
    );
    expect(growth.text).toContain(LEAK_SITE);
    const measured = (await h.queues.diagnose.getJobs(["completed", "active", "delayed", "waiting"])).filter(
      (j) => j.name === HEAP_GROWTH_JOB_NAME,
    );
    expect(measured).toHaveLength(1);
  });

  it("takes nothing from a slow pod proxy, and says so", async () => {
    h = await startHarness({ sim: { scenario: "sse-leak" } });
    const pod = h.sim.pods()[0];
    if (!pod) throw new Error("no pod");
    const { replyTo, rootTs } = await h.openIncident();
    h.sim.faults.latencyMs = 2500;
    const result = await measure(h, { pod: pod.name, podUid: pod.uid, replyTo, spacingMs: 60_000 });
    expect(result).toMatchObject({ status: "skipped", why: "slow proxy" });
    const thread = h.slack.thread(CHANNEL, rootTs);
    expect(thread.some((m) => m.text.includes("not measured: the pod proxy took"))).toBe(true);
    expect(thread.filter((m) => m.files?.length)).toEqual([]);
  });

  it("says when the pod is gone instead of measuring another one", async () => {
    h = await startHarness({ sim: { scenario: "sse-leak" } });
    const { replyTo, rootTs } = await h.openIncident();
    const result = await measure(h, {
      pod: "rdev-api-85b677459b-zzzzz",
      podUid: "no-such-uid",
      replyTo,
      spacingMs: 60_000,
    });
    expect(result).toMatchObject({ status: "skipped" });
    expect(h.slack.thread(CHANNEL, rootTs).some((m) => m.text.includes("is gone (killed or replaced)"))).toBe(
      true,
    );
  });
});

describe("heapGrowthRequest", () => {
  const diagnosis = (etaMs: number | null) =>
    ({
      error: null,
      pods: [{ name: "rdev-api-x", uid: "uid-x" }],
      foresight: {
        source: "Prometheus",
        change: null,
        pods: [
          etaMs === null
            ? { pod: "rdev-api-x", status: "not_climbing" }
            : { pod: "rdev-api-x", status: "climbing", etaMs },
        ],
      },
    }) as unknown as Diagnosis;
  const options = { horizonMs: 3_600_000, minIntervalMs: 900_000, nowMs: 1_800_000 };

  it.each([
    ["a kill in 6 min: two profiles 2 min apart", 360_000, 120_000],
    ["a kill in 60 s: at least 30 s apart", 60_000, 30_000],
    ["a kill in 40 min: at most 3 min apart", 2_400_000, 180_000],
  ])("%s", (_name, eta, spacing) => {
    expect(heapGrowthRequest(diagnosis(eta), options)).toEqual({
      pod: "rdev-api-x",
      podUid: "uid-x",
      spacingMs: spacing,
      jobId: "heap-growth-uid-x-2",
    });
  });

  it("asks nothing when no kill is forecast within the horizon, or the feature is off", () => {
    expect(heapGrowthRequest(diagnosis(null), options)).toBeNull();
    expect(heapGrowthRequest(diagnosis(7_200_000), options)).toBeNull();
    expect(heapGrowthRequest(diagnosis(60_000), { ...options, horizonMs: 0 })).toBeNull();
  });
});
