// One app, a worker per cluster, end to end with two simulated clusters: an alert from cluster b is
// diagnosed and remediated in b only (a's API sees no write and its pods keep their UIDs); with
// b's worker stopped, b's incident says plainly that its worker is unavailable while a's incident
// is diagnosed and remediated; once b's worker is back, b's queued diagnosis runs and the notice goes.

import type { Proposal } from "@rdev/bot/propose/proposal-model.ts";
import { jobIds } from "@rdev/bot/queue/jobs.ts";
import { QUEUE_PREFIX } from "@rdev/bot/redis-keys.ts";
import { remediateJob } from "@rdev/bot/slack/approvals/approve.ts";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { type ClustersStack, startClusters } from "./clusters.ts";
import { ALERT_CHANNEL } from "./stack.ts";
import { waitFor } from "./wait.ts";

let s: ClustersStack | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});

type Block = { accessory?: { type: string; action_id: string; value: string } };
type Message = { ts: string; thread_ts?: string; text: string; blocks?: unknown[] };

const writes = (stack: ClustersStack, name: string) =>
  stack
    .cluster(name)
    .sim.requests()
    .filter((r) => r.method !== "GET");

const critical = (stack: ClustersStack, name: string) =>
  waitFor(`a critical pod in ${name}`, () =>
    stack
      .cluster(name)
      .sim.pods()
      .find(
        (p) =>
          p.memoryBytes !== null && p.memoryLimitBytes !== null && p.memoryBytes / p.memoryLimitBytes > 0.955,
      ),
  );

/** The root of the incident whose root mentions `needle` (the cluster, in "rdev/rdev-api in b"). */
const rootOf = (stack: ClustersStack, needle: string) =>
  waitFor(`the root of ${needle}`, () =>
    stack.slack.messages(ALERT_CHANNEL).find((m) => m.text.includes(needle)),
  );

const restartButton = (diagnosis: Message) => {
  const button = (diagnosis.blocks as Block[])
    .map((b) => b.accessory)
    .find((a) => a?.action_id.startsWith("proposal:restart-pod:"));
  if (!button) throw new Error(`no restart button in ${JSON.stringify(diagnosis.blocks)}`);
  return button;
};

describe("one app, a worker per cluster", () => {
  it("an alert from cluster b is diagnosed and remediated in b only; a's pods are untouched", async () => {
    s = await startClusters({
      clusters: [
        { name: "a", scenario: "sse-leak" },
        { name: "b", scenario: "sse-leak" },
      ],
      speed: 100,
    });
    const stack = s;
    const leaking = await critical(stack, "b");
    stack.clock.setSpeed(2);
    const aPods = stack
      .cluster("a")
      .sim.pods()
      .map((p) => p.uid)
      .sort();
    expect((await stack.alert("b", [leaking.name])).status).toBe(200);

    const root = await rootOf(stack, "rdev/rdev-api in b");
    const diagnosis = await waitFor("b's diagnosis", () =>
      stack.slack.thread(ALERT_CHANNEL, root.ts).find((m) => m.text.startsWith("Critical")),
    );
    expect(diagnosis.text).toContain(leaking.name);
    // b's worker diagnosed it, a's read nothing of it.
    await waitFor("b's worker's diagnosis event", () =>
      stack.cluster("b").events.find((e) => e.type === "diagnosis_posted"),
    );
    expect(stack.cluster("a").events).toEqual([]);
    const button = restartButton(diagnosis);
    const proposal = await stack.app.deps.proposals.get(button.value);
    expect(proposal?.target.cluster).toBe("b");
    const incident = await stack.app.deps.incidents.get(proposal?.incidentId ?? "");
    expect(incident).toMatchObject({ cluster: "b", key: "b/RdevAPIHighMemory/rdev/rdev-api" });

    expect((await stack.click(diagnosis, button)).status).toBe(200);
    await waitFor(
      "b's eviction",
      () => stack.cluster("b").events.find((e) => e.type === "action_applied"),
      10_000,
    );
    const evictions = writes(stack, "b").filter((r) => r.path.endsWith("/eviction"));
    expect(evictions.map((r) => [r.path.split("/").at(-2), r.status])).toEqual([[leaking.name, 201]]);
    expect(
      stack
        .cluster("b")
        .sim.pods()
        .map((p) => p.uid),
    ).not.toContain(leaking.uid);
    // Cluster a: no write ever reached its API, its pods are the same pods, its worker ran nothing.
    expect(writes(stack, "a")).toEqual([]);
    expect(
      stack
        .cluster("a")
        .sim.pods()
        .map((p) => p.uid)
        .sort(),
    ).toEqual(aPods);
    expect(stack.cluster("a").events).toEqual([]);

    // b's worker labels its metrics with its cluster.
    const metrics = await (await fetch(`${stack.cluster("b").worker?.server.url}/metrics`)).text();
    expect(metrics).toMatch(/rdev_worker_jobs_total\{[^}]*cluster="b"[^}]*\} [1-9]/);
    expect(metrics).not.toContain('cluster="a"');
    // The app counts b's incident, jobs and decision as b's, and nothing as a's.
    const app = await (await fetch(`${stack.app.handle.url}/metrics`)).text();
    expect(app).toContain('rdev_chatops_incidents_opened_total{cluster="b"} 1');
    expect(app).toContain(
      'rdev_chatops_jobs_enqueued_total{queue="diagnose",outcome="queued",cluster="b"} 1',
    );
    expect(app).toContain(
      'rdev_chatops_jobs_enqueued_total{queue="remediate",outcome="queued",cluster="b"} 1',
    );
    expect(app).toMatch(/rdev_chatops_proposal_decisions_total\{[^}]*decision="approved",cluster="b"\} 1/);
    expect(app).not.toMatch(/_total\{[^}]*cluster="a"/);

    // Redis is not a trust boundary: b's approved job forged into a's queue is refused by a's
    // worker (the sealed proposal names b), and a job naming b never runs on a's queue at all.
    const forge = new Queue("rdev-remediate.a", { connection: stack.app.redis, prefix: QUEUE_PREFIX });
    const data = {
      ...remediateJob(proposal as Proposal),
      target: { namespace: "rdev", deployment: "rdev-api" },
    };
    await forge.add("restart-pod", data, { jobId: jobIds.remediate(button.value) });
    const refused = await waitFor("a's refusal", async () => {
      const [job] = await forge.getJobs(["failed"]);
      return job?.failedReason;
    });
    expect(refused).toContain("Refused by the worker (wrong_cluster): proposal");
    const diagnoseA = new Queue("rdev-diagnose.a", { connection: stack.app.redis, prefix: QUEUE_PREFIX });
    await diagnoseA.add("diagnose", {
      requestId: "forged",
      target: { namespace: "rdev", deployment: "rdev-api", cluster: "b" },
    });
    const skipped = await waitFor("a's refusal of b's diagnosis", async () => {
      const [job] = await diagnoseA.getJobs(["failed"]);
      return job?.failedReason;
    });
    expect(skipped).toContain("is for cluster b; this worker runs in cluster a");
    await Promise.all([forge.close(), diagnoseA.close()]);
    expect(writes(stack, "a")).toEqual([]);
  });

  it("b's worker stopped: b's incident says so, a's incident completes; b resumes when its worker is back", async () => {
    s = await startClusters({
      clusters: [
        { name: "a", scenario: "sse-leak" },
        { name: "b", scenario: "sse-leak" },
      ],
      speed: 100,
    });
    const stack = s;
    const [leakingA, leakingB] = [await critical(stack, "a"), await critical(stack, "b")];
    stack.clock.setSpeed(2);
    await stack.stopWorker("b");
    expect((await stack.alert("b", [leakingB.name])).status).toBe(200);
    expect((await stack.alert("a", [leakingA.name])).status).toBe(200);

    // b: the app's gauge says its worker is down, and b's root says it plainly instead of waiting.
    const up = await (await fetch(`${stack.app.handle.url}/metrics`)).text();
    expect(up).toContain('rdev_chatops_cluster_worker_up{cluster="a"} 1');
    expect(up).toContain('rdev_chatops_cluster_worker_up{cluster="b"} 0');
    const rootB = await rootOf(stack, "rdev/rdev-api in b");
    await waitFor("b's root to say its worker is unavailable", () =>
      JSON.stringify(stack.slack.messages(ALERT_CHANNEL).find((m) => m.ts === rootB.ts)?.blocks).includes(
        "The worker for cluster *b* is unavailable since",
      ),
    );
    // a: diagnosed, approved, remediated, as if b did not exist.
    const rootA = await rootOf(stack, "rdev/rdev-api in a");
    expect(JSON.stringify(rootA.blocks)).not.toContain("unavailable");
    const diagnosisA = await waitFor("a's diagnosis", () =>
      stack.slack.thread(ALERT_CHANNEL, rootA.ts).find((m) => m.text.startsWith("Critical")),
    );
    expect((await stack.click(diagnosisA, restartButton(diagnosisA))).status).toBe(200);
    await waitFor(
      "a's eviction",
      () => stack.cluster("a").events.find((e) => e.type === "action_applied"),
      10_000,
    );
    expect(
      writes(stack, "a")
        .filter((r) => r.path.endsWith("/eviction"))
        .map((r) => r.path.split("/").at(-2)),
    ).toEqual([leakingA.name]);
    // Nothing ran in b meanwhile: its diagnosis waits in b's queue.
    expect(stack.slack.thread(ALERT_CHANNEL, rootB.ts).some((m) => m.text.startsWith("Critical"))).toBe(
      false,
    );
    expect(writes(stack, "b")).toEqual([]);
    expect(
      await stack.app.deps.queues
        .all()
        .find((q) => q.name === "rdev-diagnose.b")
        ?.getWaitingCount(),
    ).toBe(1);

    // b's worker is back: the queued diagnosis runs and the root no longer says it is unavailable.
    await stack.startWorker("b");
    await waitFor("b's diagnosis after its worker came back", () =>
      stack.slack.thread(ALERT_CHANNEL, rootB.ts).find((m) => m.text.startsWith("Critical")),
    );
    await waitFor("b's root without the notice", () => {
      const blocks = JSON.stringify(
        stack.slack.messages(ALERT_CHANNEL).find((m) => m.ts === rootB.ts)?.blocks,
      );
      return !blocks.includes("unavailable");
    });
  });
});
