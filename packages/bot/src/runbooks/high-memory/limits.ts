// "Short-term: increase limits": the next sensible memory limit. Pure.
//
// Steps alternate x1.5 and x1.33 like people write them by hand: 128Mi, 192Mi, 256Mi, 384Mi, 512Mi,
// 768Mi, 1Gi, 1.5Gi, 2Gi, 3Gi, 4Gi, 6Gi, 8Gi... A limit patch sets a target value, never "+50%".

const MI = 1024 ** 2;
const GI = 1024 ** 3;

/** Kubernetes quantity for a byte count: "768Mi", "1Gi", "1.5Gi"; whole Mi otherwise (rounded up). */
export function formatQuantity(bytes: number): string {
  if (bytes >= GI && (bytes * 2) % GI === 0) {
    const gi = bytes / GI;
    return `${gi}Gi`;
  }
  if (bytes % MI === 0 || bytes >= MI) return `${Math.ceil(bytes / MI)}Mi`;
  return `${bytes}`;
}

/** Every step from 128Mi up to and including the first step at or above `upToBytes`. */
export function memoryLimitSteps(upToBytes: number): number[] {
  const steps: number[] = [];
  for (let base = 128 * MI; ; base *= 2) {
    for (const step of [base, base * 1.5]) {
      steps.push(step);
      if (step >= upToBytes) return steps;
    }
  }
}

export type LimitProposal =
  | { ok: true; value: string; bytes: number; capped: boolean }
  | { ok: false; reason: string };

/**
 * The limit to propose: the smallest step above the current limit that also leaves the current
 * usage below the warning threshold, capped by the configured maximum. Never at or below usage.
 */
export function nextMemoryLimit(input: {
  currentBytes: number | null;
  usageBytes: number | null;
  maxBytes: number;
  maxLabel: string;
  warningPercent: number;
}): LimitProposal {
  const { currentBytes, maxBytes, maxLabel } = input;
  if (currentBytes === null) {
    return {
      ok: false,
      reason: "the container has no memory limit to raise; set one first (the runbook assumes a limit)",
    };
  }
  const usage = input.usageBytes ?? 0;
  const floor = Math.max(currentBytes + 1, Math.ceil((usage * 100) / input.warningPercent));
  if (currentBytes >= maxBytes) {
    return {
      ok: false,
      reason: `the limit ${formatQuantity(currentBytes)} is already at the configured maximum ${maxLabel} (MEMORY_LIMIT_MAX)`,
    };
  }
  const step = memoryLimitSteps(floor).find((s) => s >= floor) ?? floor;
  if (step <= maxBytes) return { ok: true, value: formatQuantity(step), bytes: step, capped: false };
  if (maxBytes > usage) return { ok: true, value: maxLabel, bytes: maxBytes, capped: true };
  return {
    ok: false,
    reason: `usage ${formatQuantity(usage)} is at or above the configured maximum ${maxLabel} (MEMORY_LIMIT_MAX)`,
  };
}
