// Validation of the value typed into an approval modal. Pure; the error is shown under the input
// (response_action "errors").
import { parseMemory } from "../../config.ts";
import type { ActionParams } from "../../queue/jobs.ts";
import type { ModalKind } from "../../render/blocks/approval.ts";
import { parseGoDuration } from "../../units/duration.ts";

export type Limits = { memoryLimitMaxBytes: number; memoryLimitMax: string };

export type Validated =
  | { ok: true; params: Partial<ActionParams>; value: string }
  | { ok: false; error: string };

/** A week, written the way Go's time.ParseDuration (rdev-api's CACHE_TTL) reads it. */
const MAX_TTL_MS = 7 * 86_400_000;
const MAX_TTL = "168h";

export function validateModalValue(
  kind: ModalKind,
  raw: string | null | undefined,
  limits: Limits,
): Validated {
  const value = (raw ?? "").trim();
  if (kind === "raise-memory-limit") {
    const bytes = parseMemory(value);
    if (bytes === null) return { ok: false, error: "Use a Kubernetes quantity like 768Mi or 1Gi." };
    if (bytes < 64 * 1024 ** 2) return { ok: false, error: "That is below 64Mi: too small for rdev-api." };
    if (bytes > limits.memoryLimitMaxBytes)
      return { ok: false, error: `At most ${limits.memoryLimitMax} (MEMORY_LIMIT_MAX).` };
    return { ok: true, params: { memoryLimit: value }, value };
  }
  // The TTL becomes rdev-api's CACHE_TTL, which Go's time.ParseDuration reads: its grammar exactly
  // ("1m30s" and "1.5h" are fine; "2d" is not, Go has no days).
  const ms = parseGoDuration(value);
  if (ms === null)
    return {
      ok: false,
      error: /^\d+(\.\d*)?d$/.test(value)
        ? `Go durations have no days: write hours, like ${MAX_TTL} for a week.`
        : "Use a duration like 15s, 5m or 1h30m.",
    };
  if (ms < 1000) return { ok: false, error: "At least 1s." };
  if (ms > MAX_TTL_MS) return { ok: false, error: `At most ${MAX_TTL} (7 days).` };
  return { ok: true, params: { ttl: value }, value };
}
