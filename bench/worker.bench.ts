// The worker under load, each part next to a baseline from the same run:
//   1. approval -> the worker starts the action: a signed view_submission of the app's
//      confirmation ("Restart pod") to the real Slack app (its own process), until the worker
//      process picks the remediate job up
//      (job.processedOn); baseline: Queue.add -> a bare BullMQ processor picking the job up;
//   2. jobs per second one worker process sustains for no-op actions against the simulator
//      (restart-pod of a pod that is gone: validation, the approval check (proposal read, seal,
//      policy, mark used), plan, 3 cluster reads, 2 Slack posts, step state in Redis); baseline: the same jobs through a bare BullMQ processor doing nothing;
//   3. worker memory (RSS and heap, from its /metrics) at rest and after 1,000 jobs.
// Everything on loopback: a private redis-server, the fake Slack Web API, the simulator.
// `worker.bench.ts bare <redis> <prefix> <concurrency>` is the baseline worker's own process.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { createInterface } from "node:readline";
import v8 from "node:v8";
import vm from "node:vm";
import { QUEUES, type RemediateJob } from "@rdev/bot/queue/jobs.ts";
import { createRedis, waitUntilReady } from "@rdev/bot/redis.ts";
import { KEY_PREFIX, QUEUE_PREFIX } from "@rdev/bot/redis-keys.ts";
import { Queue, Worker } from "bullmq";
import { round, summarise, table, writeResult } from "./lib.ts";

const CONCURRENCY = 4;
const JOBS = 1000;
const CLICKS = 200;
const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const CHANNEL = "C0RDEVBNCH";
const APPROVER = "U0LEAD0001";

const children: ChildProcess[] = [];
function spawnLine<T>(args: string[], env: Record<string, string>): Promise<T & { pid: number }> {
  const proc = spawn(process.execPath, ["--import", "tsx", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(proc);
  return new Promise((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}`)));
    const lines = createInterface({ input: proc.stdout });
    lines.on("line", (line) => {
      if (!line.startsWith("{")) return;
      const parsed = JSON.parse(line) as T & { level?: number };
      if (parsed.level !== undefined) return; // a pino log line
      lines.close();
      resolve({ ...parsed, pid: proc.pid ?? 0 });
    });
  });
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return Number(line?.split(" ").at(-1) ?? Number.NaN);
}

const rssMiB = (pid: number): number => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
  } catch {
    return Number.NaN;
  }
};

function job(i: number, prefix: string): RemediateJob {
  return {
    proposalId: `${prefix}-${i}`,
    action: "restart-pod",
    params: { pod: `rdev-api-gone-${i}`, podUid: `uid-gone-${i}` },
    target: { namespace: "rdev", deployment: "rdev-api" },
    replyTo: { channel: CHANNEL, threadTs: null, incidentId: null },
    approvedBy: APPROVER,
    approvedAt: Date.now(),
  };
}

async function drain(queue: Queue, n: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const c = await queue.getJobCounts("completed", "failed");
    if ((c.completed ?? 0) + (c.failed ?? 0) >= n) {
      if (c.failed) throw new Error(`${c.failed} jobs failed`);
      return performance.now() - started;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function main(): Promise<void> {
  // Loaded here, not at the top: the baseline worker's process (same file) must not load them.
  const { pino } = await import("pino");
  const { loadWorkerConfig } = await import("@rdev/bot/config.ts");
  const { createProposalStore } = await import("@rdev/bot/propose/proposals.ts");
  const { addApproval } = await import("@rdev/bot/approve/approval.ts");
  const { signingKey } = await import("@rdev/bot/propose/seal.ts");
  const { remediateJob } = await import("@rdev/bot/slack/approvals/approve.ts");
  const { startSimulator } = await import("@rdev/kube-sim/index.ts");
  const { startWorkerProcess } = await import("@rdev/bot/worker/main.ts");
  const { startRedis } = await import("../test/support/redis.ts");
  const { viewSubmission } = await import("../test/support/slack-sign.ts");
  const { postSigned } = await import("./ack-load.ts");
  process.once("exit", () => {
    for (const c of children) c.kill("SIGKILL");
  });
  const loadBefore = loadavg();
  const redisServer = await startRedis();
  const sim = await startSimulator({ port: 0, scenario: "steady", replicas: 3 });
  const kubeconfig = `/tmp/worker-bench-${process.pid}.kubeconfig`;
  await sim.writeKubeconfig(kubeconfig);
  const fake = await spawnLine<{ api: string; token: string }>(
    [new URL("./app-child.ts", import.meta.url).pathname, "fake-slack"],
    {},
  );
  const common = {
    REDIS_URL: redisServer.url,
    SLACK_BOT_TOKEN: fake.token,
    SLACK_API_URL: fake.api,
    LOG_LEVEL: "silent",
  };
  const app = await spawnLine<{ url: string }>([new URL("./app-child.ts", import.meta.url).pathname, "app"], {
    ...common,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    ALERT_CHANNEL: CHANNEL,
    ALERTMANAGER_TOKEN: "am-token-0123456789abcdef",
    APPROVER_USER_IDS: APPROVER,
    PORT: "0",
    HOST: "127.0.0.1",
    BENCH_PREFIX: KEY_PREFIX,
  });
  const worker = await spawnLine<{ port: number }>(
    [new URL("../packages/bot/src/worker.ts", import.meta.url).pathname],
    {
      ...common,
      APPROVER_USER_IDS: APPROVER,
      KUBECONFIG: kubeconfig,
      WORKER_PORT: "0",
      WORKER_HOST: "127.0.0.1",
      WORKER_CONCURRENCY: String(CONCURRENCY),
    },
  );
  const workerUrl = `http://127.0.0.1:${worker.port}`;
  const producer = createRedis(redisServer.url, { role: "producer" });
  await waitUntilReady(producer);
  const remediate = new Queue(QUEUES.remediate, { connection: producer, prefix: QUEUE_PREFIX });
  const proposals = createProposalStore({ redis: producer, signingKey: signingKey(null, fake.token) });
  /** Jobs the worker accepts: each for a proposal approved and sealed as the app does (pods long gone). */
  const approvedJobs = async (n: number, prefix: string) => {
    const approvalDeps = {
      proposals,
      policy: {
        approverUserIds: [APPROVER],
        approverGroupIds: [],
        anyoneMayApprove: false,
        fourEyesActions: [],
      },
      signingKey: signingKey(null, fake.token),
      groupsOf: async () => [],
    };
    const out: { name: string; data: RemediateJob; opts: { jobId: string } }[] = [];
    for (let i = 0; i < n; i++) {
      const pod = { pod: `rdev-api-gone-${prefix}-${i}`, podUid: `uid-gone-${prefix}-${i}` };
      const id = await proposals.createProposal({
        incidentId: null,
        action: { kind: "restart-pod", params: pod },
        target: { namespace: "rdev", deployment: "rdev-api", ...pod },
        requestedBy: "alertmanager",
        channel: CHANNEL,
        messageTs: null,
        expiresAt: Date.now() + 3_600_000,
      });
      const proposal = await proposals.get(id);
      if (!proposal) throw new Error("proposal vanished");
      const approved = await addApproval(approvalDeps, proposal, { userId: APPROVER, at: Date.now() });
      if (approved.kind !== "claimed") throw new Error(`not approved: ${approved.kind}`);
      out.push({
        name: "restart-pod",
        data: remediateJob(approved.proposal),
        opts: { jobId: `remediate-${id}` },
      });
    }
    return out;
  };

  // Memory at rest (after a moment to settle).
  await new Promise((r) => setTimeout(r, 1000));
  const rest = {
    rssMiB: (await metric(workerUrl, "rdev_worker_process_resident_memory_bytes")) / 2 ** 20,
    heapMiB: (await metric(workerUrl, "rdev_worker_nodejs_heap_size_used_bytes")) / 2 ** 20,
  };

  // 1. Click -> pickup, one click at a time.
  const click: number[] = [];
  const ack: number[] = [];
  for (let i = 0; i < CLICKS; i++) {
    const id = await proposals.createProposal({
      incidentId: null,
      action: { kind: "restart-pod", params: { pod: `rdev-api-click-${i}`, podUid: `uid-click-${i}` } },
      target: {
        namespace: "rdev",
        deployment: "rdev-api",
        pod: `rdev-api-click-${i}`,
        podUid: `uid-click-${i}`,
      },
      requestedBy: "alertmanager",
      channel: CHANNEL,
      messageTs: null,
      expiresAt: Date.now() + 3_600_000,
    });
    // "Restart pod" in the app's confirmation (the click before it only opens the dialog).
    const payload = viewSubmission({
      callbackId: "rdev_approve_confirm",
      privateMetadata: JSON.stringify({ p: id }),
      values: {},
      user: { id: APPROVER },
      viewId: `V0BENCH${i}`,
    });
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const sent = Date.now();
    ack.push(await postSigned(`${app.url}/slack/events`, SIGNING_SECRET, body));
    for (;;) {
      const j = await remediate.getJob(`remediate-${id}`);
      if (j?.processedOn) {
        click.push(j.processedOn - sent);
        break;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  await drain(remediate, CLICKS);
  await remediate.obliterate({ force: true });

  // 2. Throughput of the worker process, then memory after 1,000 jobs.
  const ours = new Queue(QUEUES.remediate, { connection: producer, prefix: QUEUE_PREFIX });
  let started = performance.now();
  const throughputJobs = (await approvedJobs(JOBS, "tp")).map((j) => ({
    ...j,
    opts: { ...j.opts, attempts: 3 },
  }));
  started = performance.now();
  await ours.addBulk(throughputJobs);
  await drain(ours, JOBS);
  const oursMs = performance.now() - started;
  const after = {
    rssMiB: (await metric(workerUrl, "rdev_worker_process_resident_memory_bytes")) / 2 ** 20,
    heapMiB: (await metric(workerUrl, "rdev_worker_nodejs_heap_size_used_bytes")) / 2 ** 20,
  };
  await ours.obliterate({ force: true });

  // Retained heap: the same worker code in this process (own BullMQ prefix), heap after a full GC
  // before and after 1,000 jobs; the child's figures above include garbage not yet collected.
  v8.setFlagsFromString("--expose_gc");
  const gc = vm.runInNewContext("gc") as () => void;
  const inproc = await startWorkerProcess(
    loadWorkerConfig({
      ...common,
      APPROVER_USER_IDS: APPROVER,
      KUBECONFIG: kubeconfig,
      WORKER_PORT: "0",
      WORKER_HOST: "127.0.0.1",
      WORKER_CONCURRENCY: String(CONCURRENCY),
    }),
    { logger: pino({ level: "silent" }), prefix: "inproc", queues: ["remediate"] },
  );
  const inprocQueue = new Queue(QUEUES.remediate, { connection: producer, prefix: "inproc" });
  const heapNow = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed / 2 ** 20;
  };
  await inprocQueue.addBulk(await approvedJobs(50, "warm"));
  await drain(inprocQueue, 50);
  await inprocQueue.obliterate({ force: true });
  const heapJobs = (await approvedJobs(JOBS, "heap")).map((j) => ({
    ...j,
    opts: { ...j.opts, removeOnComplete: true },
  }));
  const heapBefore = heapNow();
  await inprocQueue.addBulk(heapJobs);
  for (;;) {
    const c = await inprocQueue.getJobCounts("wait", "active", "delayed", "failed");
    if (c.failed) throw new Error("in-process jobs failed");
    if (!c.wait && !c.active && !c.delayed) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const heapAfter = heapNow();
  await inproc.stop(1000);
  await inprocQueue.close();

  // Baselines: a bare BullMQ processor in its own process, on its own prefix.
  const bare = await spawnLine<{ ready: boolean }>(
    [new URL(import.meta.url).pathname, "bare", redisServer.url, "bare", String(CONCURRENCY)],
    {},
  );
  const bareQueue = new Queue(QUEUES.remediate, { connection: producer, prefix: "bare" });
  const barePickup: number[] = [];
  for (let i = 0; i < CLICKS; i++) {
    const sent = Date.now();
    const added = await bareQueue.add("restart-pod", job(i, "pick"), { jobId: `remediate-pick-${i}` });
    for (;;) {
      const j = await bareQueue.getJob(String(added.id));
      if (j?.processedOn) {
        barePickup.push(j.processedOn - sent);
        break;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  await drain(bareQueue, CLICKS);
  await bareQueue.obliterate({ force: true });
  started = performance.now();
  await bareQueue.addBulk(
    Array.from({ length: JOBS }, (_, i) => ({
      name: "restart-pod",
      data: job(i, "bare"),
      opts: { jobId: `remediate-bare-${i}` },
    })),
  );
  await drain(bareQueue, JOBS);
  const bareMs = performance.now() - started;
  const bareRss = rssMiB(bare.pid);

  const clickS = summarise(click);
  const ackS = summarise(ack);
  const pickS = summarise(barePickup);
  const oursRate = (JOBS / oursMs) * 1000;
  const bareRate = (JOBS / bareMs) * 1000;
  const data = {
    machine: { cpus: availableParallelism(), loadBefore: loadBefore.map((l) => round(l)) },
    clickToPickupMs: { ...clickS, target: "p50 < 20 ms" },
    clickAckMs: ackS,
    baselineAddToPickupMs: pickS,
    throughput: {
      jobs: JOBS,
      concurrency: CONCURRENCY,
      workerJobsPerSecond: round(oursRate, 1),
      bareJobsPerSecond: round(bareRate, 1),
    },
    memoryMiB: {
      atRest: rest,
      after1000Jobs: after,
      bareWorkerRssMiB: round(bareRss, 1),
      retainedHeapAfterGc: { before: round(heapBefore, 1), after1000Jobs: round(heapAfter, 1) },
    },
  };
  const ms = (n: number) => round(n, 1);
  const markdown = `## Worker (bench/worker.bench.ts)

Approval to the worker picking the job up: a signed view_submission of the app's confirmation
("Restart pod") to the real Slack app (own process) until the worker process starts the remediate
job (BullMQ's processedOn), ${CLICKS} approvals one at a time. Baseline: Queue.add to a bare BullMQ
processor starting the job.

${table(
  ["path", "p50 ms", "p90 ms", "p99 ms", "max ms"],
  [
    ["click -> worker starts the action", ms(clickS.p50), ms(clickS.p90), ms(clickS.p99), ms(clickS.max)],
    ["(of which: the app's ack)", ms(ackS.p50), ms(ackS.p90), ms(ackS.p99), ms(ackS.max)],
    ["baseline: add -> bare processor starts", ms(pickS.p50), ms(pickS.p90), ms(pickS.p99), ms(pickS.max)],
  ],
)}

Target p50 under 20 ms: ${clickS.p50 < 20 ? "met" : "NOT met"} (${ms(clickS.p50)} ms).

Throughput, ${JOBS} no-op remediate jobs (restart-pod of a pod that is gone: validation, plan, cluster
reads, two Slack posts, step state), concurrency ${CONCURRENCY}, one worker process:

${table(
  ["worker", "jobs/s"],
  [
    ["rdev worker", round(oursRate, 1)],
    ["baseline: bare BullMQ processor (does nothing)", round(bareRate, 1)],
  ],
)}

Worker memory (its /metrics): at rest RSS ${round(rest.rssMiB, 1)} MiB, heap ${round(rest.heapMiB, 1)} MiB;
after ${JOBS + CLICKS} jobs RSS ${round(after.rssMiB, 1)} MiB, heap ${round(after.heapMiB, 1)} MiB. Bare BullMQ
worker process RSS (bullmq + ioredis only): ${round(bareRss, 1)} MiB. Both run under tsx (the image runs compiled JS). Heap retained
after a full GC, same worker code in the benchmark's process: ${round(heapBefore, 1)} MiB before,
${round(heapAfter, 1)} MiB after ${JOBS} more jobs (no growth per job means no leak). Machine: ${availableParallelism()} CPUs, load ${loadBefore.map((l) => round(l)).join(" ")} before the run.`;
  await writeResult("worker", data, markdown);
  console.log(markdown);

  await ours.close();
  await remediate.close();
  await bareQueue.close();
  producer.disconnect();
  for (const c of children) c.kill("SIGTERM");
  await sim.close();
  await redisServer.stop();
  process.exit(0);
}

if (process.argv[2] === "bare") {
  // The baseline worker: BullMQ with a processor that does nothing, same concurrency.
  const [, , , url = "", prefix = "", concurrency = "4"] = process.argv;
  const connection = createRedis(url, { role: "worker" });
  const worker = new Worker(QUEUES.remediate, async () => null, {
    connection,
    prefix,
    concurrency: Number(concurrency),
  });
  await worker.waitUntilReady();
  console.log(JSON.stringify({ ready: true }));
  process.once("SIGTERM", () => void worker.close().then(() => process.exit(0)));
} else {
  await main();
}
