// summariseIncident: peak, cause, actions and outcome from a timeline. Pure, table-driven.

import { DiagnosisData, ENTRY, type OutcomeData } from "@rdev/bot/history/entries.ts";
import { type Outcome, summariseIncident } from "@rdev/bot/history/summary.ts";
import type { Incident, TimelineEntry } from "@rdev/bot/intake/model.ts";
import { describe, expect, it } from "vitest";
import { sseLeakSnapshot } from "../support/history.ts";

const T0 = Date.parse("2026-11-26T02:51:00Z");
const MIN = 60_000;

function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: "4f1d2c3b-5a6e-4f70-8b9c-0d1e2f3a4b5c",
    key: "RdevAPIHighMemory/rdev/rdev-api",
    alertName: "RdevAPIHighMemory",
    namespace: "rdev",
    workload: "rdev-api",
    status: "open",
    severity: "warning",
    summary: null,
    runbookUrl: null,
    createdAt: T0 + 5000,
    updatedAt: T0 + 5000,
    startsAt: T0,
    notifications: 1,
    alerts: [],
    firingCount: 1,
    pods: [],
    firingPods: 1,
    root: { channel: "C0RDEVALRT", ts: "1764125463.000100" },
    resolvedAt: null,
    resolvedBy: null,
    reopened: 0,
    suppressed: false,
    alertsDropped: 0,
    ...overrides,
  };
}

let minute = 0;
const at = () => T0 + ++minute * MIN;
const alert = (value: number | null, pod = "rdev-api-a"): TimelineEntry => ({
  at: at(),
  type: ENTRY.alertFiring,
  by: "alertmanager",
  data: { fingerprint: `fp-${pod}`, pod, ...(value === null ? {} : { value }) },
});
const diagnosis = (percent: number, cause = true): TimelineEntry => {
  const snapshot = sseLeakSnapshot(new Date(T0).toISOString(), percent);
  return {
    at: at(),
    type: ENTRY.diagnosis,
    data: DiagnosisData.parse({
      snapshot: cause ? snapshot : { ...snapshot, cause: null },
      proposals: ["p1"],
    }),
  };
};
const approved = (id: string, action = "rolling-restart"): TimelineEntry => ({
  at: at(),
  type: ENTRY.proposalApproved,
  by: "U0LEAD0001",
  data: { proposalId: id, action, params: {}, jobId: `remediate-${id}` },
});
const step = (type: string, id: string): TimelineEntry => ({
  at: at(),
  type,
  by: "worker",
  data: { proposalId: id, action: "rolling-restart", summary: `${type} ${id}` },
});
const verified = (id: string, passed: boolean, before = 97.5, after = 55): TimelineEntry => ({
  at: at(),
  type: passed ? ENTRY.verificationPassed : ENTRY.verificationFailed,
  by: "worker",
  data: { proposalId: id, action: "rolling-restart", before, after, checks: [] },
});

const ending = (data: Partial<OutcomeData> & Pick<OutcomeData, "kind">): TimelineEntry => ({
  at: at(),
  type: ENTRY.outcome,
  by: "worker",
  data: { notes: [], ...data },
});

describe("summariseIncident", () => {
  it.each<[string, Partial<Incident>, TimelineEntry[], Outcome]>([
    ["nothing yet", {}, [alert(86)], "open"],
    ["approved, running", {}, [approved("p1"), step(ENTRY.actionStarted, "p1")], "in_progress"],
    ["verified", {}, [approved("p1"), step(ENTRY.actionApplied, "p1"), verified("p1", true)], "verified"],
    ["did not hold", {}, [approved("p1"), verified("p1", false)], "not_held"],
    [
      "held after a second try",
      {},
      [approved("p1"), verified("p1", false), approved("p2"), verified("p2", true)],
      "verified",
    ],
    ["action failed", {}, [approved("p1"), step(ENTRY.actionFailed, "p1")], "action_failed"],
    ["rollout stuck", {}, [approved("p1"), step(ENTRY.actionRolloutStuck, "p1")], "action_failed"],
    [
      "resolved, not yet reviewed",
      { status: "resolved", resolvedAt: T0 + 30 * MIN },
      [alert(86)],
      "resolving",
    ],
    [
      "resolved and reviewed",
      { status: "resolved", resolvedAt: T0 + 30 * MIN },
      [approved("p1"), step(ENTRY.actionApplied, "p1"), ending({ kind: "oom_kill", pod: "rdev-api-a" })],
      "resolved",
    ],
    [
      "a verdict while open does not outlive the resolution",
      { status: "resolved", resolvedAt: T0 + 30 * MIN },
      [approved("p1"), verified("p1", true)],
      "resolving",
    ],
  ])("%s", (_name, overrides, timeline, outcome) => {
    const s = summariseIncident({ incident: incident(overrides), timeline, permalink: null }, T0 + 60 * MIN);
    expect(s.outcome).toBe(outcome);
  });

  it("takes the peak from alerts, diagnoses and verifications, whichever is highest", () => {
    const timeline = [
      alert(86.4),
      alert(null, "rdev-api-b"),
      diagnosis(93.4),
      verified("p1", true, 97.9, 50),
    ];
    const s = summariseIncident({ incident: incident(), timeline, permalink: null }, T0 + 60 * MIN);
    expect(s.peakPercent).toBe(97.9);
    const lower = summariseIncident(
      { incident: incident(), timeline: [alert(86.4), diagnosis(93.4)], permalink: null },
      T0,
    );
    expect(lower).toMatchObject({ peakPercent: 93.4, peakPod: "rdev-api-7d9f8b6c5d-x2k4q" });
    const none = summariseIncident({ incident: incident(), timeline: [alert(null)], permalink: null }, T0);
    expect(none.peakPercent).toBeNull();
  });

  it("keeps the latest diagnosed cause, and the duration to resolution or to now", () => {
    const timeline = [diagnosis(93.4), diagnosis(90, false)];
    const open = summariseIncident({ incident: incident(), timeline, permalink: "https://x" }, T0 + 42 * MIN);
    expect(open).toMatchObject({
      cause: { id: "sse-leak", confidence: "high" },
      diagnoses: 2,
      durationMs: 42 * MIN,
      endedAt: null,
      permalink: "https://x",
      where: "rdev/rdev-api",
    });
    expect(open.latest?.cause).toBeNull();
    const resolved = summariseIncident(
      { incident: incident({ status: "resolved", resolvedAt: T0 + 21 * MIN }), timeline, permalink: null },
      T0 + 99 * MIN,
    );
    expect(resolved).toMatchObject({ durationMs: 21 * MIN, endedAt: T0 + 21 * MIN });
  });

  it("follows each approved action to its job result and verification", () => {
    const timeline = [
      approved("p1", "restart-pod"),
      step(ENTRY.actionStarted, "p1"),
      step(ENTRY.actionApplied, "p1"),
      verified("p1", false),
      {
        at: at(),
        type: ENTRY.proposalRefused,
        by: "U0STRANGR1",
        data: { proposalId: "p2", reason: "denied" },
      },
      approved("p2", "raise-memory-limit"),
    ];
    const s = summariseIncident({ incident: incident(), timeline, permalink: null }, T0);
    expect(s.refusals).toBe(1);
    expect(s.actions.map((a) => [a.action, a.approvedBy, a.result, a.verification])).toEqual([
      ["restart-pod", "U0LEAD0001", ENTRY.actionApplied, "failed"],
      ["raise-memory-limit", "U0LEAD0001", null, null],
    ]);
    expect(s.fixedBy).toEqual(["U0LEAD0001"]);
  });

  it.each<[string, Partial<OutcomeData> & Pick<OutcomeData, "kind">, string]>([
    ["an OOM kill", { kind: "oom_kill", pod: "rdev-api-a" }, "ended by an OOM kill"],
    ["a verified fix", { kind: "action", verification: "passed" }, "fixed (verified)"],
    [
      "a fix that did not hold",
      { kind: "action", verification: "failed" },
      "resolved, but the fix did not hold",
    ],
    ["an unverified fix", { kind: "action", verification: "pending" }, "fixed (not verified)"],
    ["someone else's rollout", { kind: "rollout" }, "pods replaced by someone else's rollout"],
    ["nothing found", { kind: "memory_fell" }, "resolved on its own"],
  ])("says why a resolved incident ended: %s", (_name, data, words) => {
    const resolved = incident({ status: "resolved", resolvedAt: T0 + 30 * MIN });
    const s = summariseIncident(
      { incident: resolved, timeline: [alert(90), ending(data)], permalink: null },
      T0,
    );
    expect(s.outcomeText).toBe(words);
    expect(s.ending?.kind).toBe(data.kind);
  });

  it("takes a verification that finished after the review as the fix's verdict", () => {
    const resolved = incident({ status: "resolved", resolvedAt: T0 + 30 * MIN });
    const timeline = [
      approved("p1"),
      step(ENTRY.actionApplied, "p1"),
      ending({ kind: "action", proposalId: "p1", action: "rolling-restart", verification: "pending" }),
      verified("p1", true),
    ];
    const s = summariseIncident({ incident: resolved, timeline, permalink: null }, T0);
    expect(s.outcomeText).toBe("fixed (verified)");
    expect(s.ending?.verification).toBe("passed");
  });

  it("keeps the next step of a failed verification offered until something is approved", () => {
    const first = approved("p1", "restart-pod");
    const failed: TimelineEntry = {
      at: at(),
      type: ENTRY.verificationFailed,
      by: "worker",
      data: {
        proposalId: "p1",
        action: "restart-pod",
        checks: [],
        nextSteps: [
          { kind: "raise-memory-limit", proposalId: "p9" },
          { kind: "advice", proposalId: null },
        ],
      },
    };
    const resolved = incident({ status: "resolved", resolvedAt: T0 + 30 * MIN });
    const s = summariseIncident({ incident: resolved, timeline: [first, failed], permalink: null }, T0);
    expect(s.nextSteps).toEqual([{ proposalId: "p9", kind: "raise-memory-limit" }]);
    const later = summariseIncident(
      { incident: resolved, timeline: [first, failed, approved("p9")], permalink: null },
      T0,
    );
    expect(later.nextSteps).toEqual([]);
  });
});
