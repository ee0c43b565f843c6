// The runbook's verification as a thread message (pass/fail, each check, memory before and after
// per pod, and, on failure, the runbook's next step with approval buttons), and the outcome line
// the incident's root message shows. Pure.
import type { Button, KnownBlock } from "@slack/types";
import { formatDuration, formatPercent } from "../../diagnose/format.ts";
import type { NextStep, StoredSample, Verdict } from "../../verify/verify.ts";
import { diagnoseAgainBlock } from "./diagnose-again.ts";
import { PROPOSAL_ACTION_PREFIX } from "./diagnosis.ts";
import { clip, code, codeBlock, escapeMrkdwn, plain } from "./escape.ts";
import { SLACK_LIMITS as L } from "./limits.ts";
import { type UndoOffer, undoBlock } from "./undo.ts";
import { shortPodName, THREAD_COLUMNS } from "./worst-pods.ts";

export type Message = { text: string; blocks: KnownBlock[] };

const mrkdwn = (text: string, max: number = L.sectionText) => ({
  type: "mrkdwn" as const,
  text: clip(text, max),
});
const section = (text: string): KnownBlock => ({ type: "section", text: mrkdwn(text) });
const plainText = (text: string, max: number) => ({
  type: "plain_text" as const,
  text: clip(plain(text), max),
});

export type NextStepButton = { step: NextStep; proposalId: string | null };

export type VerificationInput = {
  /** What was verified, e.g. "Restart of rdev-api-7c9". */
  title: string;
  verdict: Verdict;
  /** Memory % of the limit per pod before the action. */
  before: Readonly<Record<string, number>>;
  samples: readonly StoredSample[];
  stabilisationMs: number;
  sampleIntervalMs: number;
  nextSteps: readonly NextStepButton[];
  /** The change that did not hold can be undone (failure only). */
  undo?: UndoOffer | null;
  /** The incident the verification belongs to: a failure offers "Diagnose again" for it. */
  incidentId?: string | null;
  /** The cluster acted on: outside an incident, "Diagnose again" names it. */
  cluster?: string;
};

const MAX_POD_LINES = 12;
/** Samples shown per pod: the last ones (the runbook judges the last samples after the window). */
const MAX_SAMPLE_COLUMNS = 3;
const COLUMN = 6; // "100.0%"

/**
 * Memory per pod before the action and in the last samples, as a table that fits Slack's thread
 * pane (THREAD_COLUMNS): pod names keep their distinguishing tail, at most three sample columns.
 */
export function podLines(before: Readonly<Record<string, number>>, samples: readonly StoredSample[]): string {
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.pods)))].sort();
  const gone = Object.keys(before)
    .filter((n) => !names.includes(n))
    .sort();
  const shown = samples.slice(-MAX_SAMPLE_COLUMNS);
  const col = (n: number | null | undefined) => (n === undefined ? "-" : formatPercent(n)).padStart(COLUMN);
  const fixed = (COLUMN + 1) * (1 + shown.length);
  const width = Math.max(
    4,
    Math.min(THREAD_COLUMNS - fixed, Math.max(...names.map((n) => n.length), ...gone.map((n) => n.length))),
  );
  const skipped = samples.length - shown.length;
  const header = `${"pod".padEnd(width)} ${"before".padStart(COLUMN)}${shown
    .map((_, i) => ` ${`#${skipped + i + 1}`.padStart(COLUMN)}`)
    .join("")}`;
  const rows = [...gone, ...names].slice(0, MAX_POD_LINES).map((n) => {
    const pod = shortPodName(n, width).padEnd(width);
    // A replaced pod has no samples: its row says so instead.
    const series = gone.includes(n) ? "  (replaced)" : shown.map((s) => ` ${col(s.pods[n])}`).join("");
    return `${pod} ${col(before[n])}${series}`;
  });
  const more = names.length + gone.length - rows.length;
  return [header, ...rows, ...(more > 0 ? [`… and ${more} more pods`] : [])].join("\n");
}

function maxOf(values: readonly (number | null | undefined)[]): number | null {
  const known = values.filter((v): v is number => typeof v === "number");
  return known.length > 0 ? Math.max(...known) : null;
}

function nextStepBlock(n: NextStepButton, index: number): KnownBlock[] {
  const s = n.step;
  if (s.kind === "advice") {
    const steps = s.steps.map((x) => `• ${escapeMrkdwn(x)}`).join("\n");
    return [section(`*Next: ${escapeMrkdwn(s.title)}*\n${escapeMrkdwn(s.why)}\n${steps}`)];
  }
  const a = s.action;
  const text = `*Next: ${escapeMrkdwn(a.title)}*\n${escapeMrkdwn(s.why)} ${escapeMrkdwn(a.reason)}${a.kubectl ? `\n${code(a.kubectl)}` : ""}`;
  if (!n.proposalId) return [section(text)];
  const button: Button = {
    type: "button",
    text: plainText(a.title, L.buttonText),
    action_id: `${PROPOSAL_ACTION_PREFIX}${a.kind}:next${index}`.slice(0, L.actionId),
    value: n.proposalId,
    ...(a.destructive
      ? {
          style: "danger" as const,
          confirm: {
            title: plainText(`${a.title}?`, L.confirmTitle),
            text: plainText(a.reason, L.confirmText),
            confirm: plainText("Approve", L.confirmButton),
            deny: plainText("Cancel", L.confirmButton),
            style: "danger" as const,
          },
        }
      : {}),
  };
  return [{ type: "section", text: mrkdwn(text), accessory: button }];
}

export function verificationMessage(i: VerificationInput): Message {
  const passed = i.verdict.passed;
  const before = maxOf(Object.values(i.before));
  const after = maxOf(Object.values(i.samples.at(-1)?.pods ?? {}));
  const headline = passed
    ? `:white_check_mark: *Verification passed*: ${escapeMrkdwn(i.title)} held.`
    : `:x: *Verification failed* after ${escapeMrkdwn(i.title)}: the runbook's checks below are not all met.`;
  const figures = `Memory (highest pod, % of limit): ${formatPercent(before)} before → ${formatPercent(after)} after.`;
  const checks = i.verdict.checks
    .map((c) => `${c.ok ? ":white_check_mark:" : ":x:"} *${c.id}*: ${escapeMrkdwn(c.text)}`)
    .join("\n");
  const blocks: KnownBlock[] = [
    section(`${headline} ${figures}`),
    section(checks),
    section(
      `*Pods* (% of limit: before the action, then each sample)\n${codeBlock(podLines(i.before, i.samples))}`,
    ),
  ];
  if (!passed && i.undo) blocks.push(undoBlock(i.undo, "verify"));
  i.nextSteps.forEach((n, index) => {
    blocks.push(...nextStepBlock(n, index));
  });
  // A fix that did not hold always keeps a way forward, even after the alerts clear.
  if (!passed) blocks.push(diagnoseAgainBlock({ incidentId: i.incidentId ?? null, cluster: i.cluster }));
  blocks.push({
    type: "context",
    elements: [
      mrkdwn(
        `Runbook verification: ${i.samples.length} samples ${formatDuration(i.sampleIntervalMs)} apart after a ${formatDuration(i.stabilisationMs)} stabilisation window`,
        L.contextText,
      ),
    ],
  });
  const text = passed
    ? `Verification passed: ${i.title} (memory ${formatPercent(before)} → ${formatPercent(after)})`
    : `Verification failed after ${i.title} (memory ${formatPercent(before)} → ${formatPercent(after)})`;
  return { text: clip(text, L.sectionText), blocks: blocks.slice(0, L.blocksPerMessage) };
}
