// The remediation progress messages: snapshots, Slack's limits, and untrusted text kept inert.

import type { HeapSummary } from "@rdev/bot/diagnose/pprof.ts";
import type { Plan } from "@rdev/bot/remediate/actions/types.ts";
import { slackLimitViolations } from "@rdev/bot/render/blocks/limits.ts";
import {
  actionAppliedMessage,
  actionFailedMessage,
  actionFinishedMessage,
  actionInterruptedMessage,
  actionStartingMessage,
  formatTook,
  heapProfileMessage,
  rolloutStuckMessage,
  who,
} from "@rdev/bot/render/blocks/progress.ts";
import { describe, expect, it } from "vitest";

const plan: Plan = {
  kind: "restart-pod",
  summary: "Evict pod rdev-api-7c9 (uid 1f2e) of rdev/rdev-api; its ReplicaSet starts a replacement.",
  kubectl: "echo '{}' | kubectl create --raw /api/v1/namespaces/rdev/pods/rdev-api-7c9/eviction -f -",
  mechanism: "Runbook: kubectl -n rdev delete pod rdev-api-7c9.",
  mutates: true,
  rollsPods: true,
};

const heap: HeapSummary = {
  sampleType: "inuse_space",
  totalInuseBytes: 420 * 1024 ** 2,
  totalInuseObjects: 12_000,
  top: [
    {
      function: "rdev/internal/sse.(*Hub).Subscribe",
      file: null,
      inuseBytes: 300 * 1024 ** 2,
      share: 0.71,
      stack: [],
    },
    { function: "bufio.NewWriterSize", file: null, inuseBytes: 80 * 1024 ** 2, share: 0.19, stack: [] },
  ],
  cumulative: [],
};

const messages = {
  starting: actionStartingMessage({ plan, approvedBy: "U0LEAD0001", resumed: false }),
  resuming: actionStartingMessage({
    plan: { ...plan, mechanism: null },
    approvedBy: "alertmanager",
    resumed: true,
  }),
  applied: actionAppliedMessage({
    plan,
    outcome: { status: "applied", summary: "Evicted rdev-api-7c9 (uid 1f2e)." },
    tookMs: 42.4,
    waitingMs: 600_000,
  }),
  alreadyDone: actionAppliedMessage({
    plan,
    outcome: { status: "already_done", summary: "Already evicted." },
    tookMs: 1500,
    waitingMs: null,
  }),
  finished: actionFinishedMessage({
    plan,
    progress: "rollout complete (3 of 3 updated, 3 available)",
    tookMs: 74_000,
    verifyInMs: 300_000,
  }),
  retrying: actionFailedMessage({
    title: "Restart of rdev-api-7c9",
    reason: "The API server failed (500).",
    retry: { attempt: 1, of: 3 },
  }),
  failed: actionFailedMessage({
    title: "Restart of rdev-api-7c9",
    reason: 'Forbidden: grant verb "create".',
    retry: null,
  }),
  stuck: rolloutStuckMessage({ plan, progress: "rolling out: 1 of 3 updated", waitedMs: 600_000 }),
  interrupted: actionInterruptedMessage({ title: "Restart of rdev-api-7c9", phase: "execute" }),
  heap: heapProfileMessage({ pod: "rdev-api-7c9", summary: heap, tookMs: 350 }),
};

describe("progress messages", () => {
  it.each(Object.entries(messages))("%s matches its snapshot and Slack's limits", (_name, message) => {
    expect(slackLimitViolations(message)).toEqual([]);
    expect(message).toMatchSnapshot();
  });

  it("keeps cluster text inert: no mentions, links or formatting from a pod name or error", () => {
    const evil = "rdev-api-<!channel>-*bold*";
    const m = actionFailedMessage({
      title: `Restart of ${evil}`,
      reason: "<https://evil.example|click> @here",
      retry: null,
    });
    const text = JSON.stringify(m.blocks);
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<https://evil");
    expect(text).not.toContain("@here");
    expect(text).not.toContain("*bold*");
  });

  it("clips a huge reason to Slack's section limit", () => {
    const m = actionFailedMessage({ title: "x", reason: "y".repeat(10_000), retry: null });
    expect(slackLimitViolations(m)).toEqual([]);
  });

  it.each([
    [0, "0 ms"],
    [42.4, "42 ms"],
    [999, "999 ms"],
    [1000, "1.0 s"],
    [59_949, "59.9 s"],
    [74_000, "1m"],
  ])("formatTook(%d) = %s", (ms, text) => {
    expect(formatTook(ms)).toBe(text);
  });

  it.each([
    ["U0LEAD0001", "<@U0LEAD0001>"],
    ["W0ENTERPRS", "<@W0ENTERPRS>"],
    ["alertmanager", "alertmanager"],
    ["<!here>", "&lt;!here&gt;"],
  ])("who(%s)", (id, shown) => {
    expect(who(id)).toBe(shown);
  });
});

describe("a way forward after any action", () => {
  const again = (blocks: unknown[]) => JSON.stringify(blocks).includes('"action_id":"diagnose_again"');

  it("offers Diagnose again when an action finished, and after a final failure, not while retrying", () => {
    const finished = actionFinishedMessage({
      plan,
      progress: "3/3 pods updated",
      tookMs: 1200,
      verifyInMs: 300_000,
      diagnoseAgain: { incidentId: "inc-1" },
    });
    expect(again(finished.blocks)).toBe(true);
    expect(JSON.stringify(finished.blocks)).toContain('"value":"inc-1"');
    const final = actionFailedMessage({
      title: "Restart",
      reason: "403",
      retry: null,
      diagnoseAgain: { incidentId: null },
    });
    expect(again(final.blocks)).toBe(true);
    const retrying = actionFailedMessage({
      title: "Restart",
      reason: "timeout",
      retry: { attempt: 1, of: 3 },
      diagnoseAgain: { incidentId: null },
    });
    expect(again(retrying.blocks)).toBe(false);
  });
});
