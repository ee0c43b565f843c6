// Every setting from the environment, validated in one place per process. Each loader throws one
// ConfigError listing every missing or malformed variable, never just the first:
//   loadConfig        the runbook's settings (target, thresholds, metric names): every process and the CLI
//   loadAppConfig     + Slack, Redis and approvals: the Slack app
//   loadWorkerConfig  + Redis, Slack and queue/verification timing: the worker
export * from "./config/app.ts";
export * from "./config/redis.ts";
export * from "./config/runbook.ts";
export * from "./config/shared.ts";
export * from "./config/worker.ts";
