// Every setting from the environment, validated in one place. `loadConfig` throws one
// ConfigError listing every missing or malformed variable, never just the first.
import { z } from "zod";

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
  DIAG_CONCURRENCY: positiveInt(8),
  DIAG_TIMEOUT_MS: positiveInt(5000),
  DIAG_MAX_PODS_PROBED: positiveInt(10),
  // Kubernetes access: KUBECONFIG file, or in-cluster ServiceAccount when unset.
  KUBECONFIG: z.string().min(1).optional(),
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
  };
}
