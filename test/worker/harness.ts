// The worker in-process against its real peers: the Kubernetes API simulator (on a ScaledClock, so
// minutes of cluster time pass in a few real seconds), a private redis-server, the fake Slack Web
// API, the real incident and proposal stores. Jobs are added with the app's producer (createQueues).
import { readFileSync } from "node:fs";
import { type AddApprovalOutcome, addApproval } from "@rdev/bot/approve/approval.ts";
import { ScaledClock } from "@rdev/bot/clock.ts";
import { loadWorkerConfig, type WorkerConfig } from "@rdev/bot/config.ts";
import { type Alert, parseAlertmanagerWebhook } from "@rdev/bot/intake/alertmanager.ts";
import { incidentKey } from "@rdev/bot/intake/incident-key.ts";
import { createIncidentStore, type IncidentStore } from "@rdev/bot/intake/store.ts";
import { createCluster } from "@rdev/bot/k8s/client.ts";
import { kubeConfigFromString } from "@rdev/bot/k8s/kubeconfig.ts";
import type { Cluster } from "@rdev/bot/k8s/types.ts";
import { createProposalStore, type Proposal, type ProposalStore } from "@rdev/bot/propose/proposals.ts";
import { type ActionKind, type ActionParams, QUEUES, type ReplyTo } from "@rdev/bot/queue/jobs.ts";
import { createQueues, type Queues } from "@rdev/bot/queue/queues.ts";
import { createRedis, type RedisClient, waitUntilReady } from "@rdev/bot/redis.ts";
import { KEY_PREFIX, QUEUE_PREFIX } from "@rdev/bot/redis-keys.ts";
import { incidentRootBlocks } from "@rdev/bot/render/blocks/incident-root.ts";
import { remediateJob } from "@rdev/bot/slack/approvals/approve.ts";
import type { WorkerEvent } from "@rdev/bot/worker/deps.ts";
import { type StartOptions, startWorkerProcess, type WorkerProcess } from "@rdev/bot/worker/main.ts";
import { type Simulator, type SimulatorOptions, startSimulator } from "@rdev/kube-sim/index.ts";
import { WebClient } from "@slack/web-api";
import { type Job, Queue } from "bullmq";
import { pino } from "pino";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import type { TestRedis } from "../support/redis.ts";
import { type RedisUnderTest, startTopology } from "../support/redis-topology.ts";

export const CHANNEL = "C0ALERTS01";
export const APPROVER = "U0APPROVER";
export const APPROVER_2 = "U0APPROVR2";
/** Who asked for the harness' proposals (a person: one approval is enough for any action). */
export const REQUESTER = "U0REQUESTR";

const firing = parseAlertmanagerWebhook(
  JSON.parse(
    readFileSync(new URL("../fixtures/alertmanager/rdev-high-memory-firing.json", import.meta.url), "utf8"),
  ),
);
export const ALERT = firing.alerts[0] as Alert;

export type HarnessOptions = {
  speed?: number;
  sim?: SimulatorOptions;
  env?: Record<string, string>;
  /** Start the worker (default true); false to start it yourself with startWorker(). */
  worker?: boolean;
  /** Another Redis topology (test/support/redis-topology.ts); the harness stops it. Default: a private server. */
  redis?: RedisUnderTest;
};

export type Harness = {
  /** The private redis-server (kill/start for Redis-down tests); null on another topology. */
  redis: TestRedis | null;
  /** The Redis the harness runs on, whatever its topology. */
  topology: RedisUnderTest;
  sim: Simulator;
  slack: FakeSlack;
  cluster: Cluster;
  clock: ScaledClock;
  config: WorkerConfig;
  env: Record<string, string>;
  prefix: string;
  producer: RedisClient;
  queues: Queues;
  verifyQueue: Queue;
  remediateQueue: Queue;
  incidents: IncidentStore;
  proposals: ProposalStore;
  events: WorkerEvent[];
  worker: WorkerProcess | null;
  startWorker(
    overrides?: Record<string, string>,
    start?: Pick<StartOptions, "realClock">,
  ): Promise<WorkerProcess>;
  /** An open incident with its root message posted in CHANNEL; replyTo points at its thread. */
  openIncident(): Promise<{ incidentId: string; rootTs: string; replyTo: ReplyTo }>;
  /**
   * Proposes `action` (as REQUESTER), has APPROVER approve it as the app does (sealed) and queues
   * its job; the same proposalId twice queues the same approved proposal again.
   */
  remediate(replyTo: ReplyTo, action: ActionKind, params: ActionParams, proposalId?: string): Promise<string>;
  /** A pending proposal of `action` in replyTo's thread, as a diagnosis makes them. */
  propose(
    replyTo: ReplyTo,
    action: ActionKind,
    params: ActionParams,
    requestedBy?: string,
  ): Promise<Proposal>;
  /** `userId` approves `proposal` through the app's approval logic (policy, two people, seal). */
  approve(proposal: Proposal, userId?: string, at?: number): Promise<AddApprovalOutcome>;
  /** The thread's replies' text, in order (root excluded). */
  threadTexts(rootTs: string): string[];
  /** Waits until the job is completed or failed, then reads it (so its fields are final). */
  finished(jobId: string, queue?: Queue): Promise<{ job: Job; state: "completed" | "failed" }>;
  waitFor<T>(
    what: string,
    probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
    timeoutMs?: number,
  ): Promise<T>;
  close(): Promise<void>;
};

let counter = 0;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const speed = options.speed ?? 100;
  const epoch = Date.now();
  const clock = new ScaledClock(speed, epoch);
  const [topology, sim, slack] = await Promise.all([
    options.redis ?? startTopology("single"),
    startSimulator({ port: 0, scenario: "steady", replicas: 3, clock, tickMs: 20, ...options.sim }),
    startFakeSlack(),
  ]);
  // Every harness has its own redis-server, so the default key prefixes (QUEUE_PREFIX, the
  // stores' KEY_PREFIX) are safe, and a spawned worker (which uses them) sees the same queues.
  const prefix = KEY_PREFIX;
  const env: Record<string, string> = {
    ...topology.env,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_API_URL: slack.url,
    WORKER_PORT: "0",
    WORKER_HOST: "127.0.0.1",
    CLUSTER_CLOCK_SPEED: String(speed),
    CLUSTER_CLOCK_EPOCH: String(epoch),
    STABILISATION_WINDOW: "5m",
    VERIFY_SAMPLE_INTERVAL: "30s",
    ROLLOUT_POLL_INTERVAL: "5s",
    // Short enough that a killed worker's job is recovered within seconds, long enough that a busy
    // test machine does not take a live worker's job away from it.
    WORKER_LOCK_DURATION: "4s",
    WORKER_STALLED_INTERVAL: "1s",
    WORKER_SHUTDOWN_GRACE: "2s",
    ROOT_UPDATE_MIN_INTERVAL: "100ms",
    // Heap-growth captures add thread messages; test/worker/heap-growth.test.ts turns them on.
    HEAP_GROWTH_HORIZON: "0s",
    APPROVER_USER_IDS: `${APPROVER},${APPROVER_2}`,
    LOG_LEVEL: "silent",
    ...options.env,
  };
  const config = loadWorkerConfig(env);
  const cluster = createCluster(kubeConfigFromString(sim.kubeconfig()), { timeoutMs: 5000 });
  const producer = createRedis(topology.target, { role: "producer" });
  await waitUntilReady(producer);
  // As the app builds them (packages/bot/src/slack/build-deps.ts): approved jobs wait for REDIS_WAIT_REPLICAS.
  const queues = createQueues({ connection: producer, durability: config.redisDurability });
  const verifyQueue = new Queue(QUEUES.verify, { connection: producer, prefix: QUEUE_PREFIX });
  verifyQueue.on("error", () => {});
  const remediateQueue = queues.remediate;
  const incidents = createIncidentStore({ redis: producer, prefix });
  const proposals = createProposalStore({ redis: producer, prefix, signingKey: config.approvalSigningKey });
  const events: WorkerEvent[] = [];
  const started: WorkerProcess[] = [];
  const approvedByKey = new Map<string, Promise<Proposal>>();
  const bot = new WebClient(slack.token, { slackApiUrl: slack.url });

  const h: Harness = {
    redis: topology.server,
    topology,
    sim,
    slack,
    cluster,
    clock,
    config,
    env,
    prefix,
    producer,
    queues,
    verifyQueue,
    remediateQueue,
    incidents,
    proposals,
    events,
    worker: null,
    async startWorker(overrides = {}, start = {}) {
      const c = Object.keys(overrides).length > 0 ? loadWorkerConfig({ ...env, ...overrides }) : config;
      const w = await startWorkerProcess(c, {
        cluster,
        logger: pino({ level: "silent" }),
        onEvent: (e) => events.push(e),
        ...start,
      });
      h.worker ??= w;
      started.push(w);
      return w;
    },
    async openIncident() {
      const { incident } = await incidents.openOrUpdate(incidentKey(ALERT.labels), ALERT);
      if (!incident) throw new Error("no incident opened");
      const root = await bot.chat.postMessage({
        channel: CHANNEL,
        ...incidentRootBlocks({ incident, timeline: [] }, Date.now()),
      });
      const rootTs = String(root.ts);
      await incidents.setRoot(incident.id, { channel: CHANNEL, ts: rootTs });
      return {
        incidentId: incident.id,
        rootTs,
        replyTo: { channel: CHANNEL, threadTs: rootTs, incidentId: incident.id },
      };
    },
    async propose(replyTo, action, params, requestedBy = REQUESTER) {
      const proposed = params;
      const pod = proposed.pod
        ? { pod: proposed.pod, ...(proposed.podUid ? { podUid: proposed.podUid } : {}) }
        : {};
      const id = await proposals.createProposal({
        incidentId: replyTo.incidentId,
        action: { kind: action, params: proposed },
        target: { namespace: "rdev", deployment: "rdev-api", ...pod },
        requestedBy,
        channel: replyTo.channel,
        threadTs: replyTo.threadTs,
        messageTs: null,
        expiresAt: Date.now() + 3_600_000,
      });
      const proposal = await proposals.get(id);
      if (!proposal) throw new Error("the proposal vanished");
      return proposal;
    },
    async approve(proposal, userId = APPROVER, at = Date.now()) {
      return await addApproval(
        {
          proposals,
          policy: config.approval,
          signingKey: config.approvalSigningKey,
          groupsOf: async () => [],
        },
        proposal,
        { userId, at },
      );
    },
    async remediate(replyTo, action, params, proposalId) {
      const key = proposalId ?? `p${++counter}`;
      let approved = approvedByKey.get(key);
      if (!approved) {
        approved = (async () => {
          const proposal = await h.propose(replyTo, action, params);
          const outcome = await h.approve(proposal, APPROVER);
          if (outcome.kind !== "claimed") throw new Error(`not approved: ${JSON.stringify(outcome)}`);
          return outcome.proposal;
        })();
        approvedByKey.set(key, approved);
      }
      const { jobId } = await queues.enqueueRemediate(remediateJob(await approved));
      return jobId;
    },
    threadTexts(rootTs) {
      return slack
        .thread(CHANNEL, rootTs)
        .slice(1)
        .map((m) => m.text);
    },
    async finished(jobId, queue = remediateQueue) {
      const state = await h.waitFor(`job ${jobId} to finish`, async () => {
        const st = await queue.getJobState(jobId);
        return st === "completed" || st === "failed" ? st : null;
      });
      const job = await queue.getJob(jobId);
      if (!job) throw new Error(`job ${jobId} vanished`);
      return { job, state };
    },
    async waitFor(what, probe, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value) return value as never;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await Promise.all(started.map((w) => w.stop(500).catch(() => {})));
      for (const w of started) w.disconnect();
      await queues.close();
      await verifyQueue.close();
      producer.disconnect();
      await Promise.all([sim.close(), slack.close()]);
      await topology.stop();
    },
  };
  if (options.worker ?? true) await h.startWorker();
  return h;
}

/** The pods the simulator runs, ready and not terminating (waits until there are `n`). */
export async function readyPods(h: Harness, n = 3) {
  return await h.waitFor(`${n} ready pods`, async () => {
    const pods = (await h.cluster.listPods("rdev", "app=rdev-api")).filter(
      (p) => p.ready && !p.deletionTimestamp,
    );
    return pods.length === n ? pods : null;
  });
}

/** Eviction requests the simulator answered with 201 (applied), per pod name. */
export function evictions(h: Harness): string[] {
  return h.sim
    .requests()
    .filter((r) => r.method === "POST" && /\/eviction$/.test(r.path) && r.status === 201)
    .map((r) => r.path.split("/").at(-2) ?? "");
}
