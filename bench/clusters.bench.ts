// One app, a worker per cluster: does serving more clusters slow any one of them? With 1, 2 and 4
// simulated clusters (each its own Kubernetes API simulator and its own worker, given only its own
// kubeconfig file and CLUSTER), one app, one Redis, the fake Slack Web API, all in this process:
//   1. approval -> action start: a signed view_submission of the app's confirmation ("Restart pod")
//      for a proposal made by that cluster's worker, until that worker picks the remediate job up
//      from its own queue (job.processedOn); one approval per cluster at once, per round;
//   2. diagnosis time: a diagnose job queued by the app for each cluster at once, until its worker
//      finished it (cluster reads, analysis, the Slack post; job.finishedOn - job.timestamp).
// Baseline, same run: the single-cluster setup (no CLUSTERS, no CLUSTER: the default cluster and
// its unsuffixed queues), measured first and again last (both shown: the machine's drift).
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { pino } from "pino";
import { DEFAULT_CLUSTER, queueName } from "../src/clusters/names.ts";
import { loadAppConfig, loadWorkerConfig } from "../src/config.ts";
import { createRedis, waitUntilReady } from "../src/redis.ts";
import { createProposalStore } from "../src/remediation/proposals.ts";
import { signingKey } from "../src/remediation/seal.ts";
import { startSimulator } from "../src/simulator/index.ts";
import { buildAppDeps } from "../src/slack/build-deps.ts";
import { startSlackApp } from "../src/slack/create-app.ts";
import { startWorkerProcess } from "../src/worker/main.ts";
import { startFakeSlack } from "../test/support/fake-slack.ts";
import { startRedis } from "../test/support/redis.ts";
import { signedInteraction, viewSubmission } from "../test/support/slack-sign.ts";
import { round, summarise, table, writeResult } from "./lib.ts";

const ROUNDS = 12;
const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const CHANNEL = "C0RDEVBNCH";
const APPROVER = "U0LEAD0001";

type Sample = { approvalMs: number[]; diagnosisMs: number[] };

/** One setup: `names` clusters (null: the single-cluster default setup), measured ROUNDS times. */
async function measure(names: string[] | null, n: number): Promise<Sample> {
  const clusters = names ?? [DEFAULT_CLUSTER];
  const dir = await mkdtemp(join(tmpdir(), "rdev-clusters-bench-"));
  const redisServer = await startRedis();
  const slack = await startFakeSlack({ channelMembers: { [CHANNEL]: [APPROVER] } });
  const logger = pino({ level: "silent" });
  const common = {
    REDIS_URL: redisServer.url,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_API_URL: slack.url,
    LOG_LEVEL: "silent",
  };
  const sims = await Promise.all(
    clusters.map(() => startSimulator({ port: 0, scenario: "steady", replicas: 3 })),
  );
  const workers = [];
  for (const [i, name] of clusters.entries()) {
    const path = join(dir, `${name}.kubeconfig`);
    await sims[i]?.writeKubeconfig(path);
    workers.push(
      await startWorkerProcess(
        loadWorkerConfig({
          ...common,
          ...(names ? { CLUSTER: name } : {}),
          KUBECONFIG: path,
          APPROVER_USER_IDS: APPROVER,
          WORKER_PORT: "0",
          WORKER_HOST: "127.0.0.1",
          HEAP_GROWTH_HORIZON: "0s",
        }),
        { logger },
      ),
    );
  }
  const config = loadAppConfig({
    ...common,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    ALERT_CHANNEL: CHANNEL,
    ALERTMANAGER_TOKEN: "am-token-0123456789abcdef",
    APPROVER_USER_IDS: APPROVER,
    PORT: "0",
    HOST: "127.0.0.1",
    ...(names ? { CLUSTERS: names.join(",") } : {}),
  });
  const producer = createRedis(redisServer.url, { role: "producer" });
  await waitUntilReady(producer);
  const deps = buildAppDeps(config, { redis: producer, logger });
  const app = await startSlackApp(deps, { port: 0, host: "127.0.0.1" });
  const key = signingKey(null, slack.token);
  const remediate = new Map(
    clusters.map((c) => [c, new Queue(queueName("remediate", c), { connection: producer })]),
  );
  const diagnose = new Map(
    clusters.map((c) => [c, new Queue(queueName("diagnose", c), { connection: producer })]),
  );
  const sample: Sample = { approvalMs: [], diagnosisMs: [] };
  const waitJob = async (queue: Queue, id: string, field: "processedOn" | "finishedOn") => {
    for (;;) {
      const job = await queue.getJob(id);
      if (job?.[field]) return job;
      await new Promise((r) => setTimeout(r, 2));
    }
  };

  for (let r = 0; r < ROUNDS; r++) {
    // 1. One approval per cluster at once: proposal made by that cluster's worker (its store stamps the cluster).
    await Promise.all(
      clusters.map(async (c) => {
        const proposals = createProposalStore({
          redis: producer,
          signingKey: key,
          ...(names ? { cluster: c } : {}),
        });
        const pod = { pod: `rdev-api-gone-${n}-${r}`, podUid: `uid-gone-${n}-${r}-${c}` };
        const id = await proposals.createProposal({
          incidentId: null,
          action: { kind: "restart-pod", params: pod },
          target: { namespace: "rdev", deployment: "rdev-api", ...pod },
          requestedBy: "alertmanager",
          channel: CHANNEL,
          messageTs: null,
          expiresAt: Date.now() + 3_600_000,
        });
        const payload = viewSubmission({
          callbackId: "rdev_approve_confirm",
          privateMetadata: JSON.stringify({ p: id }),
          values: {},
          user: { id: APPROVER },
          viewId: `V0B${n}${r}${c}`.replace(/[^A-Z0-9]/gi, ""),
        });
        const sent = Date.now();
        await signedInteraction(`${app.url}/slack/events`, SIGNING_SECRET, payload);
        const job = await waitJob(remediate.get(c) as Queue, `remediate-${id}`, "processedOn");
        sample.approvalMs.push((job.processedOn ?? sent) - sent);
      }),
    );
    // 2. One diagnosis per cluster at once.
    await Promise.all(
      clusters.map(async (c) => {
        const { jobId } = await deps.queues.enqueueDiagnose({
          requestId: `bench-${n}-${r}-${c}`,
          target: { namespace: "rdev", deployment: "rdev-api", ...(names ? { cluster: c } : {}) },
          replyTo: { channel: CHANNEL, threadTs: null, incidentId: null },
          requestedBy: APPROVER,
          heapProfile: false,
          requestedAt: Date.now(),
        });
        const job = await waitJob(diagnose.get(c) as Queue, jobId, "finishedOn");
        sample.diagnosisMs.push((job.finishedOn ?? 0) - job.timestamp);
      }),
    );
  }
  // Nothing unapproved ran: every approval was taken by its own cluster's worker.
  for (const c of clusters) {
    const failed = await (remediate.get(c) as Queue).getJobs(["failed"]);
    const refused = failed.filter((j) => /Refused by the worker/.test(j.failedReason ?? ""));
    if (refused.length > 0) throw new Error(`${c}: ${refused[0]?.failedReason}`);
  }
  for (const w of workers) {
    await w.stop(2000);
    w.disconnect();
  }
  await app.stop();
  await Promise.all([...remediate.values(), ...diagnose.values()].map((q) => q.close()));
  await deps.queues.close();
  producer.disconnect();
  await Promise.all([...sims.map((s) => s.close()), slack.close()]);
  await redisServer.stop();
  await rm(dir, { recursive: true, force: true });
  return sample;
}

const load = loadavg()[0] ?? 0;
const baseline = await measure(null, 0);
const runs: { clusters: number; sample: Sample }[] = [];
for (const n of [1, 2, 4]) runs.push({ clusters: n, sample: await measure("abcd".slice(0, n).split(""), n) });
const baselineAgain = await measure(null, 9);

const p50 = (v: number[]) => summarise(v).p50;
const base = { approval: p50(baseline.approvalMs), diagnosis: p50(baseline.diagnosisMs) };
const row = (label: string, s: Sample) => {
  const a = summarise(s.approvalMs);
  const d = summarise(s.diagnosisMs);
  return [
    label,
    round(a.p50, 1),
    round(a.p90, 1),
    round(a.p50 / base.approval, 2),
    round(d.p50, 1),
    round(d.p90, 1),
    round(d.p50 / base.diagnosis, 2),
  ];
};
const rows = [
  row("single-cluster baseline", baseline),
  ...runs.map((r) => row(`${r.clusters} named cluster${r.clusters > 1 ? "s" : ""}`, r.sample)),
  row("single-cluster baseline, again", baselineAgain),
];
const data = {
  rounds: ROUNDS,
  loadavg1mBefore: load,
  baseline: { approval: summarise(baseline.approvalMs), diagnosis: summarise(baseline.diagnosisMs) },
  runs: runs.map((r) => ({
    clusters: r.clusters,
    approval: summarise(r.sample.approvalMs),
    diagnosis: summarise(r.sample.diagnosisMs),
    ratioToBaseline: {
      approvalP50: round(p50(r.sample.approvalMs) / base.approval, 3),
      diagnosisP50: round(p50(r.sample.diagnosisMs) / base.diagnosis, 3),
    },
  })),
  baselineAgain: {
    approval: summarise(baselineAgain.approvalMs),
    diagnosis: summarise(baselineAgain.diagnosisMs),
  },
};
await writeResult(
  "clusters",
  data,
  `## Many clusters: approval to action start and diagnosis time with 1, 2 and 4 clusters

${ROUNDS} rounds; each round approves one restart (signed view_submission to the app, until that
cluster's worker picks the job up from its own queue) and then queues one diagnosis (until its
worker finished it) in every cluster at once. Each cluster is its own simulator (3 steady pods) and
its own worker with only its own kubeconfig; one app, one Redis, all in one process on a shared
2-core machine (load ${round(load, 2)} before). Baseline: the single-cluster setup (default cluster,
unsuffixed queues) in the same run, first and again last. Times in ms; ratio = p50 / baseline p50.

${table(["setup", "approval→action p50", "p90", "ratio", "diagnosis p50", "p90", "ratio"], rows)}

With n clusters every round does n approvals and n diagnoses at once in one process (n workers,
n simulators, one app), so the ratios at 2 and 4 clusters include n times the work on the same two
cores; the 1-named-cluster row is the cost of the routing itself (per-cluster queue names, the
sealed cluster, the liveness read): ratio ${round(p50(runs[0]?.sample.approvalMs ?? []) / base.approval, 2)} for approvals, ${round(p50(runs[0]?.sample.diagnosisMs ?? []) / base.diagnosis, 2)} for diagnoses.`,
);
console.log(table(["setup", "approval→action p50", "p90", "ratio", "diagnosis p50", "p90", "ratio"], rows));
process.exit(0);
