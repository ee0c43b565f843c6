// The memory chart the worker attaches after a diagnosis: from the last diagnoses of the target
// when PROMETHEUS_URL is unset (so the second diagnosis is the first with a curve), and a chart
// failure (Prometheus unreachable) leaves the diagnosis job completed with a note in the thread.
import { createServer } from "node:net";
import type { ReplyTo } from "@rdev/bot/queue/jobs.ts";
import { afterEach, describe, expect, it } from "vitest";
import { CHANNEL, type Harness, readyPods, startHarness } from "./harness.ts";

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function diagnose(harness: Harness, replyTo: ReplyTo) {
  const { jobId } = await harness.queues.enqueueDiagnose({
    requestId: `req-${Date.now()}`,
    target: { namespace: "rdev", deployment: "rdev-api" },
    replyTo,
    requestedBy: "U0DEVANNA1",
    heapProfile: false,
    requestedAt: Date.now(),
  });
  const { job, state } = await harness.finished(jobId, harness.queues.diagnose);
  if (state !== "completed") throw new Error(`diagnose job ${state}: ${job.failedReason}`);
  return job;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const charts = (harness: Harness, rootTs: string) =>
  harness.slack.thread(CHANNEL, rootTs).filter((m) => m.files?.some((f) => f.name.startsWith("memory-")));

describe("the diagnosis' memory chart", () => {
  it("is drawn from the last diagnoses once there are two, and uploaded into the thread as a PNG", async () => {
    h = await startHarness({ sim: { scenario: "sse-leak" } });
    await readyPods(h);
    const { rootTs, replyTo } = await h.openIncident();
    await diagnose(h, replyTo);
    expect(charts(h, rootTs)).toEqual([]);
    await diagnose(h, replyTo);
    const posted = charts(h, rootTs);
    expect(posted).toHaveLength(1);
    // The harness' simulator runs its clock 100x: the chart's times are said to be the cluster's.
    expect(posted[0]?.text).toMatch(
      /^Memory of rdev\/rdev-api, last 30 min of cluster time\. Times are the simulated cluster's clock: (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d there at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\.$/,
    );
    const bytes = h.slack.file(posted[0]?.files?.[0]?.id ?? "")?.bytes ?? Buffer.alloc(0);
    expect(bytes.subarray(0, 8)).toEqual(PNG);
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(h.events.filter((e) => e.type === "chart_posted")).toHaveLength(1);
  });

  it("never fails the diagnosis: Prometheus unreachable -> the job completes and the thread says why", async () => {
    h = await startHarness({ worker: false });
    await h.startWorker({ PROMETHEUS_URL: `http://127.0.0.1:${await closedPort()}` });
    await readyPods(h);
    const { rootTs, replyTo } = await h.openIncident();
    const job = await diagnose(h, replyTo);
    expect(job.returnvalue).toMatchObject({ ts: expect.any(String) });
    expect(job.data).toMatchObject({ charted: true });
    const texts = h.threadTexts(rootTs);
    expect(texts[0]).toMatch(/rdev\/rdev-api/);
    expect(texts.at(-1)).toMatch(
      /^\(No memory chart this time: cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(charts(h, rootTs)).toEqual([]);
  });
});
