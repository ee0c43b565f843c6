// Shared pieces of configuration: the error that lists every problem, value parsers, common
// zod field types, and `parseWith`, which validates one schema together with the runbook settings.
import { z } from "zod";

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

export const percent = (fallback: number) =>
  z.coerce
    .number()
    .gt(0, "must be greater than 0")
    .lte(100, "must be at most 100 (a percentage of the memory limit)")
    .default(fallback);

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Kubernetes quantity such as 512Mi, 1Gi, 1.5G or plain bytes. */
export const memoryQuantity = z
  .string()
  .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/, "must be a memory quantity like 512Mi or 2Gi");

/** Duration such as 300ms, 30s, 5m, 2h or 1d. */
export const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, "must be a duration like 30s, 5m, 1h");

export const labelSelector = z
  .string()
  .regex(
    /^[A-Za-z0-9./_-]+(=|==|!=)[A-Za-z0-9._-]*(,[A-Za-z0-9./_-]+(=|==|!=)[A-Za-z0-9._-]*)*$/,
    "must be a label selector like app=rdev-api",
  );

export const dnsName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a lowercase DNS name like rdev-api");

/** The environment with empty strings dropped: an empty variable counts as unset. */
export function cleanEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "",
    ),
  );
}

/** Settings whose whole value is a secret: never shown. */
export const isSecretSetting = (key: string): boolean => /TOKEN|SECRET|PASSWORD|_KEY$/.test(key);

/**
 * `text` with credentials taken out: the user:password of URLs (redis://:pass@host, also without
 * the "//" or a scheme), and anything shaped like a Slack token (xoxb-, xapp-, ...).
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\/\/)[^\s/@"']*@/g, "$1***@")
    .replace(/(^|[\s"'(=])[^\s/@"'(=:]+:[^\s/@"']*@/g, "$1***@")
    .replace(/\bxox[a-z]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+/g, "xox*-***");
}

/** One line per zod issue: the variable, what is wrong, and the value given (hidden for secrets). */
export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  cleaned: Record<string, string | undefined>,
) {
  return issues.map((issue) => {
    const key = String(issue.path[0] ?? "");
    const value = cleaned[key];
    const secret = isSecretSetting(key);
    const shown =
      value === undefined
        ? ""
        : secret
          ? " (value hidden)"
          : ` (got ${JSON.stringify(redactSecrets(value))})`;
    const message = value === undefined && issue.code === "invalid_type" ? "is required" : issue.message;
    return `${key}: ${message}${shown}`;
  });
}

/** A true/false switch: true/false, 1/0 or yes/no. */
export const booleanFlag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true" || v === "1" || v === "yes");
