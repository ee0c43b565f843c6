// What a remediation says in its thread, in order: what it is about to do (with the kubectl
// equivalent, for the record), what it did, how long it took, and where the rollout stands; or
// why it failed or was interrupted. Pure; cluster strings are escaped, fields clipped.
import type { KnownBlock } from "@slack/types";
import { formatBytes, formatDuration, formatPercent } from "../../diagnose/format.ts";
import type { HeapSummary } from "../../diagnose/pprof.ts";
import type { Outcome, Plan } from "../../remediate/actions/types.ts";
import { type DiagnoseAgainFor, diagnoseAgainBlock } from "./diagnose-again.ts";
import { clip, code, codeBlock, escapeMrkdwn } from "./escape.ts";
import { SLACK_LIMITS as L } from "./limits.ts";
import { type UndoOffer, undoBlock } from "./undo.ts";

export type Message = { text: string; blocks: KnownBlock[] };

const section = (text: string): KnownBlock => ({
  type: "section",
  text: { type: "mrkdwn", text: clip(text, L.sectionText) },
});
const context = (text: string): KnownBlock => ({
  type: "context",
  elements: [{ type: "mrkdwn", text: clip(text, L.contextText) }],
});
const fallback = (text: string) => clip(text, L.sectionText);

/** A Slack user id as a mention; anything else ("alertmanager") as escaped text. */
export function who(id: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(id) ? `<@${id}>` : escapeMrkdwn(id);
}

/** "45 ms", "1.2 s", "12m". */
export function formatTook(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatDuration(ms);
}

export type StartingInput = {
  plan: Plan;
  approvedBy: string;
  /** An earlier attempt was interrupted or failed after it started executing. */
  resumed: boolean;
};

export function actionStartingMessage(i: StartingInput): Message {
  const lead = i.resumed
    ? ":arrows_counterclockwise: *Resuming* (an earlier attempt stopped part-way; checking what it applied first):"
    : ":arrow_forward: *About to:*";
  const blocks: KnownBlock[] = [
    section(
      `${lead} ${escapeMrkdwn(i.plan.summary)}\nApproved by ${i.approvedBy.split(",").map(who).join(" and ")}.`,
    ),
    section(`*kubectl equivalent*\n${codeBlock(i.plan.kubectl)}`),
  ];
  if (i.plan.mechanism) blocks.push(context(escapeMrkdwn(i.plan.mechanism)));
  return { text: fallback(`${i.resumed ? "Resuming" : "About to"}: ${i.plan.summary}`), blocks };
}

const STATUS_EMOJI: Record<Outcome["status"], string> = {
  applied: ":white_check_mark:",
  already_done: ":ballot_box_with_check:",
  nothing_to_do: ":heavy_minus_sign:",
};

export type AppliedInput = {
  plan: Plan;
  outcome: Pick<Outcome, "status" | "summary">;
  tookMs: number;
  /** Rollout deadline when the worker now waits for the rollout; null when nothing to wait for. */
  waitingMs: number | null;
  /** The change can be undone: its Undo button, next to the result. */
  undo?: UndoOffer | null;
};

export function actionAppliedMessage(i: AppliedInput): Message {
  const wait =
    i.waitingMs === null ? "" : `\nWatching the rollout (deadline ${formatDuration(i.waitingMs)}).`;
  const text = `${STATUS_EMOJI[i.outcome.status]} ${escapeMrkdwn(i.outcome.summary)} (took ${formatTook(i.tookMs)})${wait}`;
  return {
    text: fallback(`${i.outcome.summary} (took ${formatTook(i.tookMs)})`),
    blocks: [section(text), ...(i.undo ? [undoBlock(i.undo, "applied")] : [])],
  };
}

export type FinishedInput = {
  plan: Plan;
  progress: string;
  /** From the start of the action to the end of its rollout. */
  tookMs: number;
  /** When verification runs (null: no verification for this action). */
  verifyInMs: number | null;
  /** Offer "Diagnose again" for this incident (undefined: no button). */
  diagnoseAgain?: DiagnoseAgainFor;
};

export function actionFinishedMessage(i: FinishedInput): Message {
  const verify =
    i.verifyInMs === null
      ? ""
      : ` Verification (memory, OOM kills, /ready) in ${formatDuration(i.verifyInMs)}, after the stabilisation window.`;
  const text = `:white_check_mark: *Finished* in ${formatTook(i.tookMs)}: ${escapeMrkdwn(i.progress)}.${verify}`;
  return {
    text: fallback(`Finished in ${formatTook(i.tookMs)}: ${i.progress}`),
    blocks: [section(text), ...(i.diagnoseAgain ? [diagnoseAgainBlock(i.diagnoseAgain)] : [])],
  };
}

export type FailedInput = {
  title: string;
  reason: string;
  /** Another attempt follows (transient error); null when this is final. */
  retry: { attempt: number; of: number } | null;
  /** Offer "Diagnose again" for this incident after a final failure (undefined: no button). */
  diagnoseAgain?: DiagnoseAgainFor;
};

export function actionFailedMessage(i: FailedInput): Message {
  const lead = i.retry
    ? `:warning: *${escapeMrkdwn(i.title)}*: attempt ${i.retry.attempt} of ${i.retry.of} failed, retrying with backoff:`
    : `:x: *${escapeMrkdwn(i.title)} failed*, not retried:`;
  const short = i.retry
    ? `${i.title}: attempt ${i.retry.attempt} of ${i.retry.of} failed, retrying with backoff: ${i.reason}`
    : `${i.title} failed: ${i.reason}`;
  const again = i.diagnoseAgain && !i.retry ? [diagnoseAgainBlock(i.diagnoseAgain)] : [];
  return { text: fallback(short), blocks: [section(`${lead}\n${escapeMrkdwn(i.reason)}`), ...again] };
}

export function rolloutStuckMessage(i: { plan: Plan; progress: string; waitedMs: number }): Message {
  const text = `:hourglass: *The rollout did not finish* within ${formatDuration(i.waitedMs)} (ROLLOUT_DEADLINE): ${escapeMrkdwn(i.progress)}. The change itself is applied; check \`kubectl rollout status\` and the new pods' events. No verification was scheduled.`;
  return {
    text: fallback(`Rollout did not finish within ${formatDuration(i.waitedMs)}: ${i.progress}`),
    blocks: [section(text)],
  };
}

/** SIGTERM arrived and the grace period ran out while this job was part-way. */
export function actionInterruptedMessage(i: { title: string; phase: string }): Message {
  const text = `:pause_button: The worker is shutting down while *${escapeMrkdwn(i.title)}* is at step ${code(i.phase)}. Its progress is saved: another worker (or this one after its restart) resumes it and says here what was applied.`;
  return {
    text: fallback(`${i.title} interrupted at ${i.phase}; it will be resumed`),
    blocks: [section(text)],
  };
}

export function heapProfileMessage(i: { pod: string; summary: HeapSummary; tookMs: number }): Message {
  const s = i.summary;
  const lines = s.top
    .slice(0, 10)
    .map(
      (t) =>
        `${formatPercent(t.share * 100).padStart(6)} ${formatBytes(t.inuseBytes).padStart(7)}  ${t.function}`,
    );
  const text = `:white_check_mark: *Heap profile* of ${code(i.pod)} (took ${formatTook(i.tookMs)}): ${formatBytes(s.totalInuseBytes)} in use. Top allocation sites (flat, like \`go tool pprof -top\`):\n${codeBlock(lines.join("\n") || "(no samples)")}`;
  return {
    text: fallback(`Heap profile of ${i.pod}: ${formatBytes(s.totalInuseBytes)} in use`),
    blocks: [section(text)],
  };
}
