// The worker's real time is injected (StartOptions.realClock), beside the cluster time it already
// had: an approval's age is judged on the real clock the worker was given, not on Date.now() and
// not on the (sped-up) cluster clock.

import { remediateJob } from "@rdev/bot/slack/approvals/approve.ts";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.ts";

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const HOUR = 3_600_000;

async function approvedRestartJob(harness: Harness) {
  const { replyTo } = await harness.openIncident();
  const proposal = await harness.propose(replyTo, "raise-memory-limit", { memoryLimit: "1Gi" });
  const approved = await harness.approve(proposal);
  if (approved.kind !== "claimed") throw new Error(approved.kind);
  const job = remediateJob(approved.proposal);
  const added = await harness.remediateQueue.add(job.action, job, { jobId: `remediate-${job.proposalId}` });
  return await harness.finished(String(added.id));
}

describe("the worker's real clock", () => {
  it("judges an approval's age (APPROVAL_MAX_AGE 1h) on the real clock it was given", async () => {
    h = await startHarness({ worker: false, sim: { pdbMinAvailable: null } });
    // Two hours later, in the worker's real time only.
    await h.startWorker({}, { realClock: { now: () => Date.now() + 2 * HOUR } });
    const { state, job } = await approvedRestartJob(h);
    expect(state).toBe("failed");
    expect(job.failedReason).toMatch(/stale_approval/);
  });

  it("takes the same approval with the system clock (the harness' cluster runs 100x faster)", async () => {
    h = await startHarness({ worker: false, sim: { pdbMinAvailable: null } });
    await h.startWorker();
    const { job } = await approvedRestartJob(h);
    expect(job.failedReason ?? "").not.toMatch(/stale_approval/);
  });
});
