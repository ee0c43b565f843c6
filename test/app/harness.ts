// Runs the real Slack app (Bolt's HTTPReceiver on 127.0.0.1:0) against the fake Slack Web API and
// a private Redis, as Slack and Alertmanager would talk to it. Each harness has its own key
// prefixes, so tests in one file share one redis-server without seeing each other's data.
import { randomUUID } from "node:crypto";
import { type AppConfig, loadAppConfig } from "@rdev/bot/config.ts";
import { createLogger } from "@rdev/bot/logger.ts";
import { QUEUES } from "@rdev/bot/queue/jobs.ts";
import { createRedis, waitUntilReady } from "@rdev/bot/redis.ts";
import { buildAppDeps } from "@rdev/bot/slack/build-deps.ts";
import { type SlackAppHandle, startSlackApp } from "@rdev/bot/slack/create-app.ts";
import type { AppDeps } from "@rdev/bot/slack/deps.ts";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from "../support/fake-slack.ts";
import type { TestRedis } from "../support/redis.ts";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const AM_TOKEN = "am-token-0123456789abcdef";
export const ALERT_CHANNEL = "C0RDEVALRT";
export const OPS_CHANNEL = "C0RDEVOPS1";
export const APPROVER = "U0LEAD0001";
export const APPROVER_2 = "U0LEAD0002";
export const ONCALL_GROUP = "S0ONCALL01";
export const ONCALL_MEMBER = "U0ONCALL01";
export const STRANGER = "U0STRANGR1";
/** Who is in ALERT_CHANNEL (conversations.members): everyone above but STRANGER, and a developer. */
export const ALERT_CHANNEL_MEMBERS = [APPROVER, APPROVER_2, ONCALL_MEMBER, "U0DEVANNA1", "U0RDEVBOT1"];

/** Real time plus an offset tests can move forward (proposal expiry). */
export class SkewClock {
  offsetMs = 0;
  now = (): number => Date.now() + this.offsetMs;
}

export type Instance = { deps: AppDeps; handle: SlackAppHandle; redis: Redis; url: string };

export type Harness = {
  fake: FakeSlack;
  config: AppConfig;
  clock: SkewClock;
  prefix: string;
  bullPrefix: string;
  instances: Instance[];
  /** Starts one more app replica sharing this harness' Redis keys. */
  startInstance(): Promise<Instance>;
  /** A queue handle for assertions on enqueued jobs. */
  queue(name: keyof typeof QUEUES): Queue;
  stop(): Promise<void>;
};

export async function startHarness(
  redisServer: TestRedis,
  options: { env?: Record<string, string>; fake?: FakeSlackOptions; replicas?: number } = {},
): Promise<Harness> {
  const fake = await startFakeSlack({
    userGroups: { [ONCALL_GROUP]: [ONCALL_MEMBER] },
    // The alert channel's members may read incidents; STRANGER is not one of them.
    channelMembers: { [ALERT_CHANNEL]: ALERT_CHANNEL_MEMBERS },
    ...options.fake,
  });
  const config = loadAppConfig({
    SLACK_BOT_TOKEN: fake.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    ALERT_CHANNEL,
    ALERTMANAGER_TOKEN: AM_TOKEN,
    REDIS_URL: redisServer.url,
    APPROVER_USER_IDS: `${APPROVER},${APPROVER_2}`,
    APPROVER_GROUP_IDS: ONCALL_GROUP,
    ROOT_UPDATE_MIN_INTERVAL: "200ms",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ...options.env,
  });
  const clock = new SkewClock();
  const tag = randomUUID().slice(0, 8);
  const prefix = `t${tag}`;
  const bullPrefix = `b${tag}`;
  const logger = createLogger(config.runbook.logLevel, "test-app");
  const instances: Instance[] = [];
  const queues: Queue[] = [];
  const admin = createRedis(redisServer.url, { role: "producer" });
  await waitUntilReady(admin);

  const startInstance = async (): Promise<Instance> => {
    const redis = createRedis(redisServer.url, { role: "producer" });
    await waitUntilReady(redis);
    const deps = buildAppDeps(config, { redis, logger, prefix, bullPrefix, now: clock.now });
    const handle = await startSlackApp(deps, { port: 0, host: "127.0.0.1" });
    const instance = { deps, handle, redis, url: handle.url };
    instances.push(instance);
    return instance;
  };
  for (let i = 0; i < (options.replicas ?? 1); i++) await startInstance();

  return {
    fake,
    config,
    clock,
    prefix,
    bullPrefix,
    instances,
    startInstance,
    queue(name) {
      const q = new Queue(QUEUES[name], { connection: admin, prefix: bullPrefix });
      queues.push(q);
      return q;
    },
    async stop() {
      for (const i of instances) {
        await i.handle.stop();
        await i.deps.queues.close();
        i.redis.disconnect();
      }
      await Promise.all(queues.map((q) => q.close()));
      admin.disconnect();
      await fake.close();
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false (no fixed sleeps in assertions). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5000,
): Promise<Exclude<T, false | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false)
      return value as Exclude<T, false | null | undefined>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
