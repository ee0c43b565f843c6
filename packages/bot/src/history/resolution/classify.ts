// Why an incident ended, decided from what the cluster shows when its alerts cleared and from the
// bot's own timeline. The kinds, most specific first:
//   oom_kill      a pod of the incident was OOM-killed (container lastState) before any bot action
//   action        the bot's approved action applied during the incident (verified or not)
//   rollout       the incident's pods were replaced by a ReplicaSet the bot did not create
//   pod_replaced  an incident pod was deleted or evicted outside the bot; its ReplicaSet replaced it
//   restarted     an incident pod's container restarted for another reason (Error, liveness)
//   memory_fell   none of the above: memory fell on its own
//   unknown       the cluster could not be read
// "Resolved on its own" (memory_fell) is the last resort, never the default. Pure: every time is real
// time (ms); the caller converts the cluster's timestamps (cluster clocks may run fast in demos).
import { entryOf } from "../../runbooks/high-memory/catalog/index.ts";
import type { OutcomeData } from "./outcome.ts";

const SIGKILL_EXIT = 137;
/** Facts this long before the incident opened still count (the alert's `for` delays the opening). */
const BEFORE_MS = 2 * 60_000;
/** Facts this long after the resolution still count (Alertmanager's group_interval delays it). */
const AFTER_MS = 60_000;

export type Termination = {
  reason: string;
  exitCode: number;
  /** Real time of the kill, null when the cluster did not say. */
  at: number | null;
  /** The cluster's own timestamp of it, when its clock differs from real time. */
  clusterAt: number | null;
};

/** One current pod of the workload, as the classification needs it. */
export type PodFacts = {
  name: string;
  replicaSet: string | null;
  /** Real time. */
  createdAt: number;
  restartCount: number;
  /** The target container's last termination (lastState.terminated). */
  lastTermination: Termination | null;
  /** The target container is terminated right now (OOMKilled, not restarted yet). */
  terminatedNow: string | null;
};

/** An action of the bot during the incident (from the timeline). */
export type BotAction = {
  proposalId: string;
  action: string;
  text: string;
  approvedBy: string | null;
  /** When the action changed the cluster (action_applied / already_done), real time. */
  appliedAt: number | null;
  verification: "passed" | "failed" | null;
};

/** Actions that change nothing in the workload (a heap capture) explain no ending (the catalog's `fixes`). */
const notAFix = (action: string): boolean => entryOf(action)?.fixes === false;

export type ClassifyInput = {
  /** When the problem began (earliest alert start, else the incident's creation), real time. */
  startedAt: number;
  resolvedAt: number;
  /** Pods the incident's alerts named. */
  alertPods: readonly string[];
  /** Current pods of the workload; null when the cluster could not be read. */
  pods: readonly PodFacts[] | null;
  readError?: string | null;
  actions: readonly BotAction[];
};

/** The ReplicaSet a Deployment pod belongs to, from its generated name (rdev-api-7d9f8b6c5d-x2k4q). */
export function replicaSetOfPodName(pod: string): string | null {
  const match = /^(.+-[bcdfghjklmnpqrstvwxz2456789]{6,10})-[bcdfghjklmnpqrstvwxz2456789]{5}$/.exec(pod);
  return match?.[1] ?? null;
}

const isOom = (t: Termination) => t.reason === "OOMKilled" || t.exitCode === SIGKILL_EXIT;

type Kill = { pod: string; at: number | null; clusterAt: number | null; restartCount: number };

function killsOf(input: ClassifyInput, inWindow: (at: number | null) => boolean): Kill[] {
  const kills: Kill[] = [];
  for (const p of input.pods ?? []) {
    const t = p.lastTermination;
    if (t && isOom(t) && t.at !== null && inWindow(t.at))
      kills.push({ pod: p.name, at: t.at, clusterAt: t.clusterAt, restartCount: p.restartCount });
    else if (p.terminatedNow === "OOMKilled")
      kills.push({ pod: p.name, at: null, clusterAt: null, restartCount: p.restartCount });
  }
  const alerting = new Set(input.alertPods);
  // Kills of the pods that alerted first, then by time.
  return kills.sort(
    (a, b) =>
      Number(alerting.has(b.pod)) - Number(alerting.has(a.pod)) ||
      (a.at ?? Number.MAX_SAFE_INTEGER) - (b.at ?? Number.MAX_SAFE_INTEGER),
  );
}

const fmtKill = (k: Kill) => ({
  pod: k.pod,
  at: k.at,
  clusterAt: k.clusterAt,
  restartCount: k.restartCount,
});

export function classifyOutcome(input: ClassifyInput): OutcomeData {
  const from = input.startedAt - BEFORE_MS;
  const to = input.resolvedAt + AFTER_MS;
  const inWindow = (at: number | null) => at !== null && at >= from && at <= to;
  const base: OutcomeData = { kind: "unknown", notes: [] };
  const applied = input.actions
    .filter((a) => a.appliedAt !== null && a.appliedAt <= to && !notAFix(a.action))
    .sort((a, b) => (a.appliedAt ?? 0) - (b.appliedAt ?? 0));
  const firstAction = applied[0] ?? null;
  const lastAction = applied.at(-1) ?? null;

  if (input.pods === null) {
    if (lastAction) return withAction(base, lastAction, []);
    return { ...base, kind: "unknown", error: input.readError ?? "the cluster could not be read" };
  }

  const kills = killsOf(input, inWindow);
  const firstKill = kills[0] ?? null;
  const killBeforeAction =
    firstKill && (firstAction === null || (firstKill.at ?? 0) < (firstAction.appliedAt ?? 0));
  // A kill after an action that did not hold ended it, not the action.
  const killAfterFailedFix = firstKill && lastAction?.verification === "failed";
  if (firstKill && (killBeforeAction || killAfterFailedFix)) {
    const notes = kills.slice(1).map((k) => `${k.pod} was OOM-killed as well`);
    if (lastAction)
      notes.push(
        killBeforeAction
          ? `${lastAction.text} was applied after the kill`
          : `${lastAction.text} had been tried and did not hold`,
      );
    return { ...base, kind: "oom_kill", ...fmtKill(firstKill), notes };
  }
  if (lastAction) {
    const notes = kills.map((k) => `${k.pod} was OOM-killed after the action`);
    return withAction(base, lastAction, notes);
  }

  const current = new Set(input.pods.map((p) => p.name));
  const gone = input.alertPods.filter((p) => !current.has(p));
  if (gone.length > 0) {
    const goneSets = new Set(gone.map(replicaSetOfPodName).filter((r): r is string => r !== null));
    const fresh = input.pods.filter((p) => p.createdAt >= from).sort((a, b) => a.createdAt - b.createdAt);
    const sameSet = fresh.find((p) => p.replicaSet !== null && goneSets.has(p.replicaSet));
    const otherSet = fresh.find((p) => p.replicaSet !== null && !goneSets.has(p.replicaSet));
    const stillOld = input.pods.some((p) => p.replicaSet !== null && goneSets.has(p.replicaSet));
    if (otherSet && !stillOld) {
      return {
        ...base,
        kind: "rollout",
        pod: gone[0] ?? null,
        at: otherSet.createdAt,
        replacement: otherSet.replicaSet,
      };
    }
    return {
      ...base,
      kind: "pod_replaced",
      pod: gone[0] ?? null,
      at: sameSet?.createdAt ?? null,
      replacement: sameSet?.name ?? null,
      notes: gone.slice(1).map((p) => `${p} is gone as well`),
    };
  }

  const restarted = input.pods.find(
    (p) => input.alertPods.includes(p.name) && p.lastTermination !== null && inWindow(p.lastTermination.at),
  );
  if (restarted?.lastTermination) {
    return {
      ...base,
      kind: "restarted",
      pod: restarted.name,
      at: restarted.lastTermination.at,
      clusterAt: restarted.lastTermination.clusterAt,
      restartCount: restarted.restartCount,
      reason: restarted.lastTermination.reason,
    };
  }
  return { ...base, kind: "memory_fell" };
}

function withAction(base: OutcomeData, a: BotAction, notes: string[]): OutcomeData {
  return {
    ...base,
    kind: "action",
    at: a.appliedAt,
    proposalId: a.proposalId,
    action: a.action,
    actionText: a.text,
    approvedBy: a.approvedBy,
    verification: a.verification ?? "pending",
    notes,
  };
}
