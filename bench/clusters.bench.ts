// One app, a worker per cluster: does serving more clusters slow any one of them? With 1, 2 and 4
// simulated clusters (each its own Kubernetes API simulator and its own worker, given only its own
// kubeconfig file and CLUSTER), one app, one Redis, the fake Slack Web API, all in this process:
//   1. approval -> action start: a signed view_submission of the app's confirmation ("Restart pod")
//      for a proposal made by that cluster's worker, until that worker picks the remediate job up
//      from its own queue (job.processedOn); one approval per cluster at once, per round;
//   2. diagnosis time: a diagnose job queued by the app for each cluster at once, until its worker
//      finished it (cluster reads, analysis, the Slack post; job.finishedOn - job.timestamp).
// Baseline, same run: the single-cluster setup (no CLUSTERS, no CLUSTER: the default cluster and
// its unsuffixed queues), measured in two passes, forward and reverse, pooled.
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CLUSTER, queueName } from "@rdev/bot/clusters/names.ts";
import { loadAppConfig, loadWorkerConfig } from "@rdev/bot/config.ts";
import { createProposalStore } from "@rdev/bot/propose/proposals.ts";
import { signingKey } from "@rdev/bot/propose/seal.ts";
import { createRedis, waitUntilReady } from "@rdev/bot/redis.ts";
import { QUEUE_PREFIX } from "@rdev/bot/redis-keys.ts";
import { buildAppDeps } from "@rdev/bot/slack/build-deps.ts";
import { startSlackApp } from "@rdev/bot/slack/create-app.ts";
import { startWorkerProcess } from "@rdev/bot/worker/main.ts";
import { startSimulator } from "@rdev/kube-sim/index.ts";
import { Queue } from "bullmq";
import { pino } from "pino";
import { startFakeSlack } from "../test/support/fake-slack.ts";
import { startRedis } from "../test/support/redis.ts";
import { signedInteraction, viewSubmission } from "../test/support/slack-sign.ts";
import { round, summarise, table, writeResult } from "./lib.ts";

const ROUNDS = 12;
const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const CHANNEL = "C0RDEVBNCH";
const APPROVER = "U0LEAD0001";

/** all: every cluster busy at once; solo: only the first cluster busy, the others idle. */
type Sample = {
  approvalMs: number[];
  diagnosisMs: number[];
  soloApprovalMs: number[];
  soloDiagnosisMs: number[];
};

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
    clusters.map((c) => [
      c,
      new Queue(queueName("remediate", c), { connection: producer, prefix: QUEUE_PREFIX }),
    ]),
  );
  const diagnose = new Map(
    clusters.map((c) => [
      c,
      new Queue(queueName("diagnose", c), { connection: producer, prefix: QUEUE_PREFIX }),
    ]),
  );
  const sample: Sample = { approvalMs: [], diagnosisMs: [], soloApprovalMs: [], soloDiagnosisMs: [] };
  const waitJob = async (queue: Queue, id: string, field: "processedOn" | "finishedOn") => {
    for (;;) {
      const job = await queue.getJob(id);
      if (job?.[field]) return job;
      await new Promise((r) => setTimeout(r, 2));
    }
  };

  const approve = async (c: string, tag: string) => {
    const proposals = createProposalStore({
      redis: producer,
      signingKey: key,
      ...(names ? { cluster: c } : {}),
    });
    const pod = { pod: `rdev-api-gone-${tag}`, podUid: `uid-gone-${tag}-${c}` };
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
      viewId: `V0B${tag}${c}`.replace(/[^A-Z0-9]/gi, ""),
    });
    const sent = Date.now();
    await signedInteraction(`${app.url}/slack/events`, SIGNING_SECRET, payload);
    const job = await waitJob(remediate.get(c) as Queue, `remediate-${id}`, "processedOn");
    return (job.processedOn ?? sent) - sent;
  };
  const diagnoseIn = async (c: string, tag: string) => {
    const { jobId } = await deps.queues.enqueueDiagnose({
      requestId: `bench-${tag}-${c}`,
      target: { namespace: "rdev", deployment: "rdev-api", ...(names ? { cluster: c } : {}) },
      replyTo: { channel: CHANNEL, threadTs: null, incidentId: null },
      requestedBy: APPROVER,
      heapProfile: false,
      requestedAt: Date.now(),
    });
    const job = await waitJob(diagnose.get(c) as Queue, jobId, "finishedOn");
    return (job.finishedOn ?? 0) - job.timestamp;
  };
  const first = clusters[0] as string;
  for (let r = 0; r < ROUNDS; r++) {
    // 1. One approval per cluster at once (a proposal made by that cluster's worker: its store
    //    stamps the cluster), then one in the first cluster alone.
    sample.approvalMs.push(...(await Promise.all(clusters.map((c) => approve(c, `${n}-${r}`)))));
    sample.soloApprovalMs.push(await approve(first, `${n}-${r}-solo`));
    // 2. One diagnosis per cluster at once, then one in the first cluster alone.
    sample.diagnosisMs.push(...(await Promise.all(clusters.map((c) => diagnoseIn(c, `${n}-${r}`)))));
    sample.soloDiagnosisMs.push(await diagnoseIn(first, `${n}-${r}-solo`));
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
// Two passes, the second in reverse order (4, 2, 1, baseline), pooled: the machine's load drifts
// (other processes share the two cores), and an order that always measured the baseline first
// would lean on that drift.
const merge = (x: Sample, y: Sample): Sample => ({
  approvalMs: [...x.approvalMs, ...y.approvalMs],
  diagnosisMs: [...x.diagnosisMs, ...y.diagnosisMs],
  soloApprovalMs: [...x.soloApprovalMs, ...y.soloApprovalMs],
  soloDiagnosisMs: [...x.soloDiagnosisMs, ...y.soloDiagnosisMs],
});
const setups: (number | null)[] = [null, 1, 2, 4];
const pooled = new Map<number | null, Sample>();
for (const [pass, order] of [setups, [...setups].reverse()].entries()) {
  for (const n of order) {
    const names = n === null ? null : "abcd".slice(0, n).split("");
    const sample = await measure(names, (n ?? 0) * 10 + pass);
    const before = pooled.get(n);
    pooled.set(n, before ? merge(before, sample) : sample);
  }
}
const baseline = pooled.get(null) as Sample;
const runs = [1, 2, 4].map((n) => ({ clusters: n, sample: pooled.get(n) as Sample }));

const p50 = (v: number[]) => summarise(v).p50;
const base = {
  approval: p50(baseline.approvalMs),
  diagnosis: p50(baseline.diagnosisMs),
  soloApproval: p50(baseline.soloApprovalMs),
  soloDiagnosis: p50(baseline.soloDiagnosisMs),
};
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
const soloRow = (label: string, s: Sample) => {
  const a = summarise(s.soloApprovalMs);
  const d = summarise(s.soloDiagnosisMs);
  return [
    label,
    round(a.p50, 1),
    round(a.p90, 1),
    round(a.p50 / base.soloApproval, 2),
    round(d.p50, 1),
    round(d.p90, 1),
    round(d.p50 / base.soloDiagnosis, 2),
  ];
};
const soloRows = [
  soloRow("single-cluster baseline", baseline),
  ...runs.map((r) => soloRow(`${r.clusters} named cluster${r.clusters > 1 ? "s" : ""}`, r.sample)),
];
const rows = [
  row("single-cluster baseline", baseline),
  ...runs.map((r) => row(`${r.clusters} named cluster${r.clusters > 1 ? "s" : ""}`, r.sample)),
];
const data = {
  rounds: ROUNDS,
  loadavg1mBefore: load,
  baseline: {
    approval: summarise(baseline.approvalMs),
    diagnosis: summarise(baseline.diagnosisMs),
    soloApproval: summarise(baseline.soloApprovalMs),
    soloDiagnosis: summarise(baseline.soloDiagnosisMs),
  },
  runs: runs.map((r) => ({
    clusters: r.clusters,
    approval: summarise(r.sample.approvalMs),
    diagnosis: summarise(r.sample.diagnosisMs),
    ratioToBaseline: {
      approvalP50: round(p50(r.sample.approvalMs) / base.approval, 3),
      diagnosisP50: round(p50(r.sample.diagnosisMs) / base.diagnosis, 3),
    },
    soloFirstCluster: {
      approval: summarise(r.sample.soloApprovalMs),
      diagnosis: summarise(r.sample.soloDiagnosisMs),
      ratioToBaseline: {
        approvalP50: round(p50(r.sample.soloApprovalMs) / base.soloApproval, 3),
        diagnosisP50: round(p50(r.sample.soloDiagnosisMs) / base.soloDiagnosis, 3),
      },
    },
  })),
};
await writeResult(
  "clusters",
  data,
  `## Many clusters: approval to action start and diagnosis time with 1, 2 and 4 clusters

Each round approves one restart (signed view_submission to the app, until that
cluster's worker picks the job up from its own queue) and then queues one diagnosis (until its
worker finished it) in every cluster at once. Each cluster is its own simulator (3 steady pods) and
its own worker with only its own kubeconfig; one app, one Redis, all in one process on a shared
2-core machine (load ${round(load, 2)} before). Baseline: the single-cluster setup (default cluster,
unsuffixed queues) in the same run. Two passes (baseline, 1, 2, 4, then 4, 2, 1, baseline), pooled:
${2 * ROUNDS} rounds per setup. Times in ms; ratio = p50 / baseline p50.

Every cluster busy at once:

${table(["setup", "approval→action p50", "p90", "ratio", "diagnosis p50", "p90", "ratio"], rows)}

Only the first cluster busy (the others' workers idle, heartbeating):

${table(["setup", "approval→action p50", "p90", "ratio", "diagnosis p50", "p90", "ratio"], soloRows)}

With n clusters every round does n approvals and n diagnoses at once in one process (n workers,
n simulators, one app), so the ratios at 2 and 4 clusters include n times the work on the same two
cores; the second table is what idle clusters (their workers polling their queues and
heartbeating) cost a busy one; the 1-named-cluster rows are the cost of the routing itself
(per-cluster queue names, the sealed cluster): ratio ${round(p50(runs[0]?.sample.approvalMs ?? []) / base.approval, 2)} for approvals, ${round(p50(runs[0]?.sample.diagnosisMs ?? []) / base.diagnosis, 2)} for diagnoses.`,
);
console.log(table(["setup", "approval→action p50", "p90", "ratio", "diagnosis p50", "p90", "ratio"], rows));
process.exit(0);
