// Shared pieces of configuration: the error that lists every problem, value parsers, common
// zod field types, and `parseWith`, which validates one schema together with the runbook settings.
import { z } from "zod";
import { redactSecrets } from "../logger.ts";
import { DAY_UNITS, nsToMs, parseDurationNs, parseGoDuration } from "../units/duration.ts";
import { quantityValue } from "../units/quantity.ts";

export { redactSecrets };

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

/**
 * A Kubernetes memory quantity ("512Mi", "1Gi", "1e3", "2G", "1.5Gi") in bytes, rounded up like
 * Quantity.Value() (the one quantity parser, packages/bot/src/units/quantity.ts); null if malformed or negative.
 */
export function parseMemory(quantity: string): number | null {
  const bytes = quantityValue(quantity.trim());
  return bytes === null || bytes < 0 ? null : bytes;
}

/**
 * A duration setting in milliseconds: Go's time.ParseDuration grammar (the one duration parser,
 * packages/bot/src/units/duration.ts: "30s", "1h30m", "1.5h", "0") plus the unit "d" for 24 h ("90d"), which the
 * bot's own settings take on purpose; null if malformed, negative or finer than a millisecond.
 */
export function parseDuration(text: string): number | null {
  const r = parseDurationNs(text.trim(), DAY_UNITS);
  if (!r.ok || r.ns < 0n || r.ns % 1_000_000n !== 0n) return null;
  return nsToMs(r.ns);
}

/** A value rdev-api itself reads with Go's time.ParseDuration (CACHE_TTL): Go's grammar, no "d". */
export function parseGoSetting(text: string): number | null {
  const ms = parseGoDuration(text.trim());
  return ms === null || ms < 0 ? null : ms;
}

export const percent = (fallback: number) =>
  z.coerce
    .number()
    .gt(0, "must be greater than 0")
    .lte(100, "must be at most 100 (a percentage of the memory limit)")
    .default(fallback);

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Kubernetes quantity such as 512Mi, 1Gi, 1.5G, 1e9 or plain bytes (not negative). */
export const memoryQuantity = z
  .string()
  .refine((q) => parseMemory(q) !== null, "must be a memory quantity like 512Mi or 2Gi");

/** Duration such as 300ms, 30s, 5m, 1h30m, 1.5h or 1d (Go's grammar plus "d"; not negative). */
export const duration = z
  .string()
  .refine((t) => parseDuration(t) !== null, "must be a duration like 30s, 5m, 1h");

/** A duration rdev-api reads with Go's time.ParseDuration: 15s, 5m, 1h30m (no "d"; not negative). */
export const goDuration = z
  .string()
  .refine(
    (t) => parseGoSetting(t) !== null,
    "must be a Go duration like 15s, 5m or 1h30m (no d: rdev-api's Go reads it)",
  );

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
