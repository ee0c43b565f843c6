import {
  historyFromSnapshots,
  type MemorySnapshot,
  recordSnapshot,
  snapshotFromDiagnosis,
  snapshotHistorySource,
} from "@rdev/bot/samples/snapshot-history-source.ts";
import { describe, expect, it } from "vitest";
import { row } from "../support/diagnosis-builders.ts";
import { healthy } from "../support/diagnosis-fixtures.ts";

const Mi = 1024 * 1024;
const T0 = Date.UTC(2026, 10, 3, 14, 0, 0);

const snap = (minute: number, pods: MemorySnapshot["pods"]): MemorySnapshot => ({
  at: T0 + minute * 60_000,
  pods,
});

describe("historyFromSnapshots", () => {
  const snapshots = [
    snap(2, [
      { pod: "b", workingSetBytes: 300 * Mi, limitBytes: 512 * Mi },
      { pod: "a", workingSetBytes: 200 * Mi, limitBytes: 512 * Mi },
    ]),
    snap(0, [{ pod: "a", workingSetBytes: 100 * Mi, limitBytes: 512 * Mi }]),
    snap(-40, [{ pod: "a", workingSetBytes: 999 * Mi, limitBytes: 512 * Mi }]),
    snap(4, [
      { pod: "a", workingSetBytes: null, limitBytes: 1024 * Mi },
      { pod: "c", workingSetBytes: 50 * Mi },
    ]),
  ];

  it("builds one time-ordered series per pod inside the window, sorted by pod", () => {
    const h = historyFromSnapshots(snapshots, { endMs: T0 + 5 * 60_000, windowMs: 30 * 60_000 });
    expect(h.series).toEqual([
      {
        pod: "a",
        points: [
          { t: T0, bytes: 100 * Mi },
          { t: T0 + 120_000, bytes: 200 * Mi },
        ],
      },
      { pod: "b", points: [{ t: T0 + 120_000, bytes: 300 * Mi }] },
      { pod: "c", points: [{ t: T0 + 240_000, bytes: 50 * Mi }] },
    ]);
    expect(h.startMs).toBe(T0 - 25 * 60_000);
    expect(h.endMs).toBe(T0 + 5 * 60_000);
    expect(h.stepMs).toBeNull();
  });

  it("takes the newest limit and marks its change", () => {
    const h = historyFromSnapshots(snapshots, { endMs: T0 + 5 * 60_000, windowMs: 30 * 60_000 });
    expect(h.limitBytes).toBe(1024 * Mi);
    expect(h.events).toEqual([{ t: T0 + 240_000, label: "limit 512Mi -> 1Gi" }]);
  });

  it("has a null limit when no pod reports one, and no series when nothing is in the window", () => {
    const h = historyFromSnapshots([snap(0, [{ pod: "x", workingSetBytes: 1 }])], {
      endMs: T0,
      windowMs: 60_000,
    });
    expect(h.limitBytes).toBeNull();
    expect(historyFromSnapshots(snapshots, { endMs: T0 - 3_600_000, windowMs: 60_000 }).series).toEqual([]);
  });
});

describe("snapshotHistorySource", () => {
  it("reads the caller's live list on every call", async () => {
    let list: MemorySnapshot[] = [];
    const source = snapshotHistorySource(() => list);
    const window = { endMs: T0 + 60_000, windowMs: 600_000 };
    expect((await source.memoryHistory(window)).series).toEqual([]);
    list = [snap(0, [{ pod: "a", workingSetBytes: 5 }])];
    expect((await source.memoryHistory(window)).series).toEqual([
      { pod: "a", points: [{ t: T0, bytes: 5 }] },
    ]);
  });
});

describe("recordSnapshot", () => {
  it("keeps the newest within the age and count bounds, oldest first", () => {
    let h: MemorySnapshot[] = [];
    for (const m of [0, 1, 2, 3, 10, 11])
      h = recordSnapshot(h, snap(m, []), { maxAgeMs: 5 * 60_000, maxCount: 3 });
    expect(h.map((s) => (s.at - T0) / 60_000)).toEqual([10, 11]);
    h = [];
    for (const m of [0, 1, 2, 3]) h = recordSnapshot(h, snap(m, []), { maxAgeMs: 3_600_000, maxCount: 3 });
    expect(h.map((s) => (s.at - T0) / 60_000)).toEqual([1, 2, 3]);
  });
});

describe("snapshotFromDiagnosis", () => {
  it("takes every pod's working set and limit at gatheredAt", () => {
    const d = {
      ...healthy(),
      gatheredAt: new Date(T0).toISOString(),
      pods: [row("a", { mi: 400, limitMi: 512 }), row("b", { mi: null, limitMi: null })],
    };
    expect(snapshotFromDiagnosis(d)).toEqual({
      at: T0,
      pods: [
        { pod: "a", workingSetBytes: 400 * Mi, limitBytes: 512 * Mi },
        { pod: "b", workingSetBytes: null, limitBytes: null },
      ],
    });
  });
});
