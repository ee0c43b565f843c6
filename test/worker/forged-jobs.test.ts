// Remediate jobs added straight to the queue with BullMQ's own API, as someone with write access
// to Redis could: the worker trusts only the proposal id, checks the sealed, approved proposal
// against its own configuration and policy, and refuses everything else with the cluster untouched
// (no write request reached the API server; the deployment's generation and the pods are as
// before). Each refusal is counted by reason and told in the incident's thread.

import { type Proposal, sealedApprovalOf } from "@rdev/bot/propose/proposals.ts";
import { sealApproval } from "@rdev/bot/propose/seal.ts";
import type { RemediateJob } from "@rdev/bot/queue/jobs.ts";
import { remediateJob } from "@rdev/bot/slack/approvals/approve.ts";
import { afterEach, describe, expect, it } from "vitest";
import { APPROVER, APPROVER_2, type Harness, readyPods, startHarness } from "./harness.ts";

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

type Snapshot = { writes: number; generation: number; memoryLimit: string | null; pods: string[] };

async function cluster(harness: Harness): Promise<Snapshot> {
  const d = await harness.cluster.getDeployment("rdev", "rdev-api");
  const pods = await harness.cluster.listPods("rdev", "app=rdev-api");
  return {
    writes: harness.sim.requests().filter((r) => r.method !== "GET").length,
    generation: d.generation,
    memoryLimit: d.containers[0]?.memoryLimit ?? null,
    pods: pods.map((p) => p.uid).sort(),
  };
}

/** Adds `data` to the remediate queue the way an attacker would: BullMQ's Queue.add. */
async function forge(harness: Harness, data: RemediateJob, jobId = `remediate-${data.proposalId}`) {
  const job = await harness.remediateQueue.add(data.action, data, { jobId, attempts: 3 });
  return await harness.finished(String(job.id));
}

/** A rolling restart claimed by APPROVER alone with a valid approval seal, as a careless app would. */
async function sealOneApproval(harness: Harness, proposal: Proposal): Promise<Proposal> {
  const at = Date.now();
  const params = { restartedAt: new Date(at).toISOString() };
  const approvals = [{ userId: APPROVER, at }];
  const seal = sealApproval(
    harness.config.approvalSigningKey,
    sealedApprovalOf(proposal, { params, approvals, claimedAt: at }),
  );
  const claimed = await harness.proposals.approve(proposal.id, {
    userId: APPROVER,
    at,
    prior: [],
    params,
    final: true,
    seal,
  });
  if (!claimed.ok) throw new Error(claimed.reason);
  return claimed.proposal;
}

async function refusals(harness: Harness): Promise<Record<string, number>> {
  const metric = await harness.worker?.deps.metrics.refused.get();
  return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels.reason), v.value]));
}

async function setup() {
  const harness = await startHarness({ sim: { pdbMinAvailable: null } });
  h = harness;
  const pods = await readyPods(harness);
  const incident = await harness.openIncident();
  return { harness, pods, ...incident, before: await cluster(harness) };
}

describe("forged remediate jobs", () => {
  it("an unknown proposal: refused, counted, told in the incident thread; nothing touched", async () => {
    const { harness, rootTs, replyTo, before } = await setup();
    const forged: RemediateJob = {
      proposalId: "no-such-proposal",
      action: "raise-memory-limit",
      params: { memoryLimit: "2Gi" },
      target: { namespace: "rdev", deployment: "rdev-api" },
      replyTo,
      approvedBy: APPROVER,
      approvedAt: Date.now(),
    };
    const { state, job } = await forge(harness, forged);
    expect(state).toBe("failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/unknown_proposal/);
    // The one from the issue: a rolling restart of another namespace's deployment.
    const coredns = await forge(harness, {
      ...forged,
      proposalId: "forged-coredns",
      action: "rolling-restart",
      params: { restartedAt: new Date().toISOString() },
      target: { namespace: "kube-system", deployment: "coredns" },
    });
    expect(coredns.job.failedReason).toMatch(/unknown_proposal/);
    expect(await cluster(harness)).toEqual(before);
    expect(await refusals(harness)).toEqual({ unknown_proposal: 2 });
    const texts = harness.threadTexts(rootTs);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(
      /^:no_entry: The worker refused a remediation job \(unknown_proposal\).*Nothing was changed/,
    );
  });

  it("a proposal nobody approved: refused", async () => {
    const { harness, replyTo, before } = await setup();
    const proposal = await harness.propose(replyTo, "raise-memory-limit", { memoryLimit: "2Gi" });
    const { state, job } = await forge(harness, {
      ...remediateJob(proposal),
      approvedBy: APPROVER,
      approvedAt: Date.now(),
    });
    expect(state).toBe("failed");
    expect(job.failedReason).toMatch(/not_approved/);
    expect(await cluster(harness)).toEqual(before);
    expect((await harness.proposals.get(proposal.id))?.status).toBe("pending");
  });

  it("an approved proposal with another target or other parameters: refused, and the real job still runs", async () => {
    const { harness, replyTo, before } = await setup();
    const proposal = await harness.propose(replyTo, "raise-memory-limit", { memoryLimit: "1Gi" });
    const approved = await harness.approve(proposal);
    if (approved.kind !== "claimed") throw new Error(approved.kind);
    const real = remediateJob(approved.proposal);

    const elsewhere = await forge(harness, {
      ...real,
      target: { namespace: "kube-system", deployment: "coredns" },
    });
    expect(elsewhere.job.failedReason).toMatch(/altered_target/);
    await elsewhere.job.remove();
    const more = await forge(harness, { ...real, params: { memoryLimit: "4Gi" } });
    expect(more.job.failedReason).toMatch(/altered_params/);
    await more.job.remove();
    const other = await forge(harness, {
      ...real,
      action: "set-cache-ttl",
      params: { ttl: "1s", envName: "GOGC" },
    });
    expect(other.job.failedReason).toMatch(/altered_action/);
    await other.job.remove();
    expect(await cluster(harness)).toEqual(before);
    expect(await refusals(harness)).toEqual({ altered_target: 1, altered_params: 1, altered_action: 1 });

    // The approval itself was not used up by the refusals.
    const { state } = await forge(harness, real);
    expect(state).toBe("completed");
    expect((await harness.cluster.getDeployment("rdev", "rdev-api")).containers[0]?.memoryLimit).toBe("1Gi");
  });

  it("a proposal changed in Redis after its approval: the seal does not match", async () => {
    const { harness, replyTo, before } = await setup();
    const proposal = await harness.propose(replyTo, "raise-memory-limit", { memoryLimit: "1Gi" });
    const approved = await harness.approve(proposal);
    if (approved.kind !== "claimed") throw new Error(approved.kind);
    // Raise the approved limit in the stored proposal and ask for that.
    await harness.producer.hset(
      `${harness.prefix}:proposal:${proposal.id}`,
      "approvedParams",
      '{"memoryLimit":"4Gi"}',
    );
    const { job } = await forge(harness, {
      ...remediateJob(approved.proposal),
      params: { memoryLimit: "4Gi" },
    });
    expect(job.failedReason).toMatch(/bad_seal/);
    // A proposal marked approved by hand, with no seal at all.
    const pending = await harness.propose(replyTo, "rolling-restart", {});
    await harness.producer.hset(`${harness.prefix}:proposal:${pending.id}`, {
      status: "claimed",
      claimedBy: APPROVER,
      claimedAt: String(Date.now()),
      approvals: JSON.stringify([{ userId: APPROVER, at: Date.now() }]),
      approvedParams: "{}",
    });
    const unsealed = await forge(harness, {
      ...remediateJob(pending),
      approvedBy: APPROVER,
      approvedAt: Date.now(),
    });
    expect(unsealed.job.failedReason).toMatch(/bad_seal/);
    expect(await cluster(harness)).toEqual(before);
  });

  it("a pending proposal edited in Redis cannot be approved, nor run if approved with the edit", async () => {
    const { harness, replyTo, before } = await setup();
    // An alert's rolling restart passed off as a person's request: one approver would do.
    const proposal = await harness.propose(replyTo, "rolling-restart", {}, "alertmanager");
    await harness.producer.hset(`${harness.prefix}:proposal:${proposal.id}`, "requestedBy", "U0REQUESTR");
    const edited = await harness.proposals.get(proposal.id);
    if (!edited) throw new Error("gone");
    expect(await harness.approve(edited, APPROVER)).toMatchObject({ kind: "denied", reason: "tampered" });
    // Approved anyway (an app without the check, same key): the worker checks the origin too.
    const { job } = await forge(harness, remediateJob(await sealOneApproval(harness, edited)));
    expect(job.failedReason).toMatch(/bad_seal.*does not carry the seal the worker made it with/);
    expect(await cluster(harness)).toEqual(before);
  });

  it("a used proposal: the same job added again, or under another id, is refused", async () => {
    const { harness, pods, replyTo } = await setup();
    const [pod] = pods;
    if (!pod) throw new Error("no pod");
    const jobId = await harness.remediate(replyTo, "restart-pod", { pod: pod.name, podUid: pod.uid });
    const done = await harness.finished(jobId);
    expect(done.state).toBe("completed");
    const data = done.job.data as RemediateJob;
    await readyPods(harness);
    const before = await cluster(harness);
    // Removed and added again under the same id (BullMQ would otherwise ignore the duplicate).
    await done.job.remove();
    const again = await forge(harness, data, jobId);
    expect(again.job.failedReason).toMatch(/reused/);
    const renamed = await forge(harness, data, `${jobId}-again`);
    expect(renamed.job.failedReason).toMatch(/wrong_job_id/);
    expect(await cluster(harness)).toEqual(before);
    expect(await refusals(harness)).toEqual({ reused: 1, wrong_job_id: 1 });
  });

  it("approvals that no longer satisfy the policy in force are refused (an approver removed)", async () => {
    h = await startHarness({ worker: false });
    const harness = h;
    await readyPods(harness);
    const { replyTo } = await harness.openIncident();
    const before = await cluster(harness);
    const proposal = await harness.propose(replyTo, "raise-memory-limit", { memoryLimit: "1Gi" });
    const approved = await harness.approve(proposal, APPROVER_2);
    if (approved.kind !== "claimed") throw new Error(approved.kind);
    await harness.startWorker({ APPROVER_USER_IDS: APPROVER });
    const { job } = await forge(harness, remediateJob(approved.proposal));
    expect(job.failedReason).toMatch(/policy: .*may not approve it \(not_an_approver\)/);
    expect(await cluster(harness)).toEqual(before);
  });

  it("an alert's rolling restart sealed with one approval is refused; with two different people it runs", async () => {
    const { harness, replyTo, before } = await setup();
    const lone = await harness.propose(replyTo, "rolling-restart", {}, "alertmanager");
    // What an app that skipped the two-person rule would store: one approval, validly sealed.
    const claimed = await sealOneApproval(harness, lone);
    const refused = await forge(harness, remediateJob(claimed));
    expect(refused.job.failedReason).toMatch(/policy: Rolling restart needs 2 approvers and has 1/);
    expect(await cluster(harness)).toEqual(before);

    const proposal = await harness.propose(replyTo, "rolling-restart", {}, "alertmanager");
    const first = await harness.approve(proposal, APPROVER);
    expect(first.kind).toBe("partial");
    expect(await harness.proposals.get(proposal.id)).toMatchObject({ status: "pending" });
    const second = await harness.approve((await harness.proposals.get(proposal.id)) ?? proposal, APPROVER_2);
    if (second.kind !== "claimed") throw new Error(second.kind);
    expect(second.proposal.approvals.map((a) => a.userId)).toEqual([APPROVER, APPROVER_2]);
    const { state } = await forge(harness, remediateJob(second.proposal));
    expect(state).toBe("completed");
    expect((await cluster(harness)).generation).toBe(before.generation + 1);
  });
});
