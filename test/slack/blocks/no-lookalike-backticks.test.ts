// Backticks in what the bot itself writes (kubectl commands, notes, help) are code spans, built with
// code()/escapeWithTerms; only a backtick that came in with untrusted text becomes the look-alike
// "ˋ" (U+02CB). Renders an incident's thread and history from the real producers (diagnoses, the
// remediation plans behind the buttons, progress, verification and its next steps, failures,
// /rdev replies, the history views and the postmortem) and looks for the look-alike.

import { loadConfig } from "@rdev/bot/config.ts";
import type { Diagnosis } from "@rdev/bot/diagnose/types.ts";
import { summariseIncident } from "@rdev/bot/history/summary.ts";
import { KubeError } from "@rdev/bot/k8s/errors.ts";
import { ACTIONS } from "@rdev/bot/remediate/actions/index.ts";
import { diagnosisBlocks } from "@rdev/bot/render/blocks/diagnosis.ts";
import { compactDiagnosisBlocks } from "@rdev/bot/render/blocks/diagnosis-compact.ts";
import { helpBlocks } from "@rdev/bot/render/blocks/help.ts";
import { historyBlocks } from "@rdev/bot/render/blocks/history.ts";
import { homeView } from "@rdev/bot/render/blocks/home.ts";
import { postmortemMarkdown } from "@rdev/bot/render/blocks/postmortem.ts";
import {
  actionAppliedMessage,
  actionFailedMessage,
  actionFinishedMessage,
  actionInterruptedMessage,
  actionStartingMessage,
  rolloutStuckMessage,
} from "@rdev/bot/render/blocks/progress.ts";
import { incidentTimelineBlocks } from "@rdev/bot/render/blocks/timeline.ts";
import { verificationMessage } from "@rdev/bot/render/blocks/verification.ts";
import { parseRdevCommand } from "@rdev/bot/slack/commands/parse.ts";
import { proposalParts } from "@rdev/bot/slack/proposal-input.ts";
import { nextSteps } from "@rdev/bot/verify/verify.ts";
import { describe, expect, it } from "vitest";
import {
  criticalSseLeak,
  forbidden,
  healthy,
  manyPods,
  metricsServerMissing,
} from "../../support/diagnosis-fixtures.ts";
import { realisticRecord } from "../../support/history.ts";

const LOOKALIKE = "ˋ";
const config = loadConfig({});
const settings = {
  target: config.target,
  limits: config.limits,
  cache: config.cache,
  allowDeleteFallback: false,
};
const FAILED_VERDICT = {
  passed: false,
  checks: [
    { id: "memory" as const, ok: false, text: "above 80% of the limit: rdev-api-7c9f8-x2k4q up to 91.9%" },
    { id: "trend" as const, ok: false, text: "still climbing: rdev-api-7c9f8-x2k4q 83.5% → 91.9%" },
  ],
};

/** Every message of a thread about diagnosis `d`: the diagnosis, each proposed action's progress, a verification. */
function threadOf(d: Diagnosis): unknown[] {
  const messages: unknown[] = [diagnosisBlocks(d), compactDiagnosisBlocks(d, { detailsId: "d-00000001" })];
  for (const action of d.actions) {
    const parts = proposalParts(action, d);
    if (!parts) continue;
    const job = { action: parts.kind, params: parts.params, target: parts.target, approvedAt: 0 };
    const planned = ACTIONS[parts.kind].plan(job, settings);
    if (!planned.ok) {
      messages.push(actionFailedMessage({ title: action.title, reason: planned.reason, retry: null }));
      continue;
    }
    const plan = planned.plan;
    messages.push(
      actionStartingMessage({ plan, approvedBy: "U0LEAD0001", resumed: false }),
      actionAppliedMessage({
        plan,
        outcome: { status: "applied", summary: plan.summary },
        tookMs: 40,
        waitingMs: 1,
      }),
      actionFinishedMessage({ plan, progress: "rollout complete", tookMs: 9000, verifyInMs: 300_000 }),
      rolloutStuckMessage({ plan, progress: "1 of 3 updated", waitedMs: 600_000 }),
      actionInterruptedMessage({ title: action.title, phase: "execute" }),
    );
    const steps = nextSteps({
      action: parts.kind,
      verdict: FAILED_VERDICT,
      actions: d.actions,
      causes: d.causes,
    });
    messages.push(
      verificationMessage({
        title: action.title,
        verdict: FAILED_VERDICT,
        before: { "rdev-api-7c9f8-x2k4q": 97.7 },
        samples: [{ at: 1, maxPercent: 91.9, pods: { "rdev-api-7c9f8-x2k4q": 91.9 } }],
        stabilisationMs: 300_000,
        sampleIntervalMs: 30_000,
        nextSteps: steps.map((step, i) => ({ step, proposalId: `p-${i}` })),
      }),
    );
  }
  return messages;
}

const failures = [
  new KubeError({
    status: 403,
    code: "forbidden",
    verb: "create",
    resource: "pods/eviction",
    namespace: "rdev",
    name: "rdev-api-7c9",
    apiMessage: null,
  }),
  new KubeError({
    status: 409,
    code: "conflict",
    verb: "patch",
    resource: "deployments.apps",
    namespace: "rdev",
    name: "rdev-api",
    apiMessage: "the object has been modified",
  }),
  new Error("connect ECONNREFUSED 127.0.0.1:6443"),
].map((e) =>
  actionFailedMessage({ title: "Restart of rdev-api-7c9", reason: e.message, retry: { attempt: 1, of: 3 } }),
);

describe("the look-alike backtick", () => {
  it.each([
    ["a critical SSE leak", criticalSseLeak()],
    ["a healthy workload", healthy()],
    ["metrics-server missing", metricsServerMissing()],
    ["a forbidden pod list", forbidden()],
    ["many pods", manyPods(30)],
  ])("never appears in the thread of %s", (_what, d) => {
    expect(JSON.stringify(threadOf(d))).not.toContain(LOOKALIKE);
  });

  it("never appears in failure messages", () => {
    expect(JSON.stringify(failures)).not.toContain(LOOKALIKE);
  });

  it.each([
    "incident",
    "incident not/an/id",
    "mem history 500",
    "mem history x y",
    "mem status RDEV/api",
    "mem top",
    "frobnicate",
  ])("never appears in the reply to /rdev %s", (text) => {
    const parsed = parseRdevCommand(text, { namespace: "rdev", deployment: "rdev-api" });
    if (parsed.kind !== "help") throw new Error(`${text} is not a problem`);
    const help = helpBlocks({ command: "/rdev", target: "rdev/rdev-api", problem: parsed.problem });
    expect(JSON.stringify(help)).not.toContain(LOOKALIKE);
  });

  it("never appears in the history views or the postmortem", () => {
    const now = Date.parse("2026-11-26T04:00:00Z");
    const s = summariseIncident(realisticRecord(), now);
    const views = [
      incidentTimelineBlocks(s),
      historyBlocks([s], { days: 90, limit: 10 }),
      homeView({ target: "rdev/rdev-api", now, open: [], recent: [s], days: 90 }),
      postmortemMarkdown(s, { now, runbookUrl: null }),
    ];
    expect(JSON.stringify(views)).not.toContain(LOOKALIKE);
  });

  it("does appear for a backtick that came in with the cluster's text (the test can fail)", () => {
    const d = criticalSseLeak();
    const poisoned: Diagnosis = { ...d, notes: [{ source: "events", message: "event says `rm -rf`" }] };
    expect(JSON.stringify(threadOf(poisoned))).toContain(`${LOOKALIKE}rm -rf${LOOKALIKE}`);
    const problem = parseRdevCommand("mem `x`", { namespace: "rdev", deployment: "rdev-api" });
    expect(problem.kind === "help" ? problem.problem : "").toContain(`${LOOKALIKE}x${LOOKALIKE}`);
  });
});
