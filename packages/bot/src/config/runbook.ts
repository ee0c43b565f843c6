// The runbook's settings: the target workload, thresholds, metric names and diagnostics budget,
// with the rdev values from the runbook as defaults. Used by every process and the CLI.
import { z } from "zod";
import type { RunbookSettings } from "../runbooks/high-memory/index.ts";
import {
  ConfigError,
  cleanEnv,
  dnsName,
  duration,
  goDuration,
  issuesToProblems,
  labelSelector,
  memoryQuantity,
  parseDuration,
  parseMemory,
  percent,
  positiveInt,
} from "./shared.ts";

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
  CACHE_TTL_PROPOSED: goDuration.default("15s"),
  OOM_LOOKBACK: duration.default("1h"),
  /**
   * Restart budget "N/window": past N restarts of the workload in the window (the bot's restarts and
   * the kubelet's, OOM kills included), restarts stop being offered: they are hiding a leak.
   */
  RESTART_BUDGET: z
    .string()
    .default("3/6h")
    .refine(
      (t) => /^\d{1,3}\/\S+$/.test(t) && (parseDuration(t.split("/")[1] ?? "") ?? 0) > 0,
      "must look like 3/6h (restarts / window)",
    ),
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
  // Log evidence (pods/log): how many of the worst pods, how far back, and the read's bounds.
  DIAG_LOG_PODS: z.coerce.number().int().min(0).max(20).default(2),
  DIAG_LOG_WINDOW: duration
    .default("15m")
    .refine((t) => (parseDuration(t) ?? 0) >= 1000, "must be at least 1s"),
  DIAG_LOG_TAIL_LINES: positiveInt(20000),
  DIAG_LOG_LIMIT_BYTES: memoryQuantity
    .default("4Mi")
    .refine((q) => (parseMemory(q) ?? 0) >= 1024, "must be at least 1Ki"),
  DIAG_LOG_PREVIOUS_LINES: positiveInt(20),
  /** Read the Traefik routes (Ingress, IngressRoute, ServersTransport) in front of the workload. */
  DIAG_TRAEFIK: z.enum(["true", "false"]).default("true"),
  // Kubernetes access: KUBECONFIG file, or in-cluster ServiceAccount when unset.
  KUBECONFIG: z.string().min(1).optional(),
  /**
   * Alertmanager's base URL: the Silence control on incident roots creates silences through its v2
   * API (the app calls it; the worker only renders the control). Unset: no Silence control.
   */
  ALERTMANAGER_URL: z
    .url({ error: "must be a URL like http://alertmanager-main.monitoring.svc:9093" })
    .optional(),
  /**
   * Dashboard link on every incident root: an http(s) URL with {namespace}, {deployment}, {pod},
   * {from} and {to} (ms since the epoch, Grafana's form) filled in and URI-encoded.
   */
  DASHBOARD_URL: z
    .string()
    .regex(
      /^https?:\/\/[^\s<>|]+$/,
      "must be an http(s) URL like https://grafana.example.com/d/rdev?var-namespace={namespace}",
    )
    .optional(),
  /** How long a resolved incident's history (timeline, snapshots, index entry) is kept. */
  HISTORY_RETENTION: duration
    .default("90d")
    .refine((text) => (parseDuration(text) ?? 0) > 0, "must be longer than 0"),
  /** The runbook's page, linked from incident threads and postmortems (never the alert's runbook_url). */
  RUNBOOK_URL: z
    .url({ protocol: /^https$/, error: "must be an https:// URL of the runbook" })
    .refine((u) => /^https:\/\/[^\s<>|]+$/.test(u), "must be a plain https:// URL without spaces, <, > or |")
    .optional(),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
});
export type Env = z.infer<typeof EnvSchema>;

/** The runbook's settings (runbooks/high-memory: what it reads) and the process's own. */
export type Config = RunbookSettings & {
  kubeconfig: string | undefined;
  /** ALERTMANAGER_URL without a trailing slash; null: silences are not offered. */
  alertmanagerUrl: string | null;
  /** DASHBOARD_URL: the incident's dashboard link template; null: no link. */
  dashboardUrl: string | null;
  /** RUNBOOK_URL: the runbook link in threads and postmortems; null: none. */
  runbookUrl: string | null;
  logLevel: Env["LOG_LEVEL"];
  /** HISTORY_RETENTION: resolved incidents and diagnosis snapshots expire after this. */
  historyRetentionMs: number;
};

/** Reads and validates the environment. Empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = cleanEnv(env);
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) throw new ConfigError(issuesToProblems(parsed.error.issues, cleaned));
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
      logs: {
        pods: e.DIAG_LOG_PODS,
        windowMs: parseDuration(e.DIAG_LOG_WINDOW) ?? 900_000,
        tailLines: e.DIAG_LOG_TAIL_LINES,
        limitBytes: parseMemory(e.DIAG_LOG_LIMIT_BYTES) ?? 4 * 1024 * 1024,
        previousLines: e.DIAG_LOG_PREVIOUS_LINES,
      },
      traefik: e.DIAG_TRAEFIK === "true",
    },
    kubeconfig: e.KUBECONFIG,
    dashboardUrl: e.DASHBOARD_URL ?? null,
    restartBudget: {
      max: Number(e.RESTART_BUDGET.split("/")[0]),
      windowMs: parseDuration(e.RESTART_BUDGET.split("/")[1] ?? "") ?? 6 * 3_600_000,
    },
    runbookUrl: e.RUNBOOK_URL ?? null,
    alertmanagerUrl: e.ALERTMANAGER_URL ? e.ALERTMANAGER_URL.replace(/\/+$/, "") : null,
    logLevel: e.LOG_LEVEL,
    historyRetentionMs: parseDuration(e.HISTORY_RETENTION) ?? 90 * 86_400_000,
  };
}

/**
 * Validates `schema` together with the runbook settings and reports every problem of both in one
 * ConfigError. `check` adds cross-field problems computed from the raw (cleaned) environment.
 */
export function parseWith<S extends z.ZodType>(
  env: NodeJS.ProcessEnv,
  schema: S,
  check: (cleaned: Record<string, string>, parsed: z.infer<S> | undefined) => string[] = () => [],
): { runbook: Config; e: z.infer<S>; cleaned: Record<string, string> } {
  const problems: string[] = [];
  let runbook: Config | null = null;
  try {
    runbook = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const cleaned = cleanEnv(env);
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) problems.push(...issuesToProblems(parsed.error.issues, cleaned));
  problems.push(...check(cleaned, parsed.success ? parsed.data : undefined));
  if (problems.length > 0 || !parsed.success || !runbook) throw new ConfigError(problems);
  return { runbook, e: parsed.data, cleaned };
}
