// Every setting from the environment, validated in one place. `loadConfig` throws one
// ConfigError listing every missing or malformed variable, never just the first.
import { z } from "zod";
import { ActionKind } from "./queue/jobs.ts";

const percent = (fallback: number) =>
  z.coerce
    .number()
    .gt(0, "must be greater than 0")
    .lte(100, "must be at most 100 (a percentage of the memory limit)")
    .default(fallback);

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Kubernetes quantity such as 512Mi, 1Gi, 1.5G or plain bytes. */
const memoryQuantity = z
  .string()
  .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/, "must be a memory quantity like 512Mi or 2Gi");

/** Duration such as 300ms, 30s, 5m, 2h or 1d. */
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, "must be a duration like 30s, 5m, 1h");

const labelSelector = z
  .string()
  .regex(
    /^[A-Za-z0-9./_-]+(=|==|!=)[A-Za-z0-9._-]*(,[A-Za-z0-9./_-]+(=|==|!=)[A-Za-z0-9._-]*)*$/,
    "must be a label selector like app=rdev-api",
  );

const dnsName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a lowercase DNS name like rdev-api");

/** The environment variables we read, with the rdev runbook's values as defaults. */
export const EnvSchema = z.object({
  // Target workload (runbook: namespace rdev, deployment rdev-api, pods app=rdev-api, port 8080).
  RDEV_NAMESPACE: dnsName.default("rdev"),
  RDEV_DEPLOYMENT: dnsName.default("rdev-api"),
  RDEV_SELECTOR: labelSelector.default("app=rdev-api"),
  RDEV_CONTAINER: dnsName.default("rdev-api"),
  RDEV_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  RDEV_READY_PATH: z.string().startsWith("/").default("/ready"),
  RDEV_METRICS_PATH: z.string().startsWith("/").default("/metrics"),
  RDEV_PPROF_PATH: z.string().startsWith("/").default("/debug/pprof/heap"),
  // Thresholds, as percent of the container memory limit.
  MEMORY_WARNING_PERCENT: percent(80),
  MEMORY_CRITICAL_PERCENT: percent(95),
  /** The highest memory limit the bot may propose or apply. */
  MEMORY_LIMIT_MAX: memoryQuantity.default("4Gi"),
  CACHE_TTL_ENV: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")
    .default("CACHE_TTL"),
  CACHE_TTL_PROPOSED: duration.default("15s"),
  OOM_LOOKBACK: duration.default("1h"),
  // Metric names on rdev-api's /metrics (configurable: a renamed metric must not break diagnosis).
  METRIC_SSE_CONNECTIONS: z.string().min(1).default("sse_connections_active"),
  METRIC_COMMANDS: z.string().min(1).default("commands_active"),
  METRIC_HEAP_INUSE: z.string().min(1).default("go_memstats_heap_inuse_bytes"),
  METRIC_GOROUTINES: z.string().min(1).default("go_goroutines"),
  METRIC_CACHE_SIZE: z.string().min(1).default("rdev_cache_entries"),
  METRIC_CACHE_BYTES: z.string().min(1).default("rdev_cache_bytes"),
  METRIC_OUTPUT_BUFFERED: z.string().min(1).default("rdev_command_output_buffered_bytes"),
  METRIC_HEAP_ALLOC: z.string().min(1).default("go_memstats_heap_alloc_bytes"),
  METRIC_RESIDENT_MEMORY: z.string().min(1).default("process_resident_memory_bytes"),
  // Diagnostics budget.
  DIAG_CONCURRENCY: positiveInt(24),
  DIAG_TIMEOUT_MS: positiveInt(5000),
  DIAG_MAX_PODS_PROBED: positiveInt(10),
  // Kubernetes access: KUBECONFIG file, or in-cluster ServiceAccount when unset.
  KUBECONFIG: z.string().min(1).optional(),
  /** How long a resolved incident's history (timeline, snapshots, index entry) is kept. */
  HISTORY_RETENTION: duration
    .default("90d")
    .refine((text) => (parseDuration(text) ?? 0) > 0, "must be longer than 0"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
});
export type Env = z.infer<typeof EnvSchema>;

export type Config = {
  target: {
    namespace: string;
    deployment: string;
    selector: string;
    container: string;
    port: number;
    readyPath: string;
    metricsPath: string;
    pprofPath: string;
  };
  thresholds: { warningPercent: number; criticalPercent: number };
  limits: { memoryLimitMaxBytes: number; memoryLimitMax: string };
  cache: { envName: string; proposedTtl: string };
  oomLookbackMs: number;
  metricNames: {
    sse: string;
    commands: string;
    heapInuse: string;
    goroutines: string;
    cacheSize: string;
    cacheBytes: string;
    outputBuffered: string;
    heapAlloc: string;
    residentMemory: string;
  };
  diagnostics: { concurrency: number; timeoutMs: number; maxPodsProbed: number };
  kubeconfig: string | undefined;
  logLevel: Env["LOG_LEVEL"];
  /** HISTORY_RETENTION: resolved incidents and diagnosis snapshots expire after this. */
  historyRetentionMs: number;
};

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.problems = problems;
  }
}

const UNIT: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** Parses a Kubernetes memory quantity ("512Mi", "1Gi", "1e3", "2G") into bytes; null if malformed. */
export function parseMemory(quantity: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity.trim());
  if (!m?.[1]) return null;
  return Math.round(Number(m[1]) * (UNIT[m[2] ?? ""] ?? 1));
}

const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "30s", "5m", "1h" into milliseconds; null if malformed. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m?.[1] || !m[2]) return null;
  return Number(m[1]) * (DURATION_MS[m[2]] ?? 0);
}

/** Reads and validates the environment. Empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = issue.path.join(".");
        const value = cleaned[key];
        return `${key}: ${issue.message}${value === undefined ? "" : ` (got ${JSON.stringify(value)})`}`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.MEMORY_CRITICAL_PERCENT <= e.MEMORY_WARNING_PERCENT) {
    problems.push(
      `MEMORY_CRITICAL_PERCENT: must be above MEMORY_WARNING_PERCENT (${e.MEMORY_CRITICAL_PERCENT} <= ${e.MEMORY_WARNING_PERCENT})`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    target: {
      namespace: e.RDEV_NAMESPACE,
      deployment: e.RDEV_DEPLOYMENT,
      selector: e.RDEV_SELECTOR,
      container: e.RDEV_CONTAINER,
      port: e.RDEV_PORT,
      readyPath: e.RDEV_READY_PATH,
      metricsPath: e.RDEV_METRICS_PATH,
      pprofPath: e.RDEV_PPROF_PATH,
    },
    thresholds: { warningPercent: e.MEMORY_WARNING_PERCENT, criticalPercent: e.MEMORY_CRITICAL_PERCENT },
    limits: { memoryLimitMax: e.MEMORY_LIMIT_MAX, memoryLimitMaxBytes: parseMemory(e.MEMORY_LIMIT_MAX) ?? 0 },
    cache: { envName: e.CACHE_TTL_ENV, proposedTtl: e.CACHE_TTL_PROPOSED },
    oomLookbackMs: parseDuration(e.OOM_LOOKBACK) ?? 3_600_000,
    metricNames: {
      sse: e.METRIC_SSE_CONNECTIONS,
      commands: e.METRIC_COMMANDS,
      heapInuse: e.METRIC_HEAP_INUSE,
      goroutines: e.METRIC_GOROUTINES,
      cacheSize: e.METRIC_CACHE_SIZE,
      cacheBytes: e.METRIC_CACHE_BYTES,
      outputBuffered: e.METRIC_OUTPUT_BUFFERED,
      heapAlloc: e.METRIC_HEAP_ALLOC,
      residentMemory: e.METRIC_RESIDENT_MEMORY,
    },
    diagnostics: {
      concurrency: e.DIAG_CONCURRENCY,
      timeoutMs: e.DIAG_TIMEOUT_MS,
      maxPodsProbed: e.DIAG_MAX_PODS_PROBED,
    },
    kubeconfig: e.KUBECONFIG,
    logLevel: e.LOG_LEVEL,
    historyRetentionMs: parseDuration(e.HISTORY_RETENTION) ?? 90 * 86_400_000,
  };
}

// --- The Slack app's settings (src/app.ts). loadAppConfig validates these together with the
// runbook settings above and reports every problem of both in one ConfigError.

const slackId = (prefix: string, example: string) =>
  z.string().regex(new RegExp(`^[${prefix}][A-Z0-9]{2,}$`), `must be a Slack id like ${example}`);

const idList = (prefix: string, example: string) =>
  z
    .string()
    .default("")
    .transform((text) =>
      text
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .pipe(z.array(slackId(prefix, example)));

const booleanFlag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true" || v === "1" || v === "yes");

export const AppEnvSchema = z.object({
  SLACK_MODE: z.enum(["http", "socket"]).default("http"),
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, "must be a bot token (xoxb-...)"),
  SLACK_SIGNING_SECRET: z.string().min(8, "must be the app's signing secret").optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, "must be an app-level token (xapp-...)")
    .optional(),
  SLACK_API_URL: z
    .url({ error: "must be a URL like https://slack.com/api/" })
    .transform((u) => (u.endsWith("/") ? u : `${u}/`))
    .optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface the HTTP server binds to. */
  HOST: z.string().min(1).default("0.0.0.0"),
  ALERT_CHANNEL: slackId("CG", "C0123ABCD"),
  ALERTMANAGER_TOKEN: z.string().min(16, "must be at least 16 characters (a shared bearer secret)"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must look like redis://host:6379"),
  APPROVER_USER_IDS: idList("UW", "U0123ABCD"),
  APPROVER_GROUP_IDS: idList("S", "S0123ABCD"),
  APPROVE_ANYONE: booleanFlag(false),
  FOUR_EYES_ACTIONS: z
    .string()
    .default("rolling-restart,raise-memory-limit,set-cache-ttl")
    .transform((text) => text.split(/[\s,]+/).filter((s) => s.length > 0))
    .pipe(z.array(ActionKind)),
  PROPOSAL_TTL: duration.default("30m"),
  WATCH_CHANNELS: idList("CG", "C0123ABCD"),
  ROOT_UPDATE_MIN_INTERVAL: duration.default("10s"),
});
export type AppEnv = z.infer<typeof AppEnvSchema>;

export type AppConfig = {
  runbook: Config;
  slack: {
    mode: "http" | "socket";
    botToken: string;
    signingSecret: string | null;
    appToken: string | null;
    apiUrl: string | null;
  };
  http: { port: number; host: string };
  alertChannel: string;
  alertmanagerToken: string;
  redisUrl: string;
  approval: {
    approverUserIds: string[];
    approverGroupIds: string[];
    anyoneMayApprove: boolean;
    fourEyesActions: ActionKind[];
  };
  proposalTtlMs: number;
  watchChannels: string[];
  rootUpdateMinIntervalMs: number;
};

function issuesToProblems(issues: readonly z.core.$ZodIssue[], cleaned: Record<string, string | undefined>) {
  return issues.map((issue) => {
    const key = String(issue.path[0] ?? "");
    const value = cleaned[key];
    const secret = /TOKEN|SECRET/.test(key);
    const shown = value === undefined ? "" : secret ? " (value hidden)" : ` (got ${JSON.stringify(value)})`;
    const message = value === undefined && issue.code === "invalid_type" ? "is required" : issue.message;
    return `${key}: ${message}${shown}`;
  });
}

/** Runbook + Slack + Redis settings for the app; one ConfigError lists every problem. */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  let runbook: Config | null = null;
  try {
    runbook = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = AppEnvSchema.safeParse(cleaned);
  if (!parsed.success) problems.push(...issuesToProblems(parsed.error.issues, cleaned));
  const e = parsed.data;
  // Checked on the raw values, so they are reported even when other variables are malformed.
  const socket = cleaned.SLACK_MODE === "socket";
  if (!socket && !cleaned.SLACK_SIGNING_SECRET)
    problems.push("SLACK_SIGNING_SECRET: is required in http mode (Basic Information > App Credentials)");
  if (socket && !cleaned.SLACK_APP_TOKEN)
    problems.push("SLACK_APP_TOKEN: is required in socket mode (an xapp- token with connections:write)");
  if (problems.length > 0 || !e || !runbook) throw new ConfigError(problems);
  return {
    runbook,
    slack: {
      mode: e.SLACK_MODE,
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET ?? null,
      appToken: e.SLACK_APP_TOKEN ?? null,
      apiUrl: e.SLACK_API_URL ?? null,
    },
    http: { port: e.PORT, host: e.HOST },
    alertChannel: e.ALERT_CHANNEL,
    alertmanagerToken: e.ALERTMANAGER_TOKEN,
    redisUrl: e.REDIS_URL,
    approval: {
      approverUserIds: e.APPROVER_USER_IDS,
      approverGroupIds: e.APPROVER_GROUP_IDS,
      anyoneMayApprove: e.APPROVE_ANYONE,
      fourEyesActions: e.FOUR_EYES_ACTIONS,
    },
    proposalTtlMs: parseDuration(e.PROPOSAL_TTL) ?? 1_800_000,
    watchChannels: e.WATCH_CHANNELS,
    rootUpdateMinIntervalMs: parseDuration(e.ROOT_UPDATE_MIN_INTERVAL) ?? 10_000,
  };
}

// --- The worker's settings (src/worker.ts). loadWorkerConfig validates these together with the
// runbook settings above and reports every problem of both in one ConfigError. Durations are
// cluster time: against a simulator running CLUSTER_CLOCK_SPEED times faster, the worker waits
// window / speed real milliseconds.

const positiveDuration = (fallback: string) =>
  // Malformed values are reported by the duration pattern alone, not twice.
  duration.default(fallback).refine((text) => (parseDuration(text) ?? 1) > 0, "must be longer than 0");

export const WorkerEnvSchema = z.object({
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must look like redis://host:6379"),
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, "must be a bot token (xoxb-...)"),
  SLACK_API_URL: z
    .url({ error: "must be a URL like https://slack.com/api/" })
    .transform((u) => (u.endsWith("/") ? u : `${u}/`))
    .optional(),
  /** Port of /healthz and /metrics (0: a free port, printed at start). */
  WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(9091),
  WORKER_HOST: z.string().min(1).default("0.0.0.0"),
  /** Jobs processed at once per queue. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  /** How long after an action verification starts (memory settles, caches refill). */
  STABILISATION_WINDOW: positiveDuration("5m"),
  VERIFY_SAMPLES: z.coerce
    .number()
    .int()
    .min(2, "must be at least 2 (a trend needs two points)")
    .max(20)
    .default(3),
  VERIFY_SAMPLE_INTERVAL: positiveDuration("30s"),
  /** How long a rollout may take before the action is reported as stuck. */
  ROLLOUT_DEADLINE: positiveDuration("10m"),
  ROLLOUT_POLL_INTERVAL: positiveDuration("5s"),
  /** restart-pod deletes the pod (still UID-checked) when the Eviction API is forbidden or missing. */
  ALLOW_DELETE_FALLBACK: booleanFlag(false),
  PROPOSAL_TTL: duration.default("30m"),
  /** A job whose worker stops renewing its lock for this long is taken over by another worker. */
  WORKER_LOCK_DURATION: positiveDuration("30s"),
  WORKER_STALLED_INTERVAL: positiveDuration("30s"),
  /** On SIGTERM, how long in-flight jobs may take to finish before the worker stops anyway. */
  WORKER_SHUTDOWN_GRACE: positiveDuration("25s"),
  /** Simulated clusters only: how much faster than real time the cluster's clock runs. */
  CLUSTER_CLOCK_SPEED: z.coerce.number().positive().default(1),
  /** Simulated clusters only: the real time (ms since the epoch) at which cluster time was real time. */
  CLUSTER_CLOCK_EPOCH: z.coerce.number().int().nonnegative().optional(),
  /** Prometheus' base URL for the diagnosis' memory chart (query_range); unset: the last diagnoses. */
  PROMETHEUS_URL: z.url({ error: "must be a URL like http://prometheus-k8s.monitoring.svc:9090" }).optional(),
});
export type WorkerEnv = z.infer<typeof WorkerEnvSchema>;

export type WorkerConfig = {
  runbook: Config;
  redisUrl: string;
  slack: { botToken: string; apiUrl: string | null };
  http: { port: number; host: string };
  concurrency: number;
  stabilisationWindowMs: number;
  verifySamples: number;
  verifySampleIntervalMs: number;
  rolloutDeadlineMs: number;
  rolloutPollIntervalMs: number;
  allowDeleteFallback: boolean;
  proposalTtlMs: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  shutdownGraceMs: number;
  clusterClock: { speed: number; epochMs: number | null };
  /** PROMETHEUS_URL, for the diagnosis' memory chart; null: charted from the last diagnoses. */
  prometheusUrl: string | null;
};

/** Runbook + Redis + Slack + worker settings; one ConfigError lists every problem. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const problems: string[] = [];
  let runbook: Config | null = null;
  try {
    runbook = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = WorkerEnvSchema.safeParse(cleaned);
  if (!parsed.success) problems.push(...issuesToProblems(parsed.error.issues, cleaned));
  const e = parsed.data;
  if (e && e.CLUSTER_CLOCK_SPEED !== 1 && e.CLUSTER_CLOCK_EPOCH === undefined)
    problems.push(
      "CLUSTER_CLOCK_EPOCH: is required when CLUSTER_CLOCK_SPEED is not 1 (the simulator's start, ms since the epoch)",
    );
  if (problems.length > 0 || !e || !runbook) throw new ConfigError(problems);
  const ms = (text: string) => parseDuration(text) ?? 0;
  return {
    runbook,
    redisUrl: e.REDIS_URL,
    slack: { botToken: e.SLACK_BOT_TOKEN, apiUrl: e.SLACK_API_URL ?? null },
    http: { port: e.WORKER_PORT, host: e.WORKER_HOST },
    concurrency: e.WORKER_CONCURRENCY,
    stabilisationWindowMs: ms(e.STABILISATION_WINDOW),
    verifySamples: e.VERIFY_SAMPLES,
    verifySampleIntervalMs: ms(e.VERIFY_SAMPLE_INTERVAL),
    rolloutDeadlineMs: ms(e.ROLLOUT_DEADLINE),
    rolloutPollIntervalMs: ms(e.ROLLOUT_POLL_INTERVAL),
    allowDeleteFallback: e.ALLOW_DELETE_FALLBACK,
    proposalTtlMs: ms(e.PROPOSAL_TTL),
    lockDurationMs: ms(e.WORKER_LOCK_DURATION),
    stalledIntervalMs: ms(e.WORKER_STALLED_INTERVAL),
    shutdownGraceMs: ms(e.WORKER_SHUTDOWN_GRACE),
    clusterClock: { speed: e.CLUSTER_CLOCK_SPEED, epochMs: e.CLUSTER_CLOCK_EPOCH ?? null },
    prometheusUrl: e.PROMETHEUS_URL ?? null,
  };
}
