// The rolling-update fenceposts: maxSurge and maxUnavailable resolved against the replica count.
import type { Deployment } from "./manifests.ts";

/** Resolves an int-or-percent against `total` (maxSurge rounds up, maxUnavailable down). */
export function resolveIntOrPercent(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === "number") return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number(v) || 0;
  const raw = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

export function surgeAndUnavailable(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const desired = d.spec.replicas ?? 1;
  if (d.spec.strategy?.type === "Recreate") return { maxSurge: 0, maxUnavailable: desired };
  const ru = d.spec.strategy?.rollingUpdate;
  const maxSurge = resolveIntOrPercent(ru?.maxSurge ?? "25%", desired, true);
  let maxUnavailable = resolveIntOrPercent(ru?.maxUnavailable ?? "25%", desired, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, desired) };
}
