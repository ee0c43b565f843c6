// The PromQL the memory chart asks for. Label values come from config, but are escaped anyway.
import type { MemoryTarget } from "./types.ts";

/** A PromQL double-quoted string literal. */
export function promString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

const selector = (target: MemoryTarget, extra = "") =>
  `{namespace=${promString(target.namespace)},container=${promString(target.container)}${extra}}`;

/** Working set per pod (cAdvisor), the figure `kubectl top` and the alert use. */
export function workingSetQuery(target: MemoryTarget): string {
  return `max by (pod) (container_memory_working_set_bytes${selector(target)})`;
}

/** Memory limit per pod (kube-state-metrics); pods without a limit have no series. */
export function memoryLimitQuery(target: MemoryTarget): string {
  return `max by (pod) (kube_pod_container_resource_limits${selector(target, ',resource="memory"')})`;
}

export type RangeParams = { startS: number; endS: number; stepS: number };

/**
 * start/end in seconds and a whole-second step giving at most `maxPoints` points:
 * Prometheus returns floor((end - start) / step) + 1 of them.
 */
export function rangeParams(endMs: number, windowMs: number, maxPoints = 300): RangeParams {
  if (!Number.isFinite(endMs)) throw new RangeError(`endMs must be a time in ms (got ${endMs})`);
  if (!(windowMs >= 1000)) throw new RangeError(`windowMs must be at least 1000 (got ${windowMs})`);
  if (!Number.isInteger(maxPoints) || maxPoints < 2)
    throw new RangeError(`maxPoints must be a whole number >= 2 (got ${maxPoints})`);
  const endS = Math.floor(endMs / 1000);
  const windowS = Math.floor(windowMs / 1000);
  const stepS = Math.max(1, Math.ceil(windowS / (maxPoints - 1)));
  return { startS: endS - windowS, endS, stepS };
}
