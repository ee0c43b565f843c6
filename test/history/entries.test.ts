// Timeline entries: every kind parses to its typed shape, including the entries the worker writes
// with its own `record` today; anything unknown or malformed is kept as "other", never dropped.

import { describeEntry } from "@rdev/bot/history/describe.ts";
import { ENTRY, parseEntry } from "@rdev/bot/history/entries.ts";
import type { TimelineEntry } from "@rdev/bot/intake/model.ts";
import { describe, expect, it } from "vitest";
import { sseLeakSnapshot } from "../support/history.ts";

const AT = Date.parse("2026-11-26T03:00:00Z");
const e = (type: string, data?: Record<string, unknown>, by?: string): TimelineEntry => ({
  at: AT,
  type,
  ...(by ? { by } : {}),
  ...(data ? { data } : {}),
});

describe("parseEntry", () => {
  it.each([
    [e("incident_opened", { key: "RdevAPIHighMemory/rdev/rdev-api" }, "alertmanager"), "Incident opened"],
    [
      e("alert_firing", { fingerprint: "fp1", pod: "rdev-api-a", value: 86.4 }),
      "Alert firing on rdev-api-a at 86.4% of the memory limit",
    ],
    // Entries written before alert values were recorded.
    [e("alert_resolved", { fingerprint: "fp1", pod: "rdev-api-a" }), "Alert resolved on rdev-api-a"],
    [
      e("alert_firing", {
        fingerprint: "fp2",
        alertName: "RdevAPIHighMemoryCritical",
        severity: "critical",
        pod: "rdev-api-a",
        value: 96.2,
      }),
      "RdevAPIHighMemoryCritical firing (critical) on rdev-api-a at 96.2% of the memory limit",
    ],
    [
      e("incident_outcome", { kind: "oom_kill", pod: "rdev-api-a", at: 1795662000000, restartCount: 1 }),
      "Ended: rdev-api-a was OOM-killed at 03:00 UTC, restart count 1. The kill freed the memory; nothing was fixed, so the leak will come back.",
    ],
    [e("root_posted", { channel: "C1", ts: "1.2" }, "app"), "Slack thread opened"],
    [e("incident_resolved", undefined, "alertmanager"), "Every alert cleared"],
    [
      e("diagnosis", { snapshot: sseLeakSnapshot("2026-11-26T03:00:00.000Z"), proposals: ["p1", "p2"] }),
      "Diagnosis: warning, peak 93.4% on rdev-api-7d9f8b6c5d-x2k4q, rising, likely SSE connection leak (high), 1 OOM kill, 2 action(s) proposed",
    ],
    // The worker's own diagnosis summary (packages/bot/src/worker/process-diagnose.ts).
    [
      e("diagnosis_posted", {
        requestId: "incident-x",
        requestedBy: "alertmanager",
        severity: "warning",
        headline: "Memory high",
        topCause: "sse-leak",
        proposals: ["p1"],
        error: null,
      }),
      "Diagnosis posted: warning, likely sse-leak, 1 action(s) proposed",
    ],
    [
      e("proposal_approved", { proposalId: "p1", action: "rolling-restart", params: {}, jobId: "j" }, "U1"),
      "Approved: Rolling restart",
    ],
    [
      e("proposal_refused", { proposalId: "p1", action: "rolling-restart", reason: "already_claimed" }, "U2"),
      "Approval of Rolling restart refused: already claimed",
    ],
    [
      e("action_applied", {
        proposalId: "p1",
        action: "restart-pod",
        summary: "Evicted rdev-api-a",
        details: { method: "eviction" },
        tookMs: 1500,
      }),
      "Restart pod applied in 1s: Evicted rdev-api-a",
    ],
    // The worker's failure entry (packages/bot/src/worker/process-remediate.ts).
    [
      e("action_failed", {
        proposalId: "p1",
        action: "restart-pod",
        code: "forbidden",
        message: "RBAC: no create pods/eviction",
        phase: "execute",
      }),
      "Restart pod failed: RBAC: no create pods/eviction",
    ],
    [
      e("verification_failed", {
        proposalId: "p1",
        action: "restart-pod",
        before: 97.1,
        after: 91,
        checks: [
          { id: "memory", ok: false, text: "worst pod 91.0% of its limit" },
          { id: "oom", ok: true, text: "no OOMKilled" },
        ],
        nextSteps: [],
      }),
      "Verification failed after Restart pod: 97.1% → 91.0% (worst pod 91.0% of its limit)",
    ],
    [
      e("verification_error", { proposalId: "p1", message: "timed out" }),
      "Verification could not run: timed out",
    ],
    [
      e("postmortem_exported", { fileId: "F1", channel: "C1", threadTs: "1.2" }, "U1"),
      "Postmortem draft exported",
    ],
  ])("%# %j", (raw, text) => {
    const parsed = parseEntry(raw);
    expect(parsed.type).toBe(raw.type);
    expect(describeEntry(parsed).text).toBe(text);
  });

  it("keeps unknown types and malformed data as 'other'", () => {
    const unknown = parseEntry(e("cache_flushed", { n: 1 }, "worker"));
    expect(unknown).toEqual({
      at: AT,
      by: "worker",
      type: "other",
      original: "cache_flushed",
      data: { n: 1 },
    });
    const malformed = parseEntry(e("proposal_approved", { action: 42 }));
    expect(malformed.type).toBe("other");
    expect(describeEntry(malformed).text).toBe("proposal approved");
    const badSnapshot = parseEntry(e(ENTRY.diagnosis, { snapshot: { version: 2 } }));
    expect(badSnapshot.type).toBe("other");
  });

  it("names people only for Slack users, not for the bot's own processes", () => {
    expect(
      describeEntry(parseEntry(e("proposal_approved", { proposalId: "p", action: "x" }, "U0LEAD0001"))).by,
    ).toBe("U0LEAD0001");
    expect(describeEntry(parseEntry(e("incident_resolved", undefined, "alertmanager"))).by).toBeNull();
  });
});
