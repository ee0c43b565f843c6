// The demo's pacing: slow while a pod is critical and nobody has acted, fast otherwise.

import { nextPhase, PacedClock, podsEvent } from "@rdev/demo/pace.ts";
import { describe, expect, it } from "vitest";

const thresholds = { warningPercent: 80, criticalPercent: 95 };

describe("pacing", () => {
  it("slows on a critical pod, and speeds up after a remediation or when all pods are calm", () => {
    expect(nextPhase("fast", "pod_critical")).toBe("act");
    expect(nextPhase("act", "pod_critical")).toBe("act");
    expect(nextPhase("act", "action_applied")).toBe("fast");
    expect(nextPhase("act", "calm")).toBe("fast");
    expect(nextPhase("fast", "calm")).toBe("fast");
  });

  it("reads the pods: critical above 95%, calm when none is above 80%, else nothing", () => {
    expect(podsEvent([40, 96, null], thresholds)).toBe("pod_critical");
    expect(podsEvent([40, 80, null], thresholds)).toBe("calm");
    expect(podsEvent([40, 90], thresholds)).toBeNull();
  });

  it("changes speed without jumping or going backwards", () => {
    let real = 1_000_000;
    const clock = new PacedClock(20, () => real);
    real += 1000;
    expect(clock.now()).toBe(1_020_000);
    clock.setSpeed(0.25);
    real += 4000;
    expect(clock.now()).toBe(1_021_000);
    expect(() => clock.setSpeed(0)).toThrow(RangeError);
  });
});
