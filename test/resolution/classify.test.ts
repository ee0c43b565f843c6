// classifyOutcome: why an incident ended, from the pods as they are and the bot's own actions.
// Table-driven; every case names the fact that decides it, and "resolved on its own" only wins when
// nothing else explains the ending.

import {
  type BotAction,
  classifyOutcome,
  type PodFacts,
  replicaSetOfPodName,
} from "@rdev/bot/history/resolution/classify.ts";
import { describeOutcome, resolutionLine } from "@rdev/bot/history/resolution/describe.ts";
import { describe, expect, it } from "vitest";

const T0 = Date.parse("2026-12-06T03:00:00Z");
const MIN = 60_000;
const RS = "rdev-api-7d9f8b6c5d";
const A = `${RS}-lq6s8`;
const B = `${RS}-x2k4q`;
const C = `${RS}-m9v7t`;

const pod = (name: string, over: Partial<PodFacts> = {}): PodFacts => ({
  name,
  replicaSet: replicaSetOfPodName(name),
  createdAt: T0 - 60 * MIN,
  restartCount: 0,
  lastTermination: null,
  terminatedNow: null,
  ...over,
});
const oom = (at: number) => ({ reason: "OOMKilled", exitCode: 137, at, clusterAt: at });
const restart = (at: number) => ({ reason: "Error", exitCode: 2, at, clusterAt: at });
const action = (over: Partial<BotAction> = {}): BotAction => ({
  proposalId: "p1",
  action: "raise-memory-limit",
  text: "Raise the memory limit to 1Gi",
  approvedBy: "U0ONCALL01",
  appliedAt: T0 + 5 * MIN,
  verification: "passed",
  ...over,
});
const input = (pods: PodFacts[] | null, actions: BotAction[] = [], alertPods = [A]) => ({
  startedAt: T0,
  resolvedAt: T0 + 20 * MIN,
  alertPods,
  pods,
  actions,
});

describe("classifyOutcome", () => {
  it.each([
    [
      "an untreated leak ends in an OOM kill of the pod that alerted",
      input([pod(A, { restartCount: 1, lastTermination: oom(T0 + 12 * MIN) }), pod(B)]),
      { kind: "oom_kill", pod: A, at: T0 + 12 * MIN, restartCount: 1 },
    ],
    [
      "a kill before the bot's action decides, and the action is noted",
      input([pod(A, { restartCount: 1, lastTermination: oom(T0 + 3 * MIN) }), pod(B)], [action()]),
      { kind: "oom_kill", pod: A, notes: ["Raise the memory limit to 1Gi was applied after the kill"] },
    ],
    [
      "an applied action explains the ending, with its approver and verification",
      input([pod(B), pod(C)], [action({ verification: null })]),
      {
        kind: "action",
        approvedBy: "U0ONCALL01",
        verification: "pending",
        actionText: "Raise the memory limit to 1Gi",
      },
    ],
    [
      "a kill after an action that held is a note on the action",
      input(
        [pod(A, { restartCount: 1, lastTermination: oom(T0 + 9 * MIN) })],
        [action({ verification: null })],
      ),
      { kind: "action", verification: "pending", notes: [`${A} was OOM-killed after the action`] },
    ],
    [
      "a kill after a fix that did not hold ended it",
      input(
        [pod(A, { restartCount: 1, lastTermination: oom(T0 + 9 * MIN) })],
        [action({ verification: "failed" })],
      ),
      { kind: "oom_kill", pod: A, notes: ["Raise the memory limit to 1Gi had been tried and did not hold"] },
    ],
    [
      "a heap capture is not a fix",
      input(
        [pod(A, { restartCount: 1, lastTermination: oom(T0 + 9 * MIN) })],
        [action({ action: "capture-heap-profile" })],
      ),
      { kind: "oom_kill" },
    ],
    [
      "the pods replaced by a new ReplicaSet the bot did not make",
      input([
        pod("rdev-api-5f6b7c8d9f-bcdfg", { createdAt: T0 + 8 * MIN }),
        pod("rdev-api-5f6b7c8d9f-hjklm", { createdAt: T0 + 9 * MIN }),
      ]),
      { kind: "rollout", replacement: "rdev-api-5f6b7c8d9f", at: T0 + 8 * MIN },
    ],
    [
      "the alerting pod deleted by someone, replaced from its own ReplicaSet",
      input([pod(B), pod(C, { createdAt: T0 + 7 * MIN })]),
      { kind: "pod_replaced", pod: A, replacement: C, at: T0 + 7 * MIN },
    ],
    [
      "a container restart that was not an OOM kill",
      input([pod(A, { restartCount: 2, lastTermination: restart(T0 + 11 * MIN) })]),
      { kind: "restarted", pod: A, reason: "Error", restartCount: 2 },
    ],
    [
      "an OOM kill long before the incident does not count",
      input([pod(A, { restartCount: 1, lastTermination: oom(T0 - 90 * MIN) })]),
      { kind: "memory_fell" },
    ],
    ["nothing happened: memory fell on its own", input([pod(A), pod(B)]), { kind: "memory_fell" }],
    [
      "a container OOM-killed and not restarted yet",
      input([pod(A, { terminatedNow: "OOMKilled", restartCount: 0 })]),
      { kind: "oom_kill", pod: A, at: null },
    ],
    [
      "the cluster could not be read",
      { ...input(null), readError: "pods is forbidden" },
      { kind: "unknown", error: "pods is forbidden" },
    ],
    [
      "the cluster could not be read, but the bot's own action is known",
      input(null, [action()]),
      { kind: "action", verification: "passed" },
    ],
  ])("%s", (_name, given, expected) => {
    expect(classifyOutcome(given)).toMatchObject(expected);
  });

  it("reads the ReplicaSet from a Deployment pod's generated name", () => {
    expect(replicaSetOfPodName(A)).toBe(RS);
    expect(replicaSetOfPodName("redis-0")).toBeNull();
  });
});

describe("describeOutcome", () => {
  const slack = { who: (id: string) => `<@${id}>`, name: (n: string) => `\`${n}\``, text: (t: string) => t };

  it("names the pod, the time and the restart count of an OOM kill; never 'on its own'", () => {
    const o = classifyOutcome(input([pod(A, { restartCount: 1, lastTermination: oom(T0 + 12 * MIN) })]));
    const line = resolutionLine(o, 20 * MIN, slack);
    expect(line).toBe(
      `:large_yellow_circle: Resolved after 20m: \`${A}\` was OOM-killed at 03:12 UTC, restart count 1. The kill freed the memory; nothing was fixed, so the leak will come back.`,
    );
  });

  it("labels the cluster's clock when it differs from real time", () => {
    const o = classifyOutcome(
      input([
        pod(A, { restartCount: 1, lastTermination: { ...oom(T0 + 12 * MIN), clusterAt: T0 + 95 * MIN } }),
      ]),
    );
    expect(describeOutcome(o, slack)).toContain("03:12 UTC (cluster clock 04:35)");
  });

  it("credits the approver of the fix", () => {
    const o = classifyOutcome(input([pod(B)], [action()]));
    expect(describeOutcome(o, slack)).toBe(
      "fixed by Raise the memory limit to 1Gi, approved by <@U0ONCALL01>, applied at 03:05 UTC; the fix was verified.",
    );
  });
});
