// Entry point of the Slack app process: configuration, Redis, stores, queues, Bolt. Thin; the
// app never touches the cluster (the worker does).
import { ConfigError, describeRedisTarget, loadAppConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { createRedis, waitUntilReady } from "./redis.ts";
import { buildAppDeps } from "./slack/build-deps.ts";
import { startSlackApp } from "./slack/create-app.ts";

let config: ReturnType<typeof loadAppConfig>;
try {
  config = loadAppConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
const logger = createLogger(config.runbook.logLevel, "rdev-chatops-app");
const redis = createRedis(config.redis, { role: "producer", connectionName: "rdev-app" });
await waitUntilReady(redis);
const deps = buildAppDeps(config, { redis, logger });
const handle = await startSlackApp(deps);
logger.info({ redis: describeRedisTarget(config.redis) }, "app started");

const shutdown = async (signal: string) => {
  logger.info({ signal }, "shutting down");
  await handle.stop();
  await deps.queues.close();
  redis.disconnect();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
