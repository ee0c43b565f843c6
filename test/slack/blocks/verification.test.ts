// The verification message, its next-step buttons and its "Diagnose again": snapshots, limits,
// the button contract shared with the app's approval listener, and escaping.

import type { Action } from "@rdev/bot/diagnose/types.ts";
import { PROPOSAL_ACTION_PREFIX } from "@rdev/bot/render/blocks/diagnosis.ts";
import { slackLimitViolations } from "@rdev/bot/render/blocks/limits.ts";
import { podLines, verificationMessage } from "@rdev/bot/render/blocks/verification.ts";
import { THREAD_COLUMNS } from "@rdev/bot/render/blocks/worst-pods.ts";
import type { StoredSample, Verdict } from "@rdev/bot/verify/verify.ts";
import { describe, expect, it } from "vitest";

const samples: StoredSample[] = [
  { at: 1, maxPercent: 83.5, pods: { "rdev-api-aaa": 41.5, "rdev-api-bbb": 83.5 } },
  { at: 2, maxPercent: 87.7, pods: { "rdev-api-aaa": 42, "rdev-api-bbb": 87.7 } },
  { at: 3, maxPercent: 91.9, pods: { "rdev-api-aaa": 41.8, "rdev-api-bbb": 91.9 } },
];
const before = { "rdev-api-old": 96.1, "rdev-api-aaa": 32.7, "rdev-api-bbb": 31.1 };
const passed: Verdict = {
  passed: true,
  checks: [
    { id: "memory", ok: true, text: "every pod below 80% in every sample (peak 42.0%)" },
    { id: "trend", ok: true, text: "not climbing across 3 samples" },
    { id: "oom", ok: true, text: "no OOMKilled and no restarts since the action" },
    { id: "ready", ok: true, text: "/ready 200 on all 3 pods" },
    { id: "rollout", ok: true, text: "rollout complete (3 of 3 updated, 3 available)" },
  ],
};
const failed: Verdict = {
  passed: false,
  checks: [
    { id: "memory", ok: false, text: "above 80% of the limit: rdev-api-bbb up to 91.9%" },
    { id: "trend", ok: false, text: "still climbing: rdev-api-bbb 83.5% → 91.9%" },
    { id: "oom", ok: true, text: "no OOMKilled and no restarts since the action" },
    { id: "ready", ok: true, text: "/ready 200 on all 3 pods" },
  ],
};
const raise: Action = {
  id: "raise-memory-limit:rdev-api",
  kind: "raise-memory-limit",
  title: "Raise the memory limit 512Mi → 768Mi",
  reason: "Peak usage 474Mi of 512Mi: 768Mi is the next step that leaves it under 80%.",
  destructive: true,
  kubectl: "kubectl -n rdev set resources deployment/rdev-api -c rdev-api --limits=memory=768Mi",
  params: {
    namespace: "rdev",
    deployment: "rdev-api",
    container: "rdev-api",
    from: "512Mi",
    fromBytes: 1,
    to: "768Mi",
    toBytes: 2,
  },
};
const common = { before, samples, stabilisationMs: 300_000, sampleIntervalMs: 30_000 };

describe("verificationMessage", () => {
  it("passed", () => {
    const m = verificationMessage({
      ...common,
      title: "Restart of rdev-api-old",
      verdict: passed,
      nextSteps: [],
    });
    expect(m.text).toBe("Verification passed: Restart of rdev-api-old (memory 96.1% → 91.9%)");
    expect(slackLimitViolations(m)).toEqual([]);
    expect(m).toMatchSnapshot();
  });

  it("failed, with the runbook's next steps", () => {
    const m = verificationMessage({
      ...common,
      title: "Restart of rdev-api-old",
      verdict: failed,
      nextSteps: [
        { step: { kind: "action", action: raise, why: "The restart did not hold." }, proposalId: "prop-123" },
        {
          step: {
            kind: "advice",
            topic: "sse-leak",
            title: "Time out leaking SSE connections at Traefik",
            steps: ["Reduce the timeout."],
            why: "SSE leak.",
          },
          proposalId: null,
        },
      ],
    });
    expect(slackLimitViolations(m)).toEqual([]);
    expect(m).toMatchSnapshot();
    // The app's approval listener takes any action_id with this prefix and only the value (the proposal id).
    const buttons = m.blocks.flatMap((b) => ("accessory" in b && b.accessory ? [b.accessory] : []));
    expect(buttons).toEqual([
      expect.objectContaining({
        type: "button",
        value: "prop-123",
        action_id: `${PROPOSAL_ACTION_PREFIX}raise-memory-limit:next0`,
      }),
    ]);
  });

  it("an action without a proposal gets no button", () => {
    const m = verificationMessage({
      ...common,
      title: "x",
      verdict: failed,
      nextSteps: [{ step: { kind: "action", action: raise, why: "w" }, proposalId: null }],
    });
    expect(JSON.stringify(m.blocks)).not.toContain('"accessory"');
  });

  it("lists replaced pods, and keeps pod names inert", () => {
    const m = verificationMessage({
      ...common,
      title: "Restart of <@U123>",
      before: { "*evil*": 90 },
      verdict: passed,
      nextSteps: [],
    });
    const text = JSON.stringify(m.blocks);
    expect(text).toContain("(replaced)");
    expect(text).not.toContain("<@U123>");
  });

  it("fits the thread pane: long pod names keep their tail, at most the last three samples", () => {
    const pods = (p: number) => ({
      "rdev-api-production-eu-west-8586cfc597-8ggws": p,
      "rdev-api-production-eu-west-8586cfc597-nghfd": p + 1,
    });
    const five: StoredSample[] = [30, 31, 32, 33, 100].map((p, i) => ({
      at: i,
      maxPercent: p + 1,
      pods: pods(p),
    }));
    const table = podLines({ "rdev-api-production-eu-west-776bb57b9d-swdtb": 95.5, ...pods(90) }, five);
    const lines = table.split("\n");
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(THREAD_COLUMNS);
    expect(lines[0]).toMatch(/before +#3 +#4 +#5$/);
    expect(table).toContain("…8586cfc597-8ggws");
    expect(table).toContain("…776bb57b9d-swdtb");
    expect(table).toContain("(replaced)");
    expect(table).toContain("100.0%");
    expect(table).not.toContain(" 30.0%");
  });

  it("stays within limits with many pods", () => {
    const pods = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`rdev-api-${"x".repeat(50)}-${i}`, 40]),
    );
    const m = verificationMessage({
      ...common,
      samples: [{ at: 1, maxPercent: 40, pods }],
      title: "x",
      verdict: passed,
      nextSteps: [],
    });
    expect(slackLimitViolations(m)).toEqual([]);
    expect(JSON.stringify(m.blocks)).toContain("more pods");
  });
});

describe("a failed verification keeps a way forward", () => {
  it("offers Diagnose again for the incident; a passed one does not", () => {
    const failedVerdict: Verdict = {
      passed: false,
      checks: passed.checks.map((c) => ({ ...c, ok: c.id !== "trend" })),
    };
    const m = verificationMessage({
      ...common,
      title: "Restart of x",
      verdict: failedVerdict,
      nextSteps: [],
      incidentId: "inc-1",
    });
    const again = m.blocks.find((b) => b.type === "actions");
    expect(JSON.stringify(again)).toContain('"action_id":"diagnose_again"');
    expect(JSON.stringify(again)).toContain('"value":"inc-1"');
    const ok = verificationMessage({
      ...common,
      title: "Restart of x",
      verdict: passed,
      nextSteps: [],
      incidentId: "inc-1",
    });
    expect(JSON.stringify(ok.blocks)).not.toContain("diagnose_again");
  });
});
