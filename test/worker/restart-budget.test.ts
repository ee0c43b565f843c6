// The restart budget through the worker: with three restarts of rdev-api by the bot in the last six
// hours on record, a critical pod's diagnosis offers no restart at all, says that restarts are
// hiding a leak, and still offers what addresses it (a higher limit); without them it offers the
// restart. The simulator's leaking pod is critical in both runs.

import { ENTRY } from "@rdev/bot/history/entries.ts";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.ts";

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function diagnoseActions(
  harness: Harness,
  replyTo: Parameters<Harness["queues"]["enqueueDiagnose"]>[0]["replyTo"],
) {
  const { jobId } = await harness.queues.enqueueDiagnose({
    requestId: `req-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    target: { namespace: "rdev", deployment: "rdev-api" },
    replyTo,
    requestedBy: "U0DEVANNA1",
    heapProfile: false,
    requestedAt: Date.now(),
  });
  const { job, state } = await harness.finished(jobId, harness.queues.diagnose);
  if (state !== "completed") throw new Error(`diagnose job ${state}: ${job.failedReason}`);
  const posted = harness.slack
    .thread(replyTo.channel, replyTo.threadTs ?? "")
    .find((m) => m.ts === job.returnvalue.ts);
  return JSON.stringify(posted?.blocks ?? []);
}

describe("restart budget", () => {
  it("stops offering restarts past the budget, and says why", async () => {
    h = await startHarness({ sim: { scenario: "sse-leak" } });
    const harness = h;
    await h.waitFor("a critical pod", () =>
      harness.sim.pods().some((p) => (p.memoryBytes ?? 0) / (p.memoryLimitBytes ?? 1) > 0.955),
    );
    const { incidentId, replyTo } = await h.openIncident();

    const within = await diagnoseActions(h, replyTo);
    expect(within).toContain("proposal:restart-pod:");
    expect(within).toContain("of a budget of 3");

    for (const [i, minutesAgo] of [90, 60, 30].entries()) {
      await h.incidents.appendTimeline(incidentId, {
        at: Date.now() - minutesAgo * 60_000,
        type: ENTRY.actionApplied,
        by: "worker",
        data: { proposalId: `old-${i}`, action: "restart-pod", summary: "Evicted a pod" },
      });
    }
    const over = await diagnoseActions(h, replyTo);
    expect(over).not.toContain("proposal:restart-pod:");
    expect(over).not.toContain("proposal:rolling-restart:");
    expect(over).toContain("Restarts are hiding a leak");
    expect(over).toMatch(/\d+ restarts of rdev-api in the last 6h \(3 by the bot, \d+ by the kubelet/);
    expect(over).toContain("proposal:raise-memory-limit:");

    // A follow-up note for the service owners is attached, once per incident.
    const notes = () =>
      harness.slack
        .thread(replyTo.channel, replyTo.threadTs ?? "")
        .filter((m) => m.text.startsWith(":memo: Restarts are hiding a leak"));
    const [note] = await h.waitFor("the follow-up note", () => (notes().length > 0 ? notes() : null));
    const markdown = (harness.slack.file(note?.files?.[0]?.id ?? "")?.bytes ?? Buffer.alloc(0)).toString(
      "utf8",
    );
    expect(markdown).toContain(
      "# Follow-up for the owners of rdev/rdev-api: restarts are hiding a memory leak",
    );
    expect(markdown).toMatch(/restarts of rdev\/rdev-api in the last 6h \(3 by the bot/);
    expect(markdown).toContain("## Likely cause");
    await diagnoseActions(h, replyTo);
    expect(notes()).toHaveLength(1);
  });
});
