// The runbook's "Verification" as pure verdicts over samples the worker took after the
// stabilisation window: memory below the warning threshold on every pod and not climbing across
// samples, no OOMKilled since the action, /ready 200 on every pod, and the rollout complete for
// actions that replace pods. A failure names the runbook's next step.
import type { Action, RankedCause } from "../diagnose/types.ts";
import type { ActionKind } from "../queue/jobs.ts";
import { type NextStep, nextSteps as runbookNextSteps } from "../runbooks/high-memory/next-steps.ts";

/** One pod at one sample. Times are cluster time (ms since the epoch). */
export type PodSample = {
  name: string;
  uid: string;
  percent: number | null;
  workingSetBytes: number | null;
  limitBytes: number | null;
  readyStatus: number | null;
  restarts: number;
  lastTermination: { reason: string; finishedAt: number | null } | null;
  terminating: boolean;
};

/** What a verify job keeps between its steps: memory % per pod name at each sample. */
export type StoredSample = { at: number; maxPercent: number; pods: Record<string, number | null> };

export type CheckId = "memory" | "trend" | "oom" | "ready" | "rollout";
export type Check = { id: CheckId; ok: boolean; text: string };

export type VerifyInput = {
  warningPercent: number;
  /** A rise smaller than this (percentage points, first to last sample) is not "climbing". */
  tolerancePoints: number;
  samples: readonly StoredSample[];
  /** The pods at the last sample, with restarts, terminations and /ready. */
  final: readonly PodSample[];
  /** Restart counts by pod UID when the action finished; pods created later start at 0. */
  restartsAtAction: Readonly<Record<string, number>>;
  actionFinishedAt: number;
  /** Rollout state, for actions that replace pods; null when not applicable. */
  rollout: { done: boolean; summary: string } | null;
};

export type Verdict = { passed: boolean; checks: Check[] };

const pct = (n: number) => `${n.toFixed(1)}%`;

/** Memory % per pod, last sample; pods without a figure are listed as null. */
export function storeSample(at: number, pods: readonly PodSample[]): StoredSample {
  const live = pods.filter((p) => !p.terminating);
  const figures = live.map((p) => p.percent).filter((n): n is number => n !== null);
  return {
    at,
    maxPercent: figures.length > 0 ? Math.max(...figures) : 0,
    pods: Object.fromEntries(live.map((p) => [p.name, p.percent])),
  };
}

function memoryCheck(input: VerifyInput): Check {
  const peaks = new Map<string, number>();
  const unknown = new Set<string>();
  for (const s of input.samples) {
    for (const [pod, percent] of Object.entries(s.pods)) {
      if (percent === null) unknown.add(pod);
      else if (percent >= input.warningPercent) peaks.set(pod, Math.max(percent, peaks.get(pod) ?? 0));
    }
  }
  const over = [...peaks].sort((a, b) => b[1] - a[1]).map(([pod, peak]) => `${pod} up to ${pct(peak)}`);
  if (input.samples.length === 0 || input.samples.every((s) => Object.keys(s.pods).length === 0))
    return { id: "memory", ok: false, text: "no memory figures: no pods, or metrics.k8s.io gave no usage" };
  if (over.length > 0)
    return {
      id: "memory",
      ok: false,
      text: `above ${input.warningPercent}% of the limit: ${over.slice(0, 5).join(", ")}`,
    };
  if (unknown.size > 0)
    return { id: "memory", ok: false, text: `no memory figure for ${[...unknown].slice(0, 5).join(", ")}` };
  const peak = Math.max(...input.samples.map((s) => s.maxPercent));
  return {
    id: "memory",
    ok: true,
    text: `every pod below ${input.warningPercent}% in every sample (peak ${pct(peak)})`,
  };
}

/** A pod climbs when it rose at every sample and by at least the tolerance overall. */
export function climbing(series: readonly number[], tolerancePoints: number): boolean {
  if (series.length < 2) return false;
  for (let i = 1; i < series.length; i++) if ((series[i] ?? 0) <= (series[i - 1] ?? 0)) return false;
  return (series.at(-1) ?? 0) - (series[0] ?? 0) >= tolerancePoints;
}

function trendCheck(input: VerifyInput): Check {
  const names = new Set(input.samples.flatMap((s) => Object.keys(s.pods)));
  const rising: string[] = [];
  for (const name of names) {
    const series = input.samples.map((s) => s.pods[name]).filter((n): n is number => typeof n === "number");
    if (climbing(series, input.tolerancePoints))
      rising.push(`${name} ${pct(series[0] ?? 0)} → ${pct(series.at(-1) ?? 0)}`);
  }
  if (input.samples.length < 2) return { id: "trend", ok: false, text: "fewer than two samples: no trend" };
  if (rising.length > 0)
    return { id: "trend", ok: false, text: `still climbing: ${rising.slice(0, 5).join(", ")}` };
  return { id: "trend", ok: true, text: `not climbing across ${input.samples.length} samples` };
}

/** Restarts and OOM kills since the action, per pod (UID baseline; finishedAt after the action). */
export function oomSince(pod: PodSample, restartsAtAction: Readonly<Record<string, number>>, since: number) {
  const restarted = pod.restarts - (restartsAtAction[pod.uid] ?? 0);
  const t = pod.lastTermination;
  const oomAfter = t?.reason === "OOMKilled" && t.finishedAt !== null && t.finishedAt > since;
  return {
    restarted: Math.max(0, restarted),
    oomKilled: oomAfter || (restarted > 0 && t?.reason === "OOMKilled"),
  };
}

function oomCheck(input: VerifyInput): Check {
  const bad: string[] = [];
  for (const p of input.final) {
    const o = oomSince(p, input.restartsAtAction, input.actionFinishedAt);
    if (o.oomKilled) bad.push(`${p.name} OOMKilled (${o.restarted} restart${o.restarted === 1 ? "" : "s"})`);
    else if (o.restarted > 0)
      bad.push(`${p.name} restarted ${o.restarted}x (${p.lastTermination?.reason ?? "?"})`);
  }
  if (bad.length > 0)
    return { id: "oom", ok: false, text: `since the action: ${bad.slice(0, 5).join(", ")}` };
  return { id: "oom", ok: true, text: "no OOMKilled and no restarts since the action" };
}

function readyCheck(input: VerifyInput): Check {
  const live = input.final.filter((p) => !p.terminating);
  if (live.length === 0) return { id: "ready", ok: false, text: "no running pods" };
  const bad = live.filter((p) => p.readyStatus !== 200);
  if (bad.length > 0)
    return {
      id: "ready",
      ok: false,
      text: `/ready not 200 on ${bad.map((p) => `${p.name} (${p.readyStatus ?? "no answer"})`).join(", ")}`,
    };
  return { id: "ready", ok: true, text: `/ready 200 on all ${live.length} pods` };
}

export function verifyVerdict(input: VerifyInput): Verdict {
  const checks = [memoryCheck(input), trendCheck(input), oomCheck(input), readyCheck(input)];
  if (input.rollout) checks.push({ id: "rollout", ok: input.rollout.done, text: input.rollout.summary });
  return { passed: checks.every((c) => c.ok), checks };
}

/** Max memory % before the action and at the last sample (null when unknown). */
export function beforeAfter(before: Readonly<Record<string, number>>, samples: readonly StoredSample[]) {
  const b = Object.values(before);
  const last = samples.at(-1);
  const a = last ? Object.values(last.pods).filter((n): n is number => n !== null) : [];
  return { before: b.length > 0 ? Math.max(...b) : null, after: a.length > 0 ? Math.max(...a) : null };
}

export type { NextStep };

/** The runbook's next steps (runbooks/high-memory/next-steps.ts) for this verdict. */
export function nextSteps(input: {
  action: ActionKind;
  verdict: Verdict;
  actions: readonly Action[];
  causes: readonly RankedCause[];
}): NextStep[] {
  const failed = new Set<string>(input.verdict.checks.filter((c) => !c.ok).map((c) => c.id));
  return runbookNextSteps({ action: input.action, failed, actions: input.actions, causes: input.causes });
}
