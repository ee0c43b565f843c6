// Undo through the worker, against the simulator and real Redis: a change offers Undo next to its
// result; approving it restores exactly the value from before the change (or removes the env var
// that was unset), after checking the pod template still has the bot's value; a value someone
// changed meanwhile is refused with its current value named and the cluster left alone; the undo
// takes the same approvers as the change, and the worker checks them again.

import { parseEntry } from "@rdev/bot/history/entries.ts";
import { remediateJob } from "@rdev/bot/slack/approvals/approve.ts";
import { afterEach, describe, expect, it } from "vitest";
import { kubectlFor } from "../simulator/support/kubectl.ts";
import { APPROVER, CHANNEL, type Harness, REQUESTER, readyPods, startHarness } from "./harness.ts";

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

type Block = { block_id?: string; accessory?: { action_id: string; value: string } };

const patches = (harness: Harness) =>
  harness.sim.requests().filter((r) => r.method === "PATCH" && r.path.endsWith("/deployments/rdev-api"));

/** The Undo button posted in the thread (next to the applied change), and its message. */
async function undoButton(harness: Harness, rootTs: string, where = "applied") {
  return await harness.waitFor(`the Undo button (${where})`, () => {
    for (const m of harness.slack.thread(CHANNEL, rootTs)) {
      const b = ((m.blocks ?? []) as Block[]).find(
        (x) => x.accessory?.action_id === `proposal:undo:${where}`,
      );
      if (b?.accessory) return { proposalId: b.accessory.value, message: m };
    }
    return null;
  });
}

/** Approves the undo proposal as `userId` and queues its job as the app does. */
async function approveUndo(harness: Harness, proposalId: string, userId = APPROVER) {
  const proposal = await harness.proposals.get(proposalId);
  if (!proposal) throw new Error("no undo proposal");
  const outcome = await harness.approve(proposal, userId);
  if (outcome.kind !== "claimed") return { outcome, jobId: null };
  const { jobId } = await harness.queues.enqueueRemediate(remediateJob(outcome.proposal));
  return { outcome, jobId };
}

async function appliedEntry(harness: Harness, incidentId: string, action: string) {
  const timeline = (await harness.incidents.timeline(incidentId)).map(parseEntry);
  return timeline.find(
    (e) => e.type === "action_applied" && (e.data as { action?: string }).action === action,
  );
}

describe("Undo of a memory limit (it had a value)", () => {
  it("puts back exactly the previous limit; the pods run with it again", async () => {
    h = await startHarness();
    await readyPods(h);
    const { rootTs, replyTo, incidentId } = await h.openIncident();
    const change = await h.finished(await h.remediate(replyTo, "raise-memory-limit", { memoryLimit: "1Gi" }));
    expect(change.state).toBe("completed");
    const undo = await undoButton(h, rootTs);
    expect(undo.message.text).toMatch(/^Memory limit of rdev-api changed from 512Mi to 1Gi/);
    expect(JSON.stringify(undo.message.blocks)).toContain("Undo: the memory limit back to 512Mi");

    // The timeline keeps the exact previous value and the Undo offered.
    const entry = await appliedEntry(h, incidentId, "raise-memory-limit");
    expect(entry?.data).toMatchObject({
      previous: "512Mi",
      wasUnset: false,
      undoProposalId: undo.proposalId,
    });

    const proposal = await h.proposals.get(undo.proposalId);
    expect(proposal?.action).toEqual({
      kind: "undo",
      params: {
        undoOf: change.job.data.proposalId,
        undoes: "raise-memory-limit",
        expected: "1Gi",
        previous: "512Mi",
      },
    });
    // Asked for by whoever asked for the change: the same approval rules.
    expect(proposal?.requestedBy).toBe(REQUESTER);
    expect(proposal?.messageTs).toBe(undo.message.ts);

    const before = patches(h).length;
    const { jobId } = await approveUndo(h, undo.proposalId);
    if (!jobId) throw new Error("undo not approved");
    const done = await h.finished(jobId);
    expect(done.state).toBe("completed");
    expect(done.job.returnvalue).toMatchObject({ status: "applied" });
    const d = await h.cluster.getDeployment("rdev", "rdev-api");
    expect(d.containers[0]?.memoryLimit).toBe("512Mi");
    expect(patches(h).length - before).toBe(1);
    const pods = await readyPods(h);
    await h.waitFor("pods back on 512Mi", async () =>
      (await readyPods(h as Harness)).every((p) => p.containers[0]?.memoryLimitBytes === 512 * 1024 ** 2),
    );
    expect(pods).toHaveLength(3);
    const texts = h.threadTexts(rootTs);
    expect(texts).toContainEqual(
      expect.stringMatching(
        /^About to: Undo: the memory limit back to 512Mi: set the memory limit back from 1Gi to 512Mi/,
      ),
    );
    expect(texts).toContainEqual(
      expect.stringMatching(/^The memory limit changed back from 1Gi to 512Mi; the rollout has started/),
    );
    // The undo is not offered an undo of its own.
    const undoButtons = h.slack
      .thread(CHANNEL, rootTs)
      .flatMap((m) => (m.blocks ?? []) as Block[])
      .filter((b) => b.accessory?.action_id === "proposal:undo:applied");
    expect(undoButtons).toHaveLength(1);
  });
});

describe("Undo of a memory limit that was unset", () => {
  it("removes the limit again; the pods run without one", async () => {
    h = await startHarness();
    await readyPods(h);
    // The Deployment has no memory limit (kubectl, the independent judge, removes it).
    const k = await kubectlFor(h.sim);
    try {
      const removed = await k(
        "-n",
        "rdev",
        "patch",
        "deployment",
        "rdev-api",
        "--type=json",
        `-p=[{"op": "remove", "path": "/spec/template/spec/containers/0/resources/limits/memory"}]`,
      );
      expect(removed.code).toBe(0);
    } finally {
      await k.cleanup();
    }
    await h.waitFor("pods without a limit", async () =>
      (await readyPods(h as Harness)).every((p) => p.containers[0]?.memoryLimitBytes === null),
    );
    const { rootTs, replyTo, incidentId } = await h.openIncident();
    await h.finished(await h.remediate(replyTo, "raise-memory-limit", { memoryLimit: "1Gi" }));
    const undo = await undoButton(h, rootTs);
    expect(undo.message.text).toMatch(/^Memory limit of rdev-api changed from none to 1Gi/);
    expect(JSON.stringify(undo.message.blocks)).toContain("Undo: remove the memory limit");
    expect((await appliedEntry(h, incidentId, "raise-memory-limit"))?.data).toMatchObject({
      previous: null,
      wasUnset: true,
    });
    const { jobId } = await approveUndo(h, undo.proposalId);
    if (!jobId) throw new Error("undo not approved");
    expect((await h.finished(jobId)).state).toBe("completed");
    expect((await h.cluster.getDeployment("rdev", "rdev-api")).containers[0]?.memoryLimit).toBeNull();
    expect(h.threadTexts(rootTs)).toContainEqual(
      expect.stringMatching(
        /^The memory limit was removed \(it was 1Gi, set by the bot; before that it was unset\)/,
      ),
    );
    await h.waitFor("pods without a limit again", async () =>
      (await readyPods(h as Harness)).every((p) => p.containers[0]?.memoryLimitBytes === null),
    );
  });
});

describe("Undo of an env var that was unset", () => {
  it("removes the env var again, leaving the rest of the env as it was", async () => {
    h = await startHarness({ env: { CACHE_TTL_ENV: "RDEV_CACHE_TTL" } });
    await readyPods(h);
    const { rootTs, replyTo, incidentId } = await h.openIncident();
    const envBefore = (await h.cluster.getDeployment("rdev", "rdev-api")).containers[0]?.env;
    expect(envBefore?.RDEV_CACHE_TTL).toBeUndefined();
    const change = await h.finished(
      await h.remediate(replyTo, "set-cache-ttl", { ttl: "15s", envName: "RDEV_CACHE_TTL" }),
    );
    expect(change.state).toBe("completed");
    const undo = await undoButton(h, rootTs);
    expect(JSON.stringify(undo.message.blocks)).toContain("Undo: remove RDEV_CACHE_TTL");
    const entry = await appliedEntry(h, incidentId, "set-cache-ttl");
    expect(entry?.data).toMatchObject({ previous: null, wasUnset: true });
    expect((await h.proposals.get(undo.proposalId))?.action.params).toMatchObject({
      previousUnset: true,
      envName: "RDEV_CACHE_TTL",
      expected: "15s",
    });

    const { jobId } = await approveUndo(h, undo.proposalId);
    if (!jobId) throw new Error("undo not approved");
    expect((await h.finished(jobId)).state).toBe("completed");
    const d = await h.cluster.getDeployment("rdev", "rdev-api");
    expect(d.containers[0]?.env).toEqual(envBefore);
    expect(h.threadTexts(rootTs)).toContainEqual(
      expect.stringMatching(
        /^RDEV_CACHE_TTL was removed \(it was 15s, set by the bot; before that it was unset\)/,
      ),
    );
    await h.waitFor("pods without RDEV_CACHE_TTL", async () =>
      (await readyPods(h as Harness)).every((p) => p.containers[0]?.env.RDEV_CACHE_TTL === undefined),
    );
  });
});

describe("Undo refused", () => {
  it("when someone changed the value since: names the current value and changes nothing", async () => {
    h = await startHarness();
    await readyPods(h);
    const { rootTs, replyTo } = await h.openIncident();
    await h.finished(await h.remediate(replyTo, "set-cache-ttl", { ttl: "15s", envName: "CACHE_TTL" }));
    const undo = await undoButton(h, rootTs);
    // Someone else sets another TTL by hand (kubectl set env).
    await h.cluster.setEnv("rdev", "rdev-api", "rdev-api", "CACHE_TTL", "30s");
    const before = patches(h).length;
    const generation = (await h.cluster.getDeployment("rdev", "rdev-api")).generation;

    const { jobId } = await approveUndo(h, undo.proposalId);
    if (!jobId) throw new Error("undo not approved");
    const done = await h.finished(jobId);
    expect(done.state).toBe("failed");
    expect(done.job.attemptsMade).toBe(1);
    const d = await h.cluster.getDeployment("rdev", "rdev-api");
    expect(d.containers[0]?.env.CACHE_TTL).toBe("30s");
    expect(d.generation).toBe(generation);
    expect(patches(h).length).toBe(before);
    expect(h.threadTexts(rootTs).at(-1)).toMatch(
      /CACHE_TTL is 30s now, not the 15s the bot set: someone changed it since, so the bot will not undo it .*Nothing was changed\./,
    );
  });

  it("for people the change's rules exclude, and by the worker for a job nobody approved", async () => {
    // The requester is an approver too: four eyes still keep them from approving their own change's undo.
    h = await startHarness({ env: { APPROVER_USER_IDS: `${APPROVER},${REQUESTER}` } });
    await readyPods(h);
    const { rootTs, replyTo } = await h.openIncident();
    await h.finished(await h.remediate(replyTo, "raise-memory-limit", { memoryLimit: "1Gi" }));
    const undo = await undoButton(h, rootTs);
    // Not an approver at all.
    const stranger = await approveUndo(h, undo.proposalId, "U0STRANGER");
    expect(stranger.outcome).toMatchObject({ kind: "denied", reason: "not_an_approver" });
    // The change's requester may not approve its undo either (four eyes, like the change).
    const requester = await approveUndo(h, undo.proposalId, REQUESTER);
    expect(requester.outcome).toMatchObject({ kind: "denied", reason: "requester_may_not_approve" });
    expect((await h.proposals.get(undo.proposalId))?.status).toBe("pending");

    // A job queued for the pending (unapproved) proposal is refused by the worker.
    const proposal = await h.proposals.get(undo.proposalId);
    if (!proposal) throw new Error("no proposal");
    const before = patches(h).length;
    const { jobId } = await h.queues.enqueueRemediate({ ...remediateJob(proposal), approvedBy: APPROVER });
    const done = await h.finished(jobId);
    expect(done.state).toBe("failed");
    expect(done.job.failedReason).toMatch(/Refused by the worker \(not_approved\)/);
    expect(patches(h).length).toBe(before);
    expect((await h.cluster.getDeployment("rdev", "rdev-api")).containers[0]?.memoryLimit).toBe("1Gi");
  });
});
