import { limitChanges, limitTimeline } from "@rdev/bot/samples/limit-events.ts";
import { describe, expect, it } from "vitest";

const Mi = 1024 * 1024;

describe("limitChanges", () => {
  it("has no limit and no events without samples", () => {
    expect(limitChanges([])).toEqual({ limitBytes: null, events: [] });
  });

  it("is steady when the limit never changes", () => {
    const samples = [0, 1, 2].flatMap((t) => ["a", "b"].map((pod) => ({ t, pod, bytes: 512 * Mi })));
    expect(limitChanges(samples)).toEqual({ limitBytes: 512 * Mi, events: [] });
  });

  it("marks a rollout that raises the limit when the first new pod appears", () => {
    const samples = [
      { t: 0, pod: "old-a", bytes: 512 * Mi },
      { t: 0, pod: "old-b", bytes: 512 * Mi },
      { t: 10, pod: "old-a", bytes: 512 * Mi },
      { t: 10, pod: "new-a", bytes: 1024 * Mi },
      { t: 20, pod: "new-a", bytes: 1024 * Mi },
      { t: 20, pod: "new-b", bytes: 1024 * Mi },
    ];
    expect(limitChanges(samples)).toEqual({
      limitBytes: 1024 * Mi,
      events: [{ t: 10, label: "limit 512Mi -> 1Gi" }],
    });
  });

  it("marks a lowered limit too, and ignores non-finite samples", () => {
    const samples = [
      { t: 5, pod: "a", bytes: 1024 * Mi },
      { t: 6, pod: "a", bytes: Number.NaN },
      { t: 7, pod: "a", bytes: 768 * Mi },
    ];
    expect(limitTimeline(samples)).toEqual([
      { t: 5, bytes: 1024 * Mi },
      { t: 7, bytes: 768 * Mi },
    ]);
    expect(limitChanges(samples).events).toEqual([{ t: 7, label: "limit 1Gi -> 768Mi" }]);
  });
});
