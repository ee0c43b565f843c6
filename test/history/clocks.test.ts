// One clock per fact: against a simulated cluster whose clock runs 20x faster than real time, what
// people read (the diagnosis footer, the snapshot's time, the postmortem's figures) is real time,
// and the cluster's clock is only said after it, labelled. With one clock (speed 1) no label.

import { ManualClock, ScaledClock } from "@rdev/bot/clock.ts";
import { loadConfig } from "@rdev/bot/config.ts";
import { runDiagnosis } from "@rdev/bot/diagnose/run-diagnosis.ts";
import type { Diagnosis } from "@rdev/bot/diagnose/types.ts";
import { formatWhen, whenParts } from "@rdev/bot/diagnose/when.ts";
import { DiagnosisData, ENTRY } from "@rdev/bot/history/entries.ts";
import { parseSnapshot, toSnapshot } from "@rdev/bot/history/snapshot.ts";
import { summariseIncident } from "@rdev/bot/history/summary.ts";
import type { TimelineEntry } from "@rdev/bot/intake/model.ts";
import { diagnosisBlocks } from "@rdev/bot/render/blocks/diagnosis.ts";
import { postmortemMarkdown } from "@rdev/bot/render/blocks/postmortem.ts";
import { highMemoryRunbook } from "@rdev/bot/runbooks/high-memory/index.ts";
import { chartClock } from "@rdev/bot/worker/chart.ts";
import { describe, expect, it } from "vitest";
import { FakeCluster, MI, pod, usage } from "../support/fake-cluster.ts";
import { realisticRecord, sseLeakSnapshot } from "../support/history.ts";

const REAL_START = Date.parse("2026-11-26T09:00:00Z");
const MINUTE = 60_000;

/** The real clock and a cluster clock `speed` times faster, both starting at REAL_START. */
function clocks(speed: number) {
  const real = new ManualClock(REAL_START);
  const cluster = new ScaledClock(speed, REAL_START, () => real.now());
  return { real, cluster };
}

function fakeCluster(): FakeCluster {
  const c = new FakeCluster();
  for (const [i, mi] of [470, 200, 190].entries()) {
    const name = `rdev-api-7c9f8-${i}`;
    c.pods.push(pod(name, { nodeName: `node-${i % 2}` }));
    c.metrics.push(usage(name, mi * MI));
  }
  return c;
}

async function diagnoseAfter(speed: number, realMs: number): Promise<Diagnosis> {
  const { real, cluster } = clocks(speed);
  real.advance(realMs);
  const runbook = highMemoryRunbook(loadConfig({}));
  const run = await runDiagnosis(
    { cluster: fakeCluster(), clock: cluster, realNow: () => real.now(), elapsed: () => 0 },
    { runbook, heap: "never" },
  );
  return run.diagnosis;
}

const footerOf = (d: Diagnosis) => {
  const footer = diagnosisBlocks(d).blocks.at(-1);
  return footer?.type === "context" ? JSON.stringify(footer.elements) : "";
};

describe("formatWhen", () => {
  it.each([
    ["one clock", REAL_START, REAL_START, "2026-11-26 09:00:00 UTC"],
    ["one clock read twice", REAL_START, REAL_START + 1500, "2026-11-26 09:00:00 UTC"],
    [
      "a cluster 19 minutes ahead",
      REAL_START + MINUTE,
      REAL_START + 20 * MINUTE,
      "2026-11-26 09:01:00 UTC · cluster clock 09:20:00",
    ],
    [
      "a cluster a day ahead",
      REAL_START,
      REAL_START + 24 * 60 * MINUTE,
      "2026-11-26 09:00:00 UTC · cluster clock 2026-11-27 09:00:00",
    ],
    ["no cluster reading", REAL_START, null, "2026-11-26 09:00:00 UTC"],
  ])("%s", (_what, real, cluster, expected) => expect(formatWhen(real, cluster)).toBe(expected));
});

describe("a diagnosis against a cluster clock 20x ahead", () => {
  it("records both clocks and shows real time, then the labelled cluster time", async () => {
    const d = await diagnoseAfter(20, MINUTE);
    expect(d.takenAt).toBe("2026-11-26T09:01:00.000Z");
    expect(d.gatheredAt).toBe("2026-11-26T09:20:00.000Z");
    expect(footerOf(d)).toContain("gathered 2026-11-26 09:01:00 UTC in 0 ms · cluster clock 09:20:00 ·");
  });

  it("with speed 1 says one time and no cluster clock", async () => {
    const d = await diagnoseAfter(1, MINUTE);
    expect(d.takenAt).toBe(d.gatheredAt);
    expect(footerOf(d)).toContain("gathered 2026-11-26 09:01:00 UTC in 0 ms ·");
    expect(footerOf(d)).not.toContain("cluster clock");
  });

  it("stores the real time in the snapshot, and still reads snapshots stored without it", async () => {
    const d = await diagnoseAfter(20, MINUTE);
    const snapshot = toSnapshot(d);
    expect(snapshot.at).toBe(REAL_START + MINUTE);
    expect(snapshot.gatheredAt).toBe(d.gatheredAt);
    const { at: _at, ...old } = snapshot;
    expect(parseSnapshot(JSON.parse(JSON.stringify(old)))).toEqual({ ...snapshot, at: null });
  });
});

/** realisticRecord's incident (real time), its diagnosis taken with the cluster clock `speed`x. */
function incidentWithCluster(speed: number) {
  const record = realisticRecord();
  const opened = record.timeline[0]?.at ?? 0;
  const timeline = record.timeline.map((e): TimelineEntry => {
    if (e.type !== ENTRY.diagnosis) return e;
    // The simulator started with the incident: its clock has run `speed` times as far since.
    const clusterAt = opened + (e.at - opened) * speed;
    const snapshot = sseLeakSnapshot(new Date(clusterAt).toISOString(), 93.4, e.at);
    return { ...e, data: DiagnosisData.parse({ ...(e.data as object), snapshot }) };
  });
  return summariseIncident({ ...record, timeline }, Date.parse("2026-11-26T04:00:00Z"));
}

const STAMP = /(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/g;

/** The real-time stamps of a postmortem section (those after "cluster clock" are not real time). */
function realStamps(markdown: string, heading: string): number[] {
  const section = markdown.split(`## ${heading}\n`)[1]?.split("\n## ")[0] ?? "";
  return [...section.matchAll(STAMP)].map((m) => Date.parse(`${m[1]?.replace(" ", "T")}Z`));
}

describe("the postmortem draft", () => {
  it("dates figures in real time, in order with the incident, the cluster clock labelled", () => {
    const s = incidentWithCluster(20);
    const markdown = postmortemMarkdown(s, { now: Date.parse("2026-11-26T04:00:00Z"), runbookUrl: null });
    const diagnosisAt = s.entries.find((e) => e.type === ENTRY.diagnosis)?.at ?? 0;
    expect(markdown).toContain(
      `| ${formatWhen(diagnosisAt, s.startedAt + 20 * (diagnosisAt - s.startedAt))} |`,
    );
    expect(markdown).toMatch(/\| 2026-11-26 02:52:03 UTC · cluster clock 03:11:03 \| warning \|/);
    const figures = realStamps(markdown, "Figures");
    expect(figures).toEqual([diagnosisAt]);
    for (const t of figures) {
      expect(t).toBeGreaterThanOrEqual(s.startedAt);
      expect(t).toBeLessThanOrEqual(s.endedAt ?? Number.POSITIVE_INFINITY);
    }
    // The timeline is in order; only the worker's review of the ending comes after it ended.
    const timeline = realStamps(markdown, "Timeline");
    expect(timeline).toEqual([...timeline].sort((a, b) => a - b));
    expect(timeline.filter((t) => t > (s.endedAt ?? Number.POSITIVE_INFINITY))).toHaveLength(1);
    expect(timeline[0]).toBeGreaterThanOrEqual(s.startedAt);
  });

  it("with speed 1 has no cluster clock anywhere", () => {
    const markdown = postmortemMarkdown(incidentWithCluster(1), {
      now: Date.parse("2026-11-26T04:00:00Z"),
      runbookUrl: null,
    });
    expect(markdown).toMatch(/\| 2026-11-26 02:52:03 UTC \| warning \|/);
    expect(markdown).not.toContain("cluster clock");
  });
});

describe("the memory chart's clock", () => {
  it("labels the axis and the comment when the cluster's clock is ahead, and says nothing otherwise", () => {
    expect(chartClock(REAL_START, REAL_START + 500)).toEqual({ window: "", axis: null, note: "" });
    const ahead = chartClock(REAL_START + MINUTE, REAL_START + 20 * MINUTE);
    expect(ahead.axis).toBe("UTC, cluster clock");
    expect(ahead.note).toContain("09:20:00 there at 2026-11-26 09:01:00 UTC");
    expect(whenParts(REAL_START, REAL_START).cluster).toBeNull();
  });
});
