// Validation of the value typed into an approval modal. Pure; the error is shown under the input
// (response_action "errors").
import { parseDuration, parseMemory } from "../../config.ts";
import type { ActionParams } from "../../queue/jobs.ts";
import type { ModalKind } from "../blocks/approval.ts";

export type Limits = { memoryLimitMaxBytes: number; memoryLimitMax: string };

export type Validated =
  | { ok: true; params: Partial<ActionParams>; value: string }
  | { ok: false; error: string };

const MAX_TTL_MS = 7 * 86_400_000;

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
  const ms = parseDuration(value);
  if (ms === null) return { ok: false, error: "Use a duration like 15s, 5m or 1h." };
  if (ms < 1000) return { ok: false, error: "At least 1s." };
  if (ms > MAX_TTL_MS) return { ok: false, error: "At most 7d." };
  return { ok: true, params: { ttl: value }, value };
}
