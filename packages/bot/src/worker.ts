// The worker process: `npm run worker` (node dist/worker.js in the image). It holds the cluster
// credentials and does everything that touches the cluster, driven by the BullMQ queues on Redis.
// SIGTERM/SIGINT: stop taking jobs, let in-flight ones finish (WORKER_SHUTDOWN_GRACE), then exit.
import { ConfigError, describeRedisTarget, loadWorkerConfig } from "./config.ts";
import { startWorkerProcess } from "./worker/main.ts";

let config: ReturnType<typeof loadWorkerConfig>;
try {
  config = loadWorkerConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}

const worker = await startWorkerProcess(config);
const log = worker.deps.logger;
log.info(
  { port: worker.server.port, concurrency: config.concurrency, redis: describeRedisTarget(config.redis) },
  "worker started",
);
// Machine-readable for tests and scripts that start the worker on port 0.
console.log(JSON.stringify({ event: "listening", port: worker.server.port }));

let signals = 0;
const shutdown = (signal: NodeJS.Signals) => {
  signals += 1;
  if (signals > 1) {
    log.warn({ signal }, "second signal: exiting now; in-flight jobs are recovered by another worker");
    process.exit(1);
  }
  log.info(
    { signal, graceMs: config.shutdownGraceMs },
    "shutting down: no new jobs, finishing in-flight ones",
  );
  worker.stop().then(
    ({ interrupted }) => {
      log.info({ interrupted }, "worker stopped");
      process.exit(0);
    },
    (error: unknown) => {
      log.error({ err: error }, "shutdown failed");
      process.exit(1);
    },
  );
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
