// Diagnose jobs through the worker: the runbook's investigation against the simulator, posted by
// postDiagnosis with approval buttons backed by stored proposals, the heap profile attached, the
// diagnosis snapshot on the timeline; a Slack 429 on the attachment delays the job without posting
// (or recording) the diagnosis twice.

import { summariseHeapProfile } from "@rdev/bot/diagnose/pprof.ts";
import { createDiagnosisDetailsStore } from "@rdev/bot/history/diagnosis-details.ts";
import type { ReplyTo } from "@rdev/bot/queue/jobs.ts";
import { PROPOSAL_ACTION_PREFIX } from "@rdev/bot/render/blocks/diagnosis.ts";
import { DIAGNOSIS_DETAILS_ACTION } from "@rdev/bot/render/blocks/diagnosis-compact.ts";
import { afterEach, describe, expect, it } from "vitest";
import { CHANNEL, type Harness, readyPods, startHarness } from "./harness.ts";

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function diagnose(harness: Harness, replyTo: ReplyTo) {
  const { jobId } = await harness.queues.enqueueDiagnose({
    requestId: `req-${Date.now()}`,
    target: { namespace: "rdev", deployment: "rdev-api" },
    replyTo,
    requestedBy: "U0DEVANNA1",
    heapProfile: true,
    requestedAt: Date.now(),
  });
  const { job, state } = await harness.finished(jobId, harness.queues.diagnose);
  if (state !== "completed") throw new Error(`diagnose job ${state}: ${job.failedReason}`);
  return job;
}

describe("diagnose jobs", () => {
  it("post the diagnosis with proposal buttons and attach the heap profile", async () => {
    h = await startHarness({ sim: { scenario: "sse-leak" } });
    const harness = h;
    // A few simulated minutes: the leaking pod goes above the warning threshold, so there is advice
    // and there are actions to approve.
    await h.waitFor("a pod above 85%", () =>
      harness.sim.pods().some((p) => (p.memoryBytes ?? 0) / (p.memoryLimitBytes ?? 1) > 0.85),
    );
    const { incidentId, rootTs, replyTo } = await h.openIncident();
    const job = await diagnose(h, replyTo);
    expect(job?.returnvalue).toMatchObject({ severity: expect.any(String), ts: expect.any(String) });

    const thread = h.slack.thread(CHANNEL, rootTs);
    const posted = thread.find((m) => m.ts === job?.returnvalue.ts);
    expect(posted?.text).toMatch(/rdev\/rdev-api/);
    const accessories = ((posted?.blocks ?? []) as { accessory?: { action_id: string; value: string } }[])
      .map((b) => b.accessory)
      .filter((a) => a !== undefined);
    const buttons = accessories.filter((a) => a.action_id.startsWith(PROPOSAL_ACTION_PREFIX));
    expect(buttons.length).toBeGreaterThan(0);
    // The compact message's Details button: the full report was stored before the message went out.
    const details = accessories.find((a) => a.action_id === DIAGNOSIS_DETAILS_ACTION);
    const report = await createDiagnosisDetailsStore({ redis: h.producer, prefix: h.prefix }).get(
      details?.value ?? "",
    );
    expect(report?.channels).toEqual([CHANNEL]);
    expect(JSON.stringify(report?.blocks)).toMatch(/Heap profile\*? of `rdev-api-/);
    expect(JSON.stringify(posted?.blocks)).not.toContain("Heap profile");
    expect(buttons.length).toBe(job?.returnvalue.proposals);
    for (const b of buttons) {
      const p = await h.proposals.get(b.value);
      expect(p).toMatchObject({
        status: "pending",
        incidentId,
        messageTs: posted?.ts,
        requestedBy: "U0DEVANNA1",
      });
    }

    const file = thread.find((m) => m.files?.length);
    expect(file?.text).toMatch(/^Heap profile of rdev-api-.*, captured for the diagnosis above/);
    const bytes = h.slack.file(file?.files?.[0]?.id ?? "")?.bytes ?? Buffer.alloc(0);
    expect(summariseHeapProfile(bytes).totalInuseBytes).toBeGreaterThan(0);

    const entries = (await h.incidents.timeline(incidentId)).filter((e) => e.type === "diagnosis");
    expect(entries).toHaveLength(1);
    expect(entries[0]?.data).toMatchObject({
      requestedBy: "U0DEVANNA1",
      proposals: buttons.map((b) => b.value),
      snapshot: { target: { namespace: "rdev", deployment: "rdev-api" }, error: null },
    });
  });

  it("a 429 on the attachment delays the job; the diagnosis is not posted or recorded twice", async () => {
    h = await startHarness();
    await readyPods(h);
    const { incidentId, rootTs, replyTo } = await h.openIncident();
    h.slack.failNext("files.getUploadURLExternal", 429, 1, 1);
    await diagnose(h, replyTo);
    const thread = h.slack.thread(CHANNEL, rootTs).slice(1);
    expect(thread.filter((m) => m.blocks?.length && !m.files)).toHaveLength(1);
    expect(thread.filter((m) => m.files?.length)).toHaveLength(1);
    const calls = h.slack.callsTo("files.getUploadURLExternal");
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    const recorded = (await h.incidents.timeline(incidentId)).filter((e) => e.type === "diagnosis");
    expect(recorded).toHaveLength(1);
  });
});
