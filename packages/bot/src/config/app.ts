// The Slack app's settings (packages/bot/src/app.ts), validated together with the runbook settings.
import { z } from "zod";
import { ClusterName, DEFAULT_CLUSTER } from "../clusters/names.ts";
import type { ApprovalPolicy } from "./approval.ts";
import { ApprovalEnvShape, approvalSettings, idList } from "./approval.ts";
import { LIMITS_ENV, type Limits, limitsFrom } from "./limits.ts";
import {
  type Durability,
  RedisEnvShape,
  type RedisTarget,
  redisDurability,
  redisProblems,
  redisTarget,
} from "./redis.ts";
import { type Config, parseWith } from "./runbook.ts";
import { duration, parseDuration } from "./shared.ts";

const slackId = (prefix: string, example: string) =>
  z.string().regex(new RegExp(`^[${prefix}][A-Z0-9]{2,}$`), `must be a Slack id like ${example}`);

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
  ...RedisEnvShape,
  ...ApprovalEnvShape,
  PROPOSAL_TTL: duration.default("30m"),
  WATCH_CHANNELS: idList("CG", "C0123ABCD"),
  ROOT_UPDATE_MIN_INTERVAL: duration.default("10s"),
  /** Alert names (each one with its suffixed variants, e.g. ...Critical) the runbook answers. */
  RUNBOOK_ALERTS: z
    .string()
    .default("RdevAPIHighMemory")
    .transform((text) => text.split(/[\s,]+/).filter((s) => s.length > 0))
    .pipe(z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be Prometheus alert names")).min(1)),
  /** Other alerts on the workload: a plain thread without diagnosis, or nothing at all. */
  OTHER_ALERTS: z.enum(["thread", "ignore"]).default("thread"),
  /** User groups whose members may read incident timelines and export postmortems; empty: the alert channel's members. */
  INCIDENT_READER_GROUP_IDS: idList("S", "S0123ABCD"),
  /** While an incident is silenced, how often Alertmanager is asked whether its alerts still fire. */
  SILENCE_WATCH_INTERVAL: duration.default("30s"),
  /** The clusters this app serves, each with its own worker and queues (packages/bot/src/clusters/names.ts). */
  CLUSTERS: z
    .string()
    .default(DEFAULT_CLUSTER)
    .transform((text) => text.split(/[\s,]+/).filter((s) => s.length > 0))
    .pipe(
      z
        .array(ClusterName)
        .min(1, "must name at least one cluster")
        .refine((names) => new Set(names).size === names.length, "must not name a cluster twice"),
    ),
  /** How often the app reads its workers' heartbeats (a change re-renders that cluster's open incidents). */
  WORKER_WATCH_INTERVAL: duration.default("5s"),
  /** The alert label that names the cluster (Prometheus' external label). */
  CLUSTER_LABEL: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a Prometheus label name")
    .default("cluster"),
  ...LIMITS_ENV,
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
  /** REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES (config/redis.ts). */
  redis: RedisTarget;
  /** REDIS_WAIT_REPLICAS / REDIS_WAIT_TIMEOUT: replicas an approved job and a used proposal wait for. */
  redisDurability: Durability;
  approval: ApprovalPolicy;
  /** Seals approvals for the worker (APPROVAL_SIGNING_KEY, or derived from the bot token). */
  approvalSigningKey: Buffer;
  proposalTtlMs: number;
  /** RUNBOOK_ALERTS and OTHER_ALERTS: which alerts get a diagnosis and proposals. */
  alerts: { runbookAlerts: string[]; others: "thread" | "ignore" };
  /** Who may read timelines and export postmortems: these groups, or (empty) the alert channel's members. */
  incidentReaderGroupIds: string[];
  watchChannels: string[];
  rootUpdateMinIntervalMs: number;
  silenceWatchIntervalMs: number;
  /** Caps and rate limits at the app's edges (config/limits.ts). */
  limits: Limits;
  /** CLUSTERS and CLUSTER_LABEL: which clusters have a worker, and the alert label naming one. */
  clusters: { names: string[]; label: string };
  workerWatchIntervalMs: number;
};
/** Runbook + Slack + Redis settings for the app; one ConfigError lists every problem. */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const { runbook, e } = parseWith(env, AppEnvSchema, (cleaned) => {
    // Checked on the raw values, so they are reported even when other variables are malformed.
    const socket = cleaned.SLACK_MODE === "socket";
    const problems: string[] = redisProblems(cleaned);
    if (!socket && !cleaned.SLACK_SIGNING_SECRET)
      problems.push("SLACK_SIGNING_SECRET: is required in http mode (Basic Information > App Credentials)");
    if (socket && !cleaned.SLACK_APP_TOKEN)
      problems.push("SLACK_APP_TOKEN: is required in socket mode (an xapp- token with connections:write)");
    return problems;
  });
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
    redis: redisTarget(e),
    redisDurability: redisDurability(e),
    ...approvalSettings(e),
    alerts: { runbookAlerts: e.RUNBOOK_ALERTS, others: e.OTHER_ALERTS },
    incidentReaderGroupIds: e.INCIDENT_READER_GROUP_IDS,
    proposalTtlMs: parseDuration(e.PROPOSAL_TTL) ?? 1_800_000,
    watchChannels: e.WATCH_CHANNELS,
    rootUpdateMinIntervalMs: parseDuration(e.ROOT_UPDATE_MIN_INTERVAL) ?? 10_000,
    silenceWatchIntervalMs: parseDuration(e.SILENCE_WATCH_INTERVAL) ?? 30_000,
    limits: limitsFrom(e),
    clusters: { names: e.CLUSTERS, label: e.CLUSTER_LABEL },
    workerWatchIntervalMs: Math.max(100, parseDuration(e.WORKER_WATCH_INTERVAL) ?? 5000),
  };
}
