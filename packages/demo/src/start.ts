// The whole bot on one laptop, loopback only: a private Redis (unless REDIS_URL is given), the
// Kubernetes API simulator running a scenario on a sped-up clock, the Slack app, the worker (on
// the simulator's clock), the local Slack stand-in page, and alerts from real Prometheus +
// Alertmanager when installed, else from the built-in evaluator. packages/demo/src/main.ts and
// test/demo/browser.test.ts call startDemo.
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAppConfig, loadWorkerConfig } from "@rdev/bot/config.ts";
import { createCluster, kubeConfigFromString } from "@rdev/bot/k8s/index.ts";
import { createLogger, type Logger } from "@rdev/bot/logger.ts";
import { createRedis, waitUntilReady } from "@rdev/bot/redis.ts";
import { buildAppDeps } from "@rdev/bot/slack/build-deps.ts";
import { type SlackAppHandle, startSlackApp } from "@rdev/bot/slack/create-app.ts";
import type { WorkerEvent } from "@rdev/bot/worker/deps.ts";
import { startWorkerProcess, type WorkerProcess } from "@rdev/bot/worker/main.ts";
import { DEMO_CHANNELS, DEMO_USERS, type DevSlack, startDevSlack } from "@rdev/dev-slack/dev-slack.ts";
import { type Simulator, startSimulator } from "@rdev/kube-sim/index.ts";
import type { ScenarioName } from "@rdev/kube-sim/workload/types.ts";
import {
  type AlertDaemons,
  alertmanagerBinary,
  prometheusBinary,
  startAlertDaemons,
} from "./alert-daemons.ts";
import { HIGH_MEMORY_CRITICAL_RULE, HIGH_MEMORY_RULE, startAlertEvaluator } from "./alerts.ts";
import { freePort } from "./daemon.ts";
import { startPodSampler } from "./history.ts";
import { nextPhase, PacedClock, type PaceEvent, type Phase, podsEvent } from "./pace.ts";
import { type PrivateRedis, startRedis } from "./redis.ts";

export type AlertSource = "prometheus" | "built-in" | "off";

export type DemoOptions = {
  scenario: ScenarioName;
  /** Simulated seconds per real second while nobody needs to act. */
  speed: number;
  /** Simulated seconds per real second from a pod turning critical until a remediation is applied (default 0.25). */
  actSpeed?: number;
  /** Port of the Slack stand-in page (0: a free port). */
  port?: number;
  /** "auto" (default): real Prometheus + Alertmanager when installed, else the built-in evaluator. */
  alerts?: "auto" | "prometheus" | "built-in" | "off";
  /** An existing Redis; default: a private redis-server. */
  redisUrl?: string;
  /** pino level of the app and the worker (default warn). */
  logLevel?: string;
  /** Progress messages ("starting Redis...") while starting. */
  say?: (line: string) => void;
  onEvent?: (event: WorkerEvent) => void;
  /** Extra worker settings (tests: a shorter STABILISATION_WINDOW). */
  workerEnv?: Record<string, string>;
  /** Simulated clusters side by side (default 1): a, b, ...; the scenario runs in the last one. */
  clusters?: number;
};

/** One simulated cluster of the demo and its worker. */
export type DemoCluster = { name: string; sim: Simulator; kubeconfigPath: string; worker: WorkerProcess };

export type Demo = {
  pageUrl: string;
  alertSource: AlertSource;
  alertChannel: string;
  sim: Simulator;
  slack: DevSlack;
  app: SlackAppHandle;
  worker: WorkerProcess;
  redisUrl: string;
  /** A kubeconfig for the demo's simulator (removed on stop): `KUBECONFIG=… kubectl -n rdev get pods -w`. */
  kubeconfigPath: string;
  /** With --clusters N: every cluster (the scenario's last); empty with one cluster. */
  clusters: DemoCluster[];
  /** Stops everything, in reverse order; idempotent. */
  stop(): Promise<void>;
};

const ALERT_CHANNEL = DEMO_CHANNELS[0]?.id ?? "C0RDEVOPS1";
const PACE_NOTES: Record<PaceEvent, string> = {
  pod_critical: "A pod is critical and the OOM killer is near; time slows so you can decide",
  action_applied: "A remediation was applied",
  calm: "No pod is above the warning threshold",
};

const percentOf = (bytes: number | null, limit: number | null): number | null =>
  bytes !== null && limit ? (100 * bytes) / limit : null;

export async function startDemo(options: DemoOptions): Promise<Demo> {
  const say = options.say ?? (() => {});
  const level = options.logLevel ?? "warn";
  const logger: Logger = createLogger(level, "rdev-demo");
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.warn({ err: error }, "demo: a part did not stop cleanly");
      }
    }
  };
  try {
    let redisUrl = options.redisUrl;
    if (!redisUrl) {
      say("starting a private redis-server on loopback...");
      const redis: PrivateRedis = await startRedis();
      stops.push(() => redis.stop());
      redisUrl = redis.url;
    }
    const clock = new PacedClock(options.speed);
    const actSpeed = options.actSpeed ?? 0.25;
    let phase: Phase = "fast";
    const pace = (event: PaceEvent) => {
      const next = nextPhase(phase, event);
      if (next === phase) return;
      phase = next;
      const speed = next === "act" ? actSpeed : options.speed;
      clock.setSpeed(speed);
      say(`${PACE_NOTES[event]}: cluster time now runs at ${speed}x.`);
    };
    const epoch = Date.now();
    // With several clusters: a, b, ...; the scenario runs in the last one, the others are steady.
    const names = (options.clusters ?? 1) > 1 ? "abcd".slice(0, options.clusters).split("") : [];
    const main = names.at(-1) ?? null;
    const clusterEnv = (name: string | null): Record<string, string> => (name ? { CLUSTER: name } : {});
    const sim = await startSimulator({
      port: 0,
      scenario: options.scenario,
      replicas: 3,
      clock,
      tickMs: 100,
    });
    stops.push(() => sim.close());
    // So a person can watch the cluster with kubectl beside the bot.
    const kubeconfigPath = join(
      tmpdir(),
      `rdev-demo-${process.pid}-${new URL(sim.httpsUrl).port}.kubeconfig`,
    );
    await sim.writeKubeconfig(kubeconfigPath);
    stops.push(() => rm(kubeconfigPath, { force: true }));
    const signingSecret = randomBytes(16).toString("hex");
    const botToken = `xoxb-demo-${randomBytes(12).toString("hex")}`;
    const amToken = randomBytes(16).toString("hex");
    const slack = await startDevSlack({
      signingSecret,
      botToken,
      users: DEMO_USERS,
      channels: DEMO_CHANNELS,
      ...(options.port ? { port: options.port } : {}),
    });
    stops.push(() => slack.close());

    // Real Prometheus + Alertmanager start before the app: the app's Silence control needs
    // Alertmanager's address (ALERTMANAGER_URL), and Alertmanager the app's webhook (a port
    // reserved for the app; Alertmanager retries until the app listens).
    const wanted = options.alerts ?? "auto";
    const installed = prometheusBinary() !== null && alertmanagerBinary() !== null;
    let alertSource: AlertSource = "off";
    let daemons: AlertDaemons | null = null;
    const appPort = wanted === "prometheus" || (wanted === "auto" && installed) ? await freePort() : 0;
    if (appPort !== 0) {
      say("starting Prometheus and Alertmanager on loopback...");
      const started = await startAlertDaemons({
        scrapeTarget: new URL(sim.url).host,
        webhookUrl: `http://127.0.0.1:${appPort}/alertmanager`,
        token: amToken,
        speed: options.speed,
        // With several clusters, alerts carry the cluster as Prometheus' external label.
        ...(main ? { externalLabels: { cluster: main } } : {}),
      });
      daemons = started;
      stops.push(() => started.stop());
      alertSource = "prometheus";
    }
    const silences: Record<string, string> = daemons
      ? { ALERTMANAGER_URL: `http://127.0.0.1:${daemons.alertmanager.port}` }
      : {};

    // The worker checks every approval again, under the same policy.
    const approvers = DEMO_USERS.slice(0, 2)
      .map((u) => u.id)
      .join(",");
    const appConfig = loadAppConfig({
      SLACK_BOT_TOKEN: botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.url,
      ALERT_CHANNEL,
      ALERTMANAGER_TOKEN: amToken,
      REDIS_URL: redisUrl,
      // alice (on-call) and bob (SRE lead) approve; carol (a developer) may not.
      APPROVER_USER_IDS: approvers,
      ROOT_UPDATE_MIN_INTERVAL: "1s",
      ...silences,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: level,
      ...(names.length > 0 ? { CLUSTERS: names.join(","), WORKER_WATCH_INTERVAL: "1s" } : {}),
    });
    const appRedis = createRedis(redisUrl, { role: "producer", connectionName: "rdev-demo-app" });
    stops.push(() => appRedis.disconnect());
    await waitUntilReady(appRedis);
    const deps = buildAppDeps(appConfig, { redis: appRedis, logger: logger.child({ part: "app" }) });
    stops.push(() => deps.queues.close());
    const app = await startSlackApp(deps, { port: appPort, host: "127.0.0.1" });
    stops.push(() => app.stop());
    slack.setAppEventsUrl(`${app.url}/slack/events`);
    const thresholds = appConfig.runbook.thresholds;
    const watch = setInterval(() => {
      const event = podsEvent(
        sim.pods().map((p) => percentOf(p.memoryBytes, p.memoryLimitBytes)),
        thresholds,
      );
      if (event) pace(event);
    }, 100);
    watch.unref();
    stops.push(() => clearInterval(watch));

    const sampler = startPodSampler({ pods: () => sim.pods(), clock });
    stops.push(() => sampler.stop());
    const workerEnv = (name: string | null): Record<string, string> => ({
      REDIS_URL: redisUrl,
      SLACK_BOT_TOKEN: botToken,
      SLACK_API_URL: slack.url,
      WORKER_PORT: "0",
      WORKER_HOST: "127.0.0.1",
      CLUSTER_CLOCK_SPEED: String(options.speed),
      CLUSTER_CLOCK_EPOCH: String(epoch),
      // The app's value: both re-render incident roots from the store, through one gate.
      ROOT_UPDATE_MIN_INTERVAL: "1s",
      ...silences,
      APPROVER_USER_IDS: approvers,
      LOG_LEVEL: level,
      WORKER_HEARTBEAT_INTERVAL: "2s",
      ...clusterEnv(name),
      ...options.workerEnv,
    });
    const workerConfig = loadWorkerConfig(workerEnv(main));
    const worker = await startWorkerProcess(workerConfig, {
      cluster: createCluster(kubeConfigFromString(sim.kubeconfig()), { timeoutMs: 5000 }),
      clock,
      logger: logger.child({ part: "worker" }),
      memoryHistory: sampler.provider,
      onEvent: (event) => {
        if (event.type === "action_applied") pace("action_applied");
        options.onEvent?.(event);
      },
    });
    stops.push(async () => {
      await worker.stop(2000);
      worker.disconnect();
    });
    const clusters: DemoCluster[] = [];
    for (const name of names) {
      if (name === main) {
        clusters.push({ name, sim, kubeconfigPath, worker });
        continue;
      }
      say(`starting cluster ${name} (steady) and its worker...`);
      const other = await startSimulator({ port: 0, scenario: "steady", replicas: 3, clock, tickMs: 100 });
      stops.push(() => other.close());
      const path = join(tmpdir(), `rdev-demo-${process.pid}-${new URL(other.httpsUrl).port}.kubeconfig`);
      await other.writeKubeconfig(path);
      stops.push(() => rm(path, { force: true }));
      // Only its own cluster's kubeconfig, read by the worker itself (KUBECONFIG).
      const otherWorker = await startWorkerProcess(
        loadWorkerConfig({ ...workerEnv(name), KUBECONFIG: path }),
        {
          clock,
          logger: logger.child({ part: `worker-${name}` }),
        },
      );
      stops.push(async () => {
        await otherWorker.stop(2000);
        otherWorker.disconnect();
      });
      clusters.push({ name, sim: other, kubeconfigPath: path, worker: otherWorker });
    }
    clusters.sort((x, y) => x.name.localeCompare(y.name));
    const externalLabels = main ? { cluster: main } : undefined;
    const webhookUrl = `${app.url}/alertmanager`;
    if (!daemons && wanted !== "off") {
      const evaluator = startAlertEvaluator({
        // `for` in real time divided by the speed, as the real Prometheus runs it.
        rules: [HIGH_MEMORY_RULE, HIGH_MEMORY_CRITICAL_RULE].map((r) => ({
          ...r,
          forMs: r.forMs / options.speed,
        })),
        readings: () =>
          sim.pods().map((p) => ({ pod: p.name, bytes: p.memoryBytes, limitBytes: p.memoryLimitBytes })),
        now: () => Date.now(),
        url: webhookUrl,
        token: amToken,
        ...(externalLabels ? { externalLabels } : {}),
        onError: (error) => logger.warn({ err: error }, "demo alert evaluator: could not notify the app"),
      });
      stops.push(() => evaluator.stop());
      alertSource = "built-in";
    }

    return {
      pageUrl: slack.pageUrl,
      alertSource,
      alertChannel: ALERT_CHANNEL,
      sim,
      slack,
      app,
      worker,
      redisUrl,
      kubeconfigPath,
      clusters,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
