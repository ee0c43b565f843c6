// Slack failing under the worker: a 429 becomes a delay of Retry-After on the queue (no attempt
// used, no sleeping handler, nothing applied twice); a 500 is retried, first by the client, then by
// the queue's backoff. Also: two workers on one queue never run an action twice.
import { afterEach, describe, expect, it } from "vitest";
import { evictions, type Harness, readyPods, startHarness } from "./harness.ts";

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function completed(harness: Harness, jobId: string) {
  const { job, state } = await harness.finished(jobId);
  if (state !== "completed") throw new Error(`job ${jobId} ${state}: ${job.failedReason}`);
  return job;
}

describe("Slack rate limits and errors", () => {
  it("a 429 on the report delays the job by Retry-After; the eviction is not repeated", async () => {
    h = await startHarness();
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    const { rootTs, replyTo } = await h.openIncident();
    // Posts so far: the root. The next (About to) passes; right after it is recorded, the one
    // after (the outcome) is scripted to be rate limited with Retry-After: 1.
    let posts = 0;
    const original = h.slack.calls.push.bind(h.slack.calls);
    h.slack.calls.push = (...calls) => {
      for (const c of calls) {
        if (c.method === "chat.postMessage" && ++posts === 1)
          h?.slack.failNext("chat.postMessage", 429, 1, 1);
      }
      return original(...calls);
    };
    const jobId = await h.remediate(replyTo, "restart-pod", { pod: pod.name, podUid: pod.uid });
    await h.waitFor(
      "the rollout",
      () => h?.threadTexts(rootTs).find((t) => t.startsWith("Finished")),
      20_000,
    );
    const limited = h.slack.callsTo("chat.postMessage").filter((c) => c.status === 429);
    expect(limited).toHaveLength(1);
    const retried = h.slack.callsTo("chat.postMessage").find((c) => c.ok && c.at > (limited[0]?.at ?? 0));
    // The job came back no sooner than Retry-After (1 s).
    expect((retried?.at ?? 0) - (limited[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(evictions(h)).toEqual([pod.name]);
    const texts = h.threadTexts(rootTs);
    expect(texts.filter((t) => t.startsWith("About to"))).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith("Evicted"))).toHaveLength(1);
    // Completed on its first attempt: the delay used none (BullMQ counts the completion itself).
    const job = await completed(h, jobId);
    expect(job?.attemptsMade).toBe(1);
    expect(texts.some((t) => t.includes("failed"))).toBe(false);
    const metrics = await h.worker?.deps.metrics.registry.getSingleMetricAsString(
      "rdev_worker_slack_rate_limited_total",
    );
    expect(metrics).toMatch(/rdev_worker_slack_rate_limited_total 1$/m);
  });

  it("Slack answering 500 is retried (client, then queue backoff) and nothing is posted or applied twice", async () => {
    h = await startHarness();
    const [pod] = await readyPods(h);
    if (!pod) throw new Error("no pod");
    const { rootTs, replyTo } = await h.openIncident();
    // 3 failures: the client's own 2 quick retries are not enough, so the job is retried by BullMQ.
    h.slack.failNext("chat.postMessage", 500, 3);
    const jobId = await h.remediate(replyTo, "restart-pod", { pod: pod.name, podUid: pod.uid });
    await h.waitFor(
      "the rollout",
      () => h?.threadTexts(rootTs).find((t) => t.startsWith("Finished")),
      30_000,
    );
    expect(h.slack.callsTo("chat.postMessage").filter((c) => c.status === 500)).toHaveLength(3);
    const texts = h.threadTexts(rootTs);
    expect(texts.filter((t) => t.startsWith("About to"))).toHaveLength(1);
    expect(evictions(h)).toEqual([pod.name]);
    // One failed attempt, then the completed one.
    const job = await completed(h, jobId);
    expect(job?.attemptsMade).toBe(2);
    expect(texts.filter((t) => t.includes("attempt 1 of 3 failed"))).toHaveLength(1);
  });
});

describe("two workers on one queue", () => {
  it("run each action exactly once, even when the same proposal is enqueued twice", async () => {
    // No PDB: two pods may be evicted at once.
    h = await startHarness({ sim: { pdbMinAvailable: null } });
    await h.startWorker();
    const pods = await readyPods(h);
    const { rootTs, replyTo } = await h.openIncident();
    const [a, b] = pods;
    if (!a || !b) throw new Error("pods");
    await Promise.all([
      h.remediate(replyTo, "restart-pod", { pod: a.name, podUid: a.uid }, "prop-a"),
      h.remediate(replyTo, "restart-pod", { pod: a.name, podUid: a.uid }, "prop-a"),
      h.remediate(replyTo, "restart-pod", { pod: b.name, podUid: b.uid }, "prop-b"),
    ]);
    await h.waitFor(
      "both rollouts",
      () => (h?.threadTexts(rootTs).filter((t) => t.startsWith("Finished")).length ?? 0) >= 2,
      30_000,
    );
    expect(evictions(h).sort()).toEqual([a.name, b.name].sort());
    const texts = h.threadTexts(rootTs);
    expect(texts.filter((t) => t.startsWith("About to"))).toHaveLength(2);
    const counts = await h.waitFor("two completed jobs", async () => {
      const c = await h?.remediateQueue.getJobCounts("completed", "failed", "active", "waiting", "delayed");
      return c && c.completed === 2 && (c.active ?? 0) + (c.waiting ?? 0) + (c.delayed ?? 0) === 0 ? c : null;
    });
    expect(counts).toEqual({ completed: 2, failed: 0, active: 0, waiting: 0, delayed: 0 });
  });
});
