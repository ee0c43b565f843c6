// The diagnosis as its thread message, compact enough for a narrow thread pane: the verdict (cause
// and confidence, the key figures), the worst pods in a table that fits the pane, and the recommended
// actions with their approval buttons. Everything else (all pods, OOM kills, log and Traefik
// evidence, the heap profile, other causes, notes, kubectl equivalents, what changed) is in the
// full report, shown in a modal by the Details button (diagnosisBlocks, packages/bot/src/slack/details/). Pure.
import type { Button, ContextBlock, KnownBlock, SectionBlock } from "@slack/types";
import { formatDuration } from "../../diagnose/format.ts";
import type { Action, Diagnosis } from "../../diagnose/types.ts";
import { whenParts } from "../../diagnose/when.ts";
import {
  type ActionButton,
  buttonTaker,
  diagnosisBlocks,
  MAX_ACTIONS,
  olderKill,
  button as proposalButton,
  SEVERITY_EMOJI,
  SEVERITY_WORD,
  trendText,
} from "./diagnosis.ts";
import { clip, code, escapeMrkdwn, plain } from "./escape.ts";
import { clusterClockOf } from "./foresight.ts";
import { SLACK_LIMITS as L } from "./limits.ts";
import { worstPodsLimit, worstPodsText } from "./worst-pods.ts";

/** The Details button's action_id; its value is the details id (packages/bot/src/history/diagnosis-details.ts). */
export const DIAGNOSIS_DETAILS_ACTION = "diagnosis_details";

export type CompactDiagnosisOptions = {
  actionButtons?: ActionButton[];
  /** Where the full report is kept; the Details button opens it. */
  detailsId: string;
};

const section = (text: string): SectionBlock => ({
  type: "section",
  text: { type: "mrkdwn", text: clip(text, L.sectionText) },
});
const context = (parts: string[]): ContextBlock => ({
  type: "context",
  elements: [{ type: "mrkdwn", text: clip(parts.join(" · "), L.contextText) }],
});

function verdict(d: Diagnosis): KnownBlock[] {
  const lead = d.causes[0];
  // The cause has a line of its own (with its confidence): not twice in a row.
  const said = lead && lead.id !== "unknown" ? ` Likely cause: ${lead.title}.` : null;
  const headline = said && d.headline.endsWith(said) ? d.headline.slice(0, -said.length) : d.headline;
  const lines = [`${SEVERITY_EMOJI[d.severity]} *${SEVERITY_WORD[d.severity]}*: ${escapeMrkdwn(headline)}`];
  if (lead)
    lines.push(
      lead.id === "unknown"
        ? `*Cause:* ${escapeMrkdwn(lead.title)}`
        : `*Likely cause:* ${escapeMrkdwn(lead.title)} (${lead.confidence} confidence)`,
    );
  const facts = [
    `OOM kills (last ${formatDuration(d.oomLookbackMs)}): ${d.oomKills.length}${olderKill(d)}`,
    ...(d.trend ? [`trend ${trendText(d.trend)}`] : []),
  ];
  const b = d.restartBudget;
  if (b)
    facts.push(
      `restarts (last ${formatDuration(b.windowMs)}): ${b.count} of a budget of ${b.max}${b.exceeded ? ": :no_entry_sign: restarts hide the leak, none offered" : ""}`,
    );
  return [section(lines.join("\n")), context(facts)];
}

function worstPods(d: Diagnosis): SectionBlock | null {
  if (d.pods.length === 0) return null;
  const limit = worstPodsLimit(d);
  const of = clusterClockOf(d) ? ", cluster time" : "";
  const notes = [...(limit ? [`limit ${limit}`] : []), `OOM IN at the current rate${of}`];
  return section(`*Worst pods* (${notes.join("; ")})\n${worstPodsText(d)}`);
}

const actionLine = (a: Action, i: number) =>
  `*${i + 1}. ${escapeMrkdwn(a.title)}*${a.destructive ? " :warning:" : ""}\n${escapeMrkdwn(a.reason)}`;

function actions(d: Diagnosis, buttons: readonly ActionButton[]): KnownBlock[] {
  if (d.actions.length === 0) return [];
  const take = buttonTaker(buttons);
  const shown = d.actions.slice(0, MAX_ACTIONS);
  const blocks: KnownBlock[] = [section("*Recommended actions* (in the runbook's order)")];
  shown.forEach((a, i) => {
    const b = take(a);
    const block = section(actionLine(a, i));
    blocks.push(b ? { ...block, accessory: proposalButton(a, b, i) } : block);
  });
  if (d.actions.length > shown.length)
    blocks.push(section(`… and ${d.actions.length - shown.length} more actions in Details`));
  return blocks;
}

/** What the Details hold, in words, so nobody has to open them to know. */
function detailsContents(d: Diagnosis): string {
  const parts = [`all ${d.pods.length} pod${d.pods.length === 1 ? "" : "s"}`];
  if (d.foresight?.pods.length) parts.push("time-to-OOM ranges");
  if (d.foresight?.change) parts.push("what changed");
  if (d.oomKills.length > 0 || d.oomKillBeforeWindow) parts.push("OOM kills");
  if (d.causes.length > 0) parts.push("cause evidence");
  if (d.logs) parts.push("logs");
  if (d.traefik) parts.push("Traefik");
  if (d.heap) parts.push("heap profile");
  if (d.actions.some((a) => a.kubectl || a.kind === "advice")) parts.push("kubectl equivalents");
  if (d.notes.length > 0) parts.push(`${d.notes.length} note${d.notes.length === 1 ? "" : "s"}`);
  return parts.join(", ");
}

function detailsBlock(d: Diagnosis, detailsId: string): SectionBlock {
  const accessory: Button = {
    type: "button",
    text: { type: "plain_text", text: "Details", emoji: true },
    action_id: DIAGNOSIS_DETAILS_ACTION,
    value: detailsId.slice(0, L.buttonValue),
  };
  return { ...section(`*Details:* ${detailsContents(d)}`), accessory };
}

function compactFooter(d: Diagnosis): ContextBlock {
  const when = whenParts(Date.parse(d.takenAt), Date.parse(d.gatheredAt));
  const cluster = when.cluster ? ` (cluster clock ${when.cluster})` : "";
  return context([
    code(`${d.target.namespace}/${d.target.deployment}`),
    `gathered ${when.real}${cluster}`,
    `warning >${d.thresholds.warningPercent}%, critical >${d.thresholds.criticalPercent}%`,
  ]);
}

/** The thread message: fallback text and blocks, within Slack's limits (well under 50 blocks). */
export function compactDiagnosisBlocks(
  d: Diagnosis,
  options: CompactDiagnosisOptions,
): { text: string; blocks: KnownBlock[] } {
  const full = diagnosisBlocks(d);
  // A failed diagnosis is short already (its header, the error and the footer): nothing to hide.
  if (d.error) return full;
  const header = full.blocks[0];
  const blocks: KnownBlock[] = [
    ...(header ? [header] : []),
    ...verdict(d),
    ...[worstPods(d)].filter((b) => b !== null),
    ...actions(d, options.actionButtons ?? []),
    detailsBlock(d, options.detailsId),
    compactFooter(d),
  ];
  return { text: full.text, blocks: blocks.slice(0, L.blocksPerMessage) };
}

/** The Details modal's title (at most 24 characters). */
export const DETAILS_TITLE = plain("Diagnosis details");
