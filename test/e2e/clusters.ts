// Several simulated clusters side by side: one Kubernetes API simulator per cluster, one worker per
// cluster (in-process, given only its own cluster's kubeconfig file and CLUSTER), one Slack app
// serving them all (CLUSTERS), one redis-server and the fake Slack Web API. Alerts carry the
// cluster label the way Prometheus' external labels put it there.

import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AppConfig, loadAppConfig, loadWorkerConfig } from "@rdev/bot/config.ts";
import type { AlertmanagerWebhook } from "@rdev/bot/intake/alertmanager.ts";
import { createRedis, waitUntilReady } from "@rdev/bot/redis.ts";
import { buildAppDeps } from "@rdev/bot/slack/build-deps.ts";
import { type SlackAppHandle, startSlackApp } from "@rdev/bot/slack/create-app.ts";
import type { AppDeps } from "@rdev/bot/slack/deps.ts";
import type { WorkerEvent } from "@rdev/bot/worker/deps.ts";
import { startWorkerProcess, type WorkerProcess } from "@rdev/bot/worker/main.ts";
import { type Simulator, startSimulator } from "@rdev/kube-sim/index.ts";
import type { ScenarioName } from "@rdev/kube-sim/workload/types.ts";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { blockActions, signedInteraction, viewSubmission } from "../support/slack-sign.ts";
import { ALERT_CHANNEL, AM_TOKEN, APPROVER, SIGNING_SECRET, VariableClock } from "./stack.ts";

export type SimCluster = {
  name: string;
  sim: Simulator;
  kubeconfigPath: string;
  worker: WorkerProcess | null;
  events: WorkerEvent[];
};

export type ClustersStack = {
  clock: VariableClock;
  redis: TestRedis;
  slack: FakeSlack;
  app: { deps: AppDeps; handle: SlackAppHandle; redis: Redis; config: AppConfig };
  clusters: Map<string, SimCluster>;
  cluster(name: string): SimCluster;
  /** Starts (again) the worker of `name`: CLUSTER=name, KUBECONFIG=its own file, nothing else. */
  startWorker(name: string): Promise<WorkerProcess>;
  /** Stops the worker of `name` gracefully (its heartbeat goes at once). */
  stopWorker(name: string): Promise<void>;
  /** POSTs a notification: one firing alert per pod, labelled with `cluster` (omitted: no label). */
  alert(cluster: string | null, pods: string[]): Promise<Response>;
  click(
    message: { ts: string; thread_ts?: string; text: string; blocks?: unknown[] },
    button: { action_id: string; value: string },
  ): Promise<Response>;
  close(): Promise<void>;
};

const FIRING = JSON.parse(
  readFileSync(new URL("../fixtures/alertmanager/rdev-high-memory-firing.json", import.meta.url), "utf8"),
) as AlertmanagerWebhook;

export async function startClusters(options: {
  clusters: { name: string; scenario: ScenarioName }[];
  speed: number;
  appEnv?: Record<string, string>;
}): Promise<ClustersStack> {
  const clock = new VariableClock(options.speed);
  const dir = await mkdtemp(join(tmpdir(), "rdev-clusters-"));
  const [redis, slack] = await Promise.all([
    startRedis(),
    startFakeSlack({ channelMembers: { [ALERT_CHANNEL]: [APPROVER] } }),
  ]);
  const clusters = new Map<string, SimCluster>();
  for (const [i, c] of options.clusters.entries()) {
    const sim = await startSimulator({
      port: 0,
      scenario: c.scenario,
      replicas: 3,
      clock,
      tickMs: 20,
      seed: 1000 + i,
    });
    const kubeconfigPath = join(dir, `${c.name}.kubeconfig`);
    await sim.writeKubeconfig(kubeconfigPath);
    clusters.set(c.name, { name: c.name, sim, kubeconfigPath, worker: null, events: [] });
  }
  const config = loadAppConfig({
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    ALERT_CHANNEL,
    ALERTMANAGER_TOKEN: AM_TOKEN,
    REDIS_URL: redis.url,
    APPROVER_USER_IDS: APPROVER,
    ROOT_UPDATE_MIN_INTERVAL: "200ms",
    CLUSTERS: options.clusters.map((c) => c.name).join(","),
    WORKER_WATCH_INTERVAL: "200ms",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    ...options.appEnv,
  });
  const logger = pino({ level: "silent" });
  const appRedis = createRedis(redis.url, { role: "producer" });
  await waitUntilReady(appRedis);
  const deps = buildAppDeps(config, { redis: appRedis, logger });
  const handle = await startSlackApp(deps, { port: 0, host: "127.0.0.1" });

  const get = (name: string) => {
    const c = clusters.get(name);
    if (!c) throw new Error(`no cluster ${name}`);
    return c;
  };
  const startWorker = async (name: string) => {
    const c = get(name);
    // Only this cluster's credentials: its own kubeconfig file, read by the worker itself.
    const workerConfig = loadWorkerConfig({
      CLUSTER: name,
      KUBECONFIG: c.kubeconfigPath,
      REDIS_URL: redis.url,
      SLACK_BOT_TOKEN: slack.token,
      SLACK_API_URL: slack.url,
      WORKER_PORT: "0",
      WORKER_HOST: "127.0.0.1",
      WORKER_HEARTBEAT_INTERVAL: "200ms",
      CLUSTER_CLOCK_SPEED: String(options.speed),
      CLUSTER_CLOCK_EPOCH: String(Date.now()),
      ROOT_UPDATE_MIN_INTERVAL: "200ms",
      HEAP_GROWTH_HORIZON: "0s",
      APPROVER_USER_IDS: APPROVER,
      LOG_LEVEL: "silent",
    });
    c.worker = await startWorkerProcess(workerConfig, {
      clock,
      logger,
      onEvent: (e) => c.events.push(e),
    });
    return c.worker;
  };
  for (const name of clusters.keys()) await startWorker(name);

  return {
    clock,
    redis,
    slack,
    app: { deps, handle, redis: appRedis, config },
    clusters,
    cluster: get,
    startWorker,
    async stopWorker(name) {
      const c = get(name);
      await c.worker?.stop(1000);
      c.worker = null;
    },
    alert: (cluster, pods) => {
      const template = FIRING.alerts[0];
      if (!template) throw new Error("fixture has no alerts");
      const body: AlertmanagerWebhook = {
        ...FIRING,
        alerts: pods.map((pod) => ({
          ...template,
          labels: { ...template.labels, pod, ...(cluster ? { cluster } : {}) },
          startsAt: new Date(clock.now()).toISOString(),
          fingerprint: `fp-${cluster ?? "none"}-${pod}`,
        })),
      };
      return fetch(`${handle.url}/alertmanager`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${AM_TOKEN}` },
        body: JSON.stringify(body),
      });
    },
    click: async (message, button) => {
      const triggerId = slack.issueTriggerId();
      const responseUrl = slack.responseUrl();
      const payload = blockActions({
        actionId: button.action_id,
        value: button.value,
        user: { id: APPROVER },
        channelId: ALERT_CHANNEL,
        messageTs: message.ts,
        threadTs: message.thread_ts ?? null,
        responseUrl,
        triggerId,
      }) as { message: Record<string, unknown> };
      payload.message.blocks = message.blocks;
      payload.message.text = message.text;
      const res = await signedInteraction(`${handle.url}/slack/events`, SIGNING_SECRET, payload);
      for (let i = 0; i < 250; i++) {
        const opened = slack.callsTo("views.open").find((c) => c.args.trigger_id === triggerId);
        if (opened) {
          const view = opened.response?.view as { id: string; private_metadata: string; callback_id: string };
          if (view.callback_id === "rdev_approve_confirm") {
            const submit = viewSubmission({
              callbackId: view.callback_id,
              privateMetadata: view.private_metadata,
              values: {},
              user: { id: APPROVER },
              viewId: view.id,
            });
            await signedInteraction(`${handle.url}/slack/events`, SIGNING_SECRET, submit);
          }
          break;
        }
        if (slack.responses(responseUrl).length > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      return res;
    },
    async close() {
      for (const c of clusters.values()) {
        await c.worker?.stop(1000).catch(() => {});
        c.worker?.disconnect();
      }
      await handle.stop();
      await deps.queues.close();
      appRedis.disconnect();
      await Promise.all([...[...clusters.values()].map((c) => c.sim.close()), slack.close()]);
      await redis.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
