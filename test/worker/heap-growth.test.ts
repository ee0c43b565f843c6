// Heap growth before the kill: two heap profiles of the leaking pod through the pod proxy, a few
// simulated minutes apart (a delayed step), both attached, and what grew between them posted with
// the leaking allocation site first. Bounded: no capture from a slow pod proxy, none of a pod that
// is gone, one measurement per pod per window; the request is scheduled only for a forecast kill.

import { HEAP_GROWTH_JOB_NAME, type HeapGrowthJob } from "@rdev/bot/queue/jobs.ts";
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
    // A day's interval (14 min of real time against the harness's faster cluster): four diagnoses can
    // never outlast it, so a second measurement here is the bug, not the clock.
    h = await startHarness({
      sim: { scenario: "sse-leak" },
      env: { HEAP_GROWTH_HORIZON: "1h", HEAP_CAPTURE_MIN_INTERVAL: "24h" },
    });
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
