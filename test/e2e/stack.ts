// The whole bot on loopback: the Slack app (its exported start function, real HTTP receiver),
// the worker, a private redis-server, the fake Slack Web API and the Kubernetes API simulator on a
// clock whose speed the test changes (minutes of leak in seconds, then slow enough to act before
// the OOM killer does).
import { readFileSync } from "node:fs";
import type { Clock } from "@rdev/bot/clock.ts";
import { type AppConfig, loadAppConfig, loadWorkerConfig } from "@rdev/bot/config.ts";
import type { AlertmanagerWebhook } from "@rdev/bot/intake/alertmanager.ts";
import { createCluster } from "@rdev/bot/k8s/client.ts";
import { kubeConfigFromString } from "@rdev/bot/k8s/kubeconfig.ts";
import { createRedis, waitUntilReady } from "@rdev/bot/redis.ts";
import { buildAppDeps } from "@rdev/bot/slack/build-deps.ts";
import { type SlackAppHandle, startSlackApp } from "@rdev/bot/slack/create-app.ts";
import type { AppDeps } from "@rdev/bot/slack/deps.ts";
import type { WorkerEvent } from "@rdev/bot/worker/deps.ts";
import { startWorkerProcess, type WorkerProcess } from "@rdev/bot/worker/main.ts";
import { type Simulator, startSimulator } from "@rdev/kube-sim/index.ts";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { blockActions, signedInteraction, viewSubmission } from "../support/slack-sign.ts";

export const SIGNING_SECRET = "e2e-signing-secret-0123456789";
export const AM_TOKEN = "e2e-alertmanager-token-0123";
export const ALERT_CHANNEL = "C0E2EALERT";
export const APPROVER = "U0E2EONCAL";

/** Real time at a speed the test can change; never goes backwards. */
export class VariableClock implements Clock {
  #baseReal = Date.now();
  #baseSim = Date.now();
  #speed: number;
  constructor(speed: number) {
    this.#speed = speed;
  }
  now(): number {
    return Math.round(this.#baseSim + (Date.now() - this.#baseReal) * this.#speed);
  }
  setSpeed(speed: number): void {
    this.#baseSim = this.now();
    this.#baseReal = Date.now();
    this.#speed = speed;
  }
}

export type Stack = {
  clock: VariableClock;
  redis: TestRedis;
  sim: Simulator;
  slack: FakeSlack;
  app: { deps: AppDeps; handle: SlackAppHandle; redis: Redis; config: AppConfig };
  worker: WorkerProcess;
  events: WorkerEvent[];
  /** POSTs an Alertmanager notification to the app: one firing alert per pod. */
  alert(pods: string[]): Promise<Response>;
  /**
   * Clicks a button of a message as `user`, signed like Slack signs block_actions, and approves
   * in the confirmation the app opens (if it opens one): the click's response.
   */
  click(
    message: { ts: string; thread_ts?: string; text: string; blocks?: unknown[] },
    button: { action_id: string; value: string },
    user?: string,
    /** Submit the value dialog (memory limit, TTL) too, with this value; default: leave it open. */
    options?: { value?: string },
  ): Promise<Response>;
  close(): Promise<void>;
};

const FIRING = JSON.parse(
  readFileSync(new URL("../fixtures/alertmanager/rdev-high-memory-firing.json", import.meta.url), "utf8"),
) as AlertmanagerWebhook;

export async function startStack(options: {
  scenario: "sse-leak" | "steady" | "bad-rollout";
  speed: number;
  env?: Record<string, string>;
  /** Extra settings of the app (the worker's are `env`). */
  appEnv?: Record<string, string>;
}): Promise<Stack> {
  const clock = new VariableClock(options.speed);
  const [redis, sim, slack] = await Promise.all([
    startRedis(),
    startSimulator({ port: 0, scenario: options.scenario, replicas: 3, clock, tickMs: 20 }),
    // The on-call people are in the alert channel (reading incidents needs membership).
    startFakeSlack({ channelMembers: { [ALERT_CHANNEL]: [APPROVER, "U0E2ESTRNG"] } }),
  ]);
  const config = loadAppConfig({
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    ALERT_CHANNEL,
    ALERTMANAGER_TOKEN: AM_TOKEN,
    REDIS_URL: redis.url,
    APPROVER_USER_IDS: APPROVER,
    ROOT_UPDATE_MIN_INTERVAL: "200ms",
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

  const workerConfig = loadWorkerConfig({
    REDIS_URL: redis.url,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_API_URL: slack.url,
    WORKER_PORT: "0",
    WORKER_HOST: "127.0.0.1",
    // Delays are computed for the fast speed; the clock itself is shared with the simulator.
    CLUSTER_CLOCK_SPEED: String(options.speed),
    CLUSTER_CLOCK_EPOCH: String(Date.now()),
    ROOT_UPDATE_MIN_INTERVAL: "200ms",
    // Heap-growth captures add thread messages; their own test turns them on.
    HEAP_GROWTH_HORIZON: "0s",
    APPROVER_USER_IDS: APPROVER,
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const events: WorkerEvent[] = [];
  const cluster = createCluster(kubeConfigFromString(sim.kubeconfig()), { timeoutMs: 5000 });
  const worker = await startWorkerProcess(workerConfig, {
    cluster,
    clock,
    logger,
    onEvent: (e) => events.push(e),
  });

  return {
    clock,
    redis,
    sim,
    slack,
    app: { deps, handle, redis: appRedis, config },
    worker,
    events,
    alert: (pods) => {
      const template = FIRING.alerts[0];
      if (!template) throw new Error("fixture has no alerts");
      const body: AlertmanagerWebhook = {
        ...FIRING,
        alerts: pods.map((pod) => ({
          ...template,
          labels: { ...template.labels, pod },
          startsAt: new Date(clock.now()).toISOString(),
          fingerprint: `fp-${pod}`,
        })),
      };
      return fetch(`${handle.url}/alertmanager`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${AM_TOKEN}` },
        body: JSON.stringify(body),
      });
    },
    click: async (message, button, user = APPROVER, clickOptions = {}) => {
      const triggerId = slack.issueTriggerId();
      const responseUrl = slack.responseUrl();
      const payload = blockActions({
        actionId: button.action_id,
        value: button.value,
        user: { id: user },
        channelId: ALERT_CHANNEL,
        messageTs: message.ts,
        threadTs: message.thread_ts ?? null,
        responseUrl,
        triggerId,
      }) as { message: Record<string, unknown> };
      payload.message.blocks = message.blocks;
      payload.message.text = message.text;
      const res = await signedInteraction(`${handle.url}/slack/events`, SIGNING_SECRET, payload);
      // The app's confirmation (restart-pod, rolling-restart), or a private answer instead.
      for (let i = 0; i < 250; i++) {
        const opened = slack.callsTo("views.open").find((c) => c.args.trigger_id === triggerId);
        if (opened) {
          const view = opened.response?.view as { id: string; private_metadata: string; callback_id: string };
          if (view.callback_id === "rdev_approve_confirm") {
            const submit = viewSubmission({
              callbackId: view.callback_id,
              privateMetadata: view.private_metadata,
              values: {},
              user: { id: user },
              viewId: view.id,
            });
            await signedInteraction(`${handle.url}/slack/events`, SIGNING_SECRET, submit);
          }
          if (view.callback_id === "rdev_approve_params" && clickOptions.value !== undefined) {
            const submit = viewSubmission({
              callbackId: view.callback_id,
              privateMetadata: view.private_metadata,
              values: { value: { value: { type: "plain_text_input", value: clickOptions.value } } },
              user: { id: user },
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
      await worker.stop(1000).catch(() => {});
      worker.disconnect();
      await handle.stop();
      await deps.queues.close();
      appRedis.disconnect();
      await Promise.all([sim.close(), slack.close()]);
      await redis.stop();
    },
  };
}
