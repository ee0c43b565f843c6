// The whole Diagnosis as Block Kit: header, summary, pod table, OOM kills, causes with evidence,
// heap profile, actions (buttons carrying proposal ids when given), notes, footer. It is the report
// the Details modal shows (packages/bot/src/slack/details/); the thread gets compactDiagnosisBlocks, built from
// the helpers exported here. Pure; every string from the cluster is escaped and every field
// clipped to Slack's limits.
import type { Button, ContextBlock, KnownBlock, SectionBlock } from "@slack/types";
import {
  formatAgo,
  formatBytes,
  formatCount,
  formatDuration,
  formatPercent,
  formatPoints,
} from "../../diagnose/format.ts";
import type { Action, Diagnosis, SeverityOrUnknown, Trend } from "../../diagnose/types.ts";
import { whenParts } from "../../diagnose/when.ts";
import { entryOf } from "../../runbooks/high-memory/catalog/index.ts";
import { clip, code, codeBlock, escapeMrkdwn, escapeWithTerms, plain } from "./escape.ts";
import { adviceLines, logBlock, previousLogBlocks, traefikBlock } from "./evidence.ts";
import { foresightBlock } from "./foresight.ts";
import { SLACK_LIMITS as L } from "./limits.ts";
import { podTable } from "./pod-table.ts";

export type ActionButton = {
  actionKind: string;
  proposalId: string;
  label?: string;
  /** Match one action by its id ("restart-pod:rdev-api-7c9") rather than the next of its kind. */
  actionId?: string;
};
export type DiagnosisBlocksOptions = { actionButtons?: ActionButton[] };

/** Every button's action_id starts with this; the value is the proposal id. */
export const PROPOSAL_ACTION_PREFIX = "proposal:";

export const SEVERITY_EMOJI: Record<SeverityOrUnknown, string> = {
  ok: ":large_green_circle:",
  warning: ":large_orange_circle:",
  critical: ":red_circle:",
  unknown: ":white_circle:",
};
export const SEVERITY_WORD: Record<SeverityOrUnknown, string> = {
  ok: "OK",
  warning: "Warning",
  critical: "Critical",
  unknown: "Unknown",
};
const MAX_OOM_LINES = 5;
const MAX_NOTES = L.contextElements - 1;

const mrkdwn = (text: string, max: number = L.sectionText) => ({
  type: "mrkdwn" as const,
  text: clip(text, max),
});
const plainText = (text: string, max: number) => ({
  type: "plain_text" as const,
  text: clip(plain(text), max),
  emoji: true,
});
const section = (text: string): SectionBlock => ({ type: "section", text: mrkdwn(text) });

export function trendText(t: Trend): string {
  const change =
    t.deltaPercentPoints !== null ? formatPoints(t.deltaPercentPoints) : formatBytes(t.deltaBytes);
  return `${t.direction} (${change} in ${formatDuration(t.sinceMs)})`;
}

/** " (the last one 2h ago, on `pod`)": a restart with 0 kills in the window still has its cause. */
export function olderKill(d: Diagnosis): string {
  const k = d.oomKillBeforeWindow;
  if (!k) return "";
  const ago = Date.parse(d.gatheredAt) - Date.parse(k.at);
  return ` (the last one ${formatDuration(ago)} ago, on ${code(k.pod)})`;
}

function summaryBlocks(d: Diagnosis): KnownBlock[] {
  const worst = d.pods[0];
  const fields = [
    `*Pods*\n${d.counts.pods}${d.counts.probed < d.counts.pods ? ` (probed ${d.counts.probed})` : ""}`,
    `*Worst pod*\n${worst ? `${code(worst.name)} ${formatPercent(worst.memory.percentOfLimit)} of ${formatBytes(worst.memory.limitBytes)}` : "none"}`,
    `*OOM kills (last ${formatDuration(d.oomLookbackMs)})*\n${d.oomKills.length}${olderKill(d)}`,
    `*Trend*\n${d.trend ? trendText(d.trend) : "no previous snapshot"}`,
    ...(d.restartBudget
      ? [
          `*Restarts (last ${formatDuration(d.restartBudget.windowMs)})*\n${d.restartBudget.count} of a budget of ${d.restartBudget.max}${d.restartBudget.exceeded ? ": :no_entry_sign: restarts hide the leak, none offered" : ""}`,
        ]
      : []),
  ];
  return [
    section(`${SEVERITY_EMOJI[d.severity]} *${SEVERITY_WORD[d.severity]}*: ${escapeMrkdwn(d.headline)}`),
    { type: "section", fields: fields.map((f) => mrkdwn(f, L.sectionFieldText)) },
  ];
}

function oomBlock(d: Diagnosis): KnownBlock | null {
  if (d.oomKills.length === 0) return null;
  const nowMs = Date.parse(d.gatheredAt);
  const lines = d.oomKills.slice(0, MAX_OOM_LINES).map((k) => {
    const who = k.pod ? code(k.pod) : `node ${code(k.node ?? "?")}`;
    const times = k.count > 1 ? ` (x${k.count})` : "";
    return `• ${who} ${escapeMrkdwn(k.reason)}${times} ${formatAgo(k.at, nowMs)}: ${escapeMrkdwn(clip(k.message, 200))}`;
  });
  const rest = d.oomKills.length - lines.length;
  if (rest > 0) lines.push(`… and ${rest} more`);
  return section(
    `*OOM kills in the last ${formatDuration(d.oomLookbackMs)}: ${d.oomKills.length}*\n${lines.join("\n")}`,
  );
}

function causeBlocks(d: Diagnosis): KnownBlock[] {
  const [lead, ...others] = d.causes;
  if (!lead) return [];
  const score = (c: typeof lead) =>
    c.id === "unknown" ? "" : ` (${c.confidence} confidence, score ${c.score.toFixed(2)})`;
  const evidence = lead.evidence.slice(0, 6).map((e) => `• ${escapeWithTerms(e.text, e.terms)}`);
  const blocks: KnownBlock[] = [
    section(
      `*${lead.id === "unknown" ? "" : "Likely cause: "}${escapeMrkdwn(lead.title)}*${score(lead)}\n${evidence.join("\n")}`,
    ),
  ];
  const rest = others
    .slice(0, 3)
    .map((c) => `• *${escapeMrkdwn(c.title)}*${score(c)}: ${escapeMrkdwn(c.evidence[0]?.text ?? "")}`);
  if (rest.length > 0) blocks.push(section(`*Also considered*\n${rest.join("\n")}`));
  return blocks;
}

function heapBlock(d: Diagnosis): KnownBlock | null {
  const h = d.heap;
  if (!h) return null;
  if (h.status === "failed")
    return section(`*Heap profile* of ${code(h.pod)}: unavailable: ${escapeMrkdwn(h.error)}`);
  const s = h.summary;
  const lines = s.top
    .slice(0, 6)
    .map(
      (t) =>
        `${formatPercent(t.share * 100).padStart(6)} ${formatBytes(t.inuseBytes).padStart(6)}  ${t.function}`,
    );
  return section(
    `*Heap profile* of ${code(h.pod)} (${h.why === "critical" ? "captured because it is critical" : "requested"}): ${formatBytes(s.totalInuseBytes)} in use, ${formatCount(s.totalInuseObjects)} objects\n${codeBlock(lines.join("\n"))}`,
  );
}

/** The catalog's button label; advice (no entry) is acknowledged with "Done". */
const defaultLabel = (a: Action): string => entryOf(a.kind)?.button?.(a) ?? "Done";

export function button(a: Action, b: ActionButton, index: number): Button {
  return {
    type: "button",
    text: plainText(b.label ?? defaultLabel(a), L.buttonText),
    action_id: `${PROPOSAL_ACTION_PREFIX}${a.kind}:${index}`.slice(0, L.actionId),
    value: b.proposalId.slice(0, L.buttonValue),
    // No Slack `confirm`: it would show before the app can check who clicked. The app refuses
    // early or opens its own confirmation (packages/bot/src/slack/approvals/listeners.ts).
    ...(a.destructive ? { style: "danger" as const } : {}),
  };
}

function actionText(a: Action, i: number): string {
  const lines = [
    `*${i + 1}. ${escapeMrkdwn(a.title)}*${a.destructive ? " :warning:" : ""}`,
    escapeMrkdwn(a.reason),
  ];
  if (a.kind === "advice") lines.push(...adviceLines(a.params, L.sectionText - 600));
  if (a.kubectl) lines.push(code(a.kubectl));
  return lines.join("\n");
}

/** Matches buttons to actions: by action id when given, else the next unused of its kind. */
export function buttonTaker(buttons: readonly ActionButton[]): (a: Action) => ActionButton | undefined {
  const unused = [...buttons];
  return (a) => {
    const i = unused.findIndex((b) => (b.actionId ? b.actionId === a.id : b.actionKind === a.kind));
    return i < 0 ? undefined : unused.splice(i, 1)[0];
  };
}

export const MAX_ACTIONS = 10;

function actionBlocks(d: Diagnosis, buttons: readonly ActionButton[]): KnownBlock[] {
  if (d.actions.length === 0) return [];
  const take = buttonTaker(buttons);
  const shown = d.actions.slice(0, MAX_ACTIONS);
  const blocks: KnownBlock[] = [section("*Recommended actions* (in the runbook's order)")];
  shown.forEach((a, i) => {
    const b = take(a);
    const block = section(actionText(a, i));
    blocks.push(b ? { ...block, accessory: button(a, b, i) } : block);
  });
  if (d.actions.length > shown.length)
    blocks.push(section(`… and ${d.actions.length - shown.length} more actions`));
  return blocks;
}

export function footer(d: Diagnosis): ContextBlock {
  const probed =
    d.counts.probed < d.counts.pods ? `probed ${d.counts.probed} of ${d.counts.pods} pods · ` : "";
  const when = whenParts(Date.parse(d.takenAt), Date.parse(d.gatheredAt));
  const cluster = when.cluster ? ` · cluster clock ${when.cluster}` : "";
  const text = `High Memory Usage runbook · ${code(`${d.target.namespace}/${d.target.deployment}`)} · gathered ${when.real} in ${d.durationMs} ms${cluster} · ${probed}${d.apiCalls.list + d.apiCalls.proxy + (d.apiCalls.log ?? 0)} API calls · warning >${d.thresholds.warningPercent}%, critical >${d.thresholds.criticalPercent}%`;
  return { type: "context", elements: [mrkdwn(text, L.contextText)] };
}

export function notesBlock(d: Diagnosis): ContextBlock | null {
  if (d.notes.length === 0) return null;
  const shown = d.notes
    .slice(0, MAX_NOTES)
    .map((n) => mrkdwn(`:information_source: ${escapeWithTerms(n.message, n.terms ?? [])}`, L.contextText));
  if (d.notes.length > MAX_NOTES) shown.push(mrkdwn(`… and ${d.notes.length - MAX_NOTES} more notes`));
  return { type: "context", elements: shown };
}

/** The fallback text (notifications, screen readers) and the blocks, within Slack's limits. */
export function diagnosisBlocks(
  d: Diagnosis,
  options: DiagnosisBlocksOptions = {},
): { text: string; blocks: KnownBlock[] } {
  const target = `${d.target.namespace}/${d.target.deployment}`;
  const text = clip(
    `${SEVERITY_WORD[d.severity]}: ${escapeMrkdwn(target)}: ${escapeMrkdwn(d.headline)}`,
    L.sectionText,
  );
  const state = d.error ? "could not be diagnosed" : `is ${d.severity === "ok" ? "OK" : d.severity}`;
  const header: KnownBlock = {
    type: "header",
    text: plainText(`High memory: ${target} ${state}`, L.headerText),
  };
  if (d.error) {
    return {
      text,
      blocks: [
        header,
        section(
          `:x: *Could not diagnose ${code(target)}* (${escapeMrkdwn(d.error.code)})\n${escapeMrkdwn(d.error.message)}`,
        ),
        footer(d),
      ],
    };
  }
  const blocks: KnownBlock[] = [header, ...summaryBlocks(d)];
  if (d.pods.length > 0) blocks.push(section(`*Pods* (worst first)\n${podTable(d, L.sectionText - 30)}`));
  const foresight = foresightBlock(d);
  if (foresight) blocks.push(foresight);
  const oom = oomBlock(d);
  if (oom) blocks.push(oom);
  blocks.push(...previousLogBlocks(d));
  blocks.push({ type: "divider" }, ...causeBlocks(d));
  for (const b of [logBlock(d), traefikBlock(d)]) if (b) blocks.push(b);
  const heap = heapBlock(d);
  if (heap) blocks.push(heap);
  const actions = actionBlocks(d, options.actionButtons ?? []);
  if (actions.length > 0) blocks.push({ type: "divider" }, ...actions);
  const notes = notesBlock(d);
  if (notes) blocks.push(notes);
  blocks.push(footer(d));
  return { text, blocks: blocks.slice(0, L.blocksPerMessage) };
}
