// The runbook's verification verdicts and next steps, table-driven.

import type { Action, RankedCause } from "@rdev/bot/diagnose/types.ts";
import {
  beforeAfter,
  climbing,
  nextSteps,
  oomSince,
  type PodSample,
  type StoredSample,
  storeSample,
  type Verdict,
  type VerifyInput,
  verifyVerdict,
} from "@rdev/bot/verify/verify.ts";
import { describe, expect, it } from "vitest";

const ACTION_AT = Date.parse("2026-11-26T03:10:00Z");

function pod(name: string, overrides: Partial<PodSample> = {}): PodSample {
  return {
    name,
    uid: `uid-${name}`,
    percent: 40,
    workingSetBytes: 200 * 1024 ** 2,
    limitBytes: 512 * 1024 ** 2,
    readyStatus: 200,
    restarts: 0,
    lastTermination: null,
    terminating: false,
    ...overrides,
  };
}

const sample = (at: number, pods: Record<string, number | null>): StoredSample => ({
  at,
  maxPercent: Math.max(0, ...Object.values(pods).filter((n): n is number => n !== null)),
  pods,
});

function input(overrides: Partial<VerifyInput> = {}): VerifyInput {
  return {
    warningPercent: 80,
    tolerancePoints: 2,
    samples: [sample(1, { a: 40, b: 41 }), sample(2, { a: 40.5, b: 41 }), sample(3, { a: 40.2, b: 41.2 })],
    final: [pod("a"), pod("b")],
    restartsAtAction: { "uid-a": 0, "uid-b": 0 },
    actionFinishedAt: ACTION_AT,
    rollout: { done: true, summary: "rollout complete (2 of 2 updated, 2 available)" },
    ...overrides,
  };
}

const failing = (v: Verdict) => v.checks.filter((c) => !c.ok).map((c) => c.id);

describe("verifyVerdict", () => {
  const cases: { name: string; input: VerifyInput; failed: string[]; text?: RegExp }[] = [
    { name: "everything fine", input: input(), failed: [] },
    {
      name: "a pod above the warning threshold in one sample",
      input: input({ samples: [sample(1, { a: 40 }), sample(2, { a: 81 }), sample(3, { a: 79 })] }),
      failed: ["memory"],
      text: /a up to 81\.0%/,
    },
    {
      name: "exactly at the threshold counts as above",
      input: input({ samples: [sample(1, { a: 80 }), sample(2, { a: 79 })] }),
      failed: ["memory"],
    },
    {
      name: "no memory figure for a pod",
      input: input({ samples: [sample(1, { a: 40, b: null }), sample(2, { a: 40, b: null })] }),
      failed: ["memory"],
      text: /no memory figure for b/,
    },
    {
      name: "no pods at all in the samples",
      input: input({ samples: [sample(1, {}), sample(2, {})], final: [] }),
      failed: ["memory", "ready"],
    },
    {
      name: "climbing on every sample beyond the tolerance",
      input: input({ samples: [sample(1, { a: 50 }), sample(2, { a: 55 }), sample(3, { a: 61 })] }),
      failed: ["trend"],
      text: /a 50\.0% → 61\.0%/,
    },
    {
      name: "rising but within the tolerance",
      input: input({ samples: [sample(1, { a: 50 }), sample(2, { a: 50.5 }), sample(3, { a: 51 })] }),
      failed: [],
    },
    {
      name: "up and down is not climbing",
      input: input({ samples: [sample(1, { a: 50 }), sample(2, { a: 58 }), sample(3, { a: 55 })] }),
      failed: [],
    },
    {
      name: "a single sample cannot show a trend",
      input: input({ samples: [sample(1, { a: 40 })] }),
      failed: ["trend"],
    },
    {
      name: "OOMKilled since the action (restart count went up)",
      input: input({
        final: [
          pod("a", { restarts: 1, lastTermination: { reason: "OOMKilled", finishedAt: ACTION_AT + 60_000 } }),
          pod("b"),
        ],
      }),
      failed: ["oom"],
      text: /a OOMKilled \(1 restart\)/,
    },
    {
      name: "an OOM kill before the action does not count",
      input: input({
        final: [
          pod("a", { restarts: 3, lastTermination: { reason: "OOMKilled", finishedAt: ACTION_AT - 60_000 } }),
        ],
        restartsAtAction: { "uid-a": 3 },
      }),
      failed: [],
    },
    {
      name: "a replacement pod (not in the baseline) that restarted",
      input: input({
        final: [pod("new", { restarts: 1, lastTermination: { reason: "Error", finishedAt: null } })],
        restartsAtAction: {},
      }),
      failed: ["oom"],
      text: /new restarted 1x \(Error\)/,
    },
    {
      name: "OOMKilled after the action though the count is unchanged (the kill the baseline missed)",
      input: input({
        final: [
          pod("a", { restarts: 2, lastTermination: { reason: "OOMKilled", finishedAt: ACTION_AT + 1 } }),
        ],
        restartsAtAction: { "uid-a": 2 },
      }),
      failed: ["oom"],
    },
    {
      name: "/ready not 200, and no answer",
      input: input({ final: [pod("a", { readyStatus: 503 }), pod("b", { readyStatus: null })] }),
      failed: ["ready"],
      text: /a \(503\), b \(no answer\)/,
    },
    {
      name: "terminating pods are not asked for /ready",
      input: input({ final: [pod("a"), pod("old", { terminating: true, readyStatus: null })] }),
      failed: [],
    },
    {
      name: "rollout not complete",
      input: input({ rollout: { done: false, summary: "rolling out: 1 of 3 updated" } }),
      failed: ["rollout"],
    },
  ];
  it.each(cases)("$name", ({ input: i, failed, text }) => {
    const v = verifyVerdict(i);
    expect(failing(v)).toEqual(failed);
    expect(v.passed).toBe(failed.length === 0);
    if (text) expect(v.checks.map((c) => c.text).join("\n")).toMatch(text);
  });

  it("has no rollout check for actions that do not replace pods", () => {
    expect(verifyVerdict(input({ rollout: null })).checks.map((c) => c.id)).toEqual([
      "memory",
      "trend",
      "oom",
      "ready",
    ]);
  });
});

describe("climbing", () => {
  it.each([
    { series: [], expected: false },
    { series: [10], expected: false },
    { series: [10, 12], expected: true },
    { series: [10, 11], expected: false },
    { series: [10, 12, 12], expected: false },
    { series: [10, 11, 12.5], expected: true },
    { series: [12, 11, 10], expected: false },
  ])("$series -> $expected", ({ series, expected }) => {
    expect(climbing(series, 2)).toBe(expected);
  });
});

describe("samples and figures", () => {
  it("storeSample keeps live pods only and their highest figure", () => {
    const s = storeSample(5, [
      pod("a", { percent: 41 }),
      pod("b", { percent: null }),
      pod("c", { percent: 90, terminating: true }),
    ]);
    expect(s).toEqual({ at: 5, maxPercent: 41, pods: { a: 41, b: null } });
  });

  it("beforeAfter gives the highest pod before and at the last sample", () => {
    expect(beforeAfter({ a: 96.1, b: 40 }, [sample(1, { x: 50 }), sample(2, { x: 41.5, y: null })])).toEqual({
      before: 96.1,
      after: 41.5,
    });
    expect(beforeAfter({}, [])).toEqual({ before: null, after: null });
  });

  it("oomSince compares with the UID's restart count at the action", () => {
    const p = pod("a", { restarts: 4, lastTermination: { reason: "OOMKilled", finishedAt: ACTION_AT + 5 } });
    expect(oomSince(p, { "uid-a": 2 }, ACTION_AT)).toEqual({ restarted: 2, oomKilled: true });
    expect(oomSince(pod("a", { restarts: 1 }), { "uid-a": 1 }, ACTION_AT)).toEqual({
      restarted: 0,
      oomKilled: false,
    });
  });
});

const raise: Action = {
  id: "raise-memory-limit:rdev-api",
  kind: "raise-memory-limit",
  title: "Raise the memory limit 512Mi → 768Mi",
  reason: "Peak usage 474Mi of 512Mi",
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
const ttl: Action = {
  id: "set-cache-ttl:rdev-api",
  kind: "set-cache-ttl",
  title: "Lower CACHE_TTL to 15s",
  reason: "Cache growth",
  destructive: true,
  kubectl: null,
  params: {
    namespace: "rdev",
    deployment: "rdev-api",
    container: "rdev-api",
    env: "CACHE_TTL",
    value: "15s",
    current: "5m",
  },
};
const sseAdvice: Action = {
  id: "advice:sse-leak",
  kind: "advice",
  title: "Find and time out leaking SSE connections",
  reason: "SSE leak",
  destructive: false,
  kubectl: null,
  params: {
    topic: "sse-leak",
    steps: ["Reduce the Traefik timeout."],
    commands: ["kubectl -n rdev logs -l app=rdev-api"],
  },
};
const cause = (id: RankedCause["id"]): RankedCause => ({
  id,
  title: id === "sse-leak" ? "SSE connection leak" : "Cache growth",
  score: 0.9,
  confidence: "high",
  evidence: [],
  runbookSection: null,
});
const failedVerdict = (...ids: string[]): Verdict => ({
  passed: false,
  checks: ["memory", "trend", "oom", "ready"].map((id) => ({
    id: id as "memory",
    ok: !ids.includes(id),
    text: "",
  })),
});

describe("nextSteps", () => {
  const cases: {
    name: string;
    action: "restart-pod" | "rolling-restart" | "raise-memory-limit" | "set-cache-ttl";
    failed: string[];
    actions: Action[];
    causes: RankedCause[];
    expected: string[];
  }[] = [
    {
      name: "a restart that did not hold -> raise the limit",
      action: "restart-pod",
      failed: ["trend"],
      actions: [raise],
      causes: [],
      expected: ["raise-memory-limit"],
    },
    {
      name: "rolling restart, OOM again -> raise the limit",
      action: "rolling-restart",
      failed: ["oom"],
      actions: [raise],
      causes: [],
      expected: ["raise-memory-limit"],
    },
    {
      name: "SSE leak -> raise, then the Traefik advice from the diagnosis",
      action: "restart-pod",
      failed: ["memory"],
      actions: [raise, sseAdvice],
      causes: [cause("sse-leak")],
      expected: ["raise-memory-limit", "advice:sse-leak"],
    },
    {
      name: "only /ready failing: no memory step",
      action: "restart-pod",
      failed: ["ready"],
      actions: [raise],
      causes: [],
      expected: [],
    },
    {
      name: "cache growth after a limit raise -> lower the TTL",
      action: "raise-memory-limit",
      failed: ["trend"],
      actions: [raise, ttl],
      causes: [cause("cache-growth")],
      expected: ["set-cache-ttl"],
    },
    {
      name: "after raising, no second raise",
      action: "raise-memory-limit",
      failed: ["memory"],
      actions: [raise],
      causes: [],
      expected: [],
    },
    {
      name: "after lowering the TTL, memory still high -> raise",
      action: "set-cache-ttl",
      failed: ["memory"],
      actions: [raise],
      causes: [],
      expected: ["raise-memory-limit"],
    },
  ];
  it.each(cases)("$name", ({ action, failed, actions, causes, expected }) => {
    const steps = nextSteps({ action, verdict: failedVerdict(...failed), actions, causes });
    expect(steps.map((s) => (s.kind === "action" ? s.action.kind : `advice:${s.topic}`))).toEqual(expected);
  });

  it("uses the diagnosis' own SSE advice (with its commands), else the runbook's Traefik text", () => {
    const withDiagnosis = nextSteps({
      action: "restart-pod",
      verdict: failedVerdict("memory"),
      actions: [sseAdvice],
      causes: [cause("sse-leak")],
    });
    expect(withDiagnosis[0]).toMatchObject({
      kind: "advice",
      steps: ["Reduce the Traefik timeout.", "Run: kubectl -n rdev logs -l app=rdev-api"],
    });
    const generic = nextSteps({
      action: "restart-pod",
      verdict: failedVerdict("memory"),
      actions: [],
      causes: [cause("sse-leak")],
    });
    expect(generic[0]?.kind === "advice" && generic[0].steps[0]).toMatch(/respondingTimeouts/);
  });
});
