// The demo's cluster clock: fast while there is nothing for a person to do, slow while there is.
// The simulated SSE leak goes from 95% of the limit to the OOM kill in under a minute of cluster
// time, so at the demo's speed the pod would be killed before anyone read the diagnosis: once a
// pod is critical, time slows (default 0.25x: about 3 real minutes to decide) until a remediation
// is applied, then runs fast again through the stabilisation window and the verification.
import type { Clock } from "@rdev/bot/clock.ts";

/** Real time at a speed that can change; never goes backwards. */
export class PacedClock implements Clock {
  #baseReal: number;
  #baseSim: number;
  #speed: number;
  readonly #real: () => number;
  constructor(speed: number, real: () => number = Date.now) {
    if (!(speed > 0)) throw new RangeError("speed must be greater than 0");
    this.#real = real;
    this.#baseReal = real();
    this.#baseSim = this.#baseReal;
    this.#speed = speed;
  }
  now(): number {
    return Math.round(this.#baseSim + (this.#real() - this.#baseReal) * this.#speed);
  }
  speed(): number {
    return this.#speed;
  }
  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new RangeError("speed must be greater than 0");
    this.#baseSim = this.now();
    this.#baseReal = this.#real();
    this.#speed = speed;
  }
}

export type Phase = "fast" | "act";
export type PaceEvent = "pod_critical" | "action_applied" | "calm";

/**
 * The next phase: a pod above the critical threshold (OOM kill is near, the critical alert is
 * about to fire) slows the clock until a remediation is applied, or until no pod is above the
 * warning threshold any more (nobody acted and the OOM killer did).
 */
export function nextPhase(phase: Phase, event: PaceEvent): Phase {
  if (event === "pod_critical") return "act";
  return event === "action_applied" || event === "calm" ? "fast" : phase;
}

/** Whether the pods call for a pace event: the first critical pod, or none above warning. */
export function podsEvent(
  percents: readonly (number | null)[],
  thresholds: { warningPercent: number; criticalPercent: number },
): PaceEvent | null {
  const known = percents.filter((p) => p !== null);
  if (known.some((p) => p > thresholds.criticalPercent)) return "pod_critical";
  return known.every((p) => p <= thresholds.warningPercent) ? "calm" : null;
}
