// `/rdev mem history [n]`: recent incidents, newest first: when, how long, peak memory, likely
// cause, actions taken, outcome, a link to the thread and the id for `/rdev incident <id>`. Pure.
import type { KnownBlock } from "@slack/types";
import { formatDuration, formatPercent } from "../../diagnose/format.ts";
import { ACTION_RESULT_TEXT, type IncidentSummary, type TakenAction } from "../../history/summary.ts";
import { clip, code, escapeMrkdwn } from "./escape.ts";
import { safeLink } from "./incident-root.ts";
import { SLACK_LIMITS as L } from "./limits.ts";

/** The action_id of the "Timeline" button on each history row; its value is the incident id. */
export const SHOW_INCIDENT_ACTION = "history:show-incident";

/** The first characters of an incident id, enough to find it with `/rdev incident`. */
export const shortId = (id: string): string => id.slice(0, 8);

export const utc = (ms: number): string => new Date(ms).toISOString().replace("T", " ").slice(0, 16);

/** A Slack user id as a mention; anything else (alertmanager, worker) as escaped text. */
export const who = (by: string | null): string =>
  by && /^[UW][A-Z0-9]{2,}$/.test(by) ? `<@${by}>` : escapeMrkdwn(by ?? "someone");

const STATUS = {
  open: ":red_circle: open",
  resolved: ":large_green_circle: resolved",
} as const;

export function actionLine(a: TakenAction): string {
  const result = a.result ? (ACTION_RESULT_TEXT[a.result] ?? a.result) : "queued";
  const verified = a.verification ? `, verification ${a.verification}` : "";
  return `${escapeMrkdwn(a.text)} by ${who(a.approvedBy)} → ${result}${verified}`;
}

/** The mrkdwn of one history row (three short lines). */
export function historyText(s: IncidentSummary): string {
  const link = safeLink(s.permalink, "thread") ?? "no thread";
  const figures = [
    `${utc(s.startedAt)} UTC`,
    `${s.status === "open" ? "for" : "lasted"} ${formatDuration(s.durationMs)}`,
    s.peakPercent === null ? "peak unknown" : `peak ${formatPercent(s.peakPercent)}`,
    s.cause ? `cause: ${escapeMrkdwn(s.cause.title)} (${s.cause.confidence})` : "cause: not diagnosed",
  ];
  const actions = s.actions.length > 0 ? s.actions.map(actionLine).join("; ") : "no action taken";
  return [
    `*${escapeMrkdwn(s.alertName)}* ${code(s.where)} · ${STATUS[s.status]} · ${link} · id ${code(shortId(s.id))}`,
    figures.join(" · "),
    `Actions: ${actions} · Outcome: *${s.outcomeText}*`,
  ].join("\n");
}

/** One row: the text with a "Timeline" button. */
export function historyRow(s: IncidentSummary): KnownBlock {
  return {
    type: "section",
    text: { type: "mrkdwn", text: clip(historyText(s), L.sectionText) },
    accessory: {
      type: "button",
      text: { type: "plain_text", text: "Timeline" },
      action_id: SHOW_INCIDENT_ACTION,
      value: s.id,
    },
  };
}

export function historyBlocks(
  rows: readonly IncidentSummary[],
  options: { days: number; limit: number },
): { text: string; blocks: KnownBlock[] } {
  if (rows.length === 0) {
    const text = `No incidents in the last ${options.days} days.`;
    return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
  }
  // Header + rows + footer within the 50 blocks of a message.
  const shown = rows.slice(0, L.blocksPerMessage - 2);
  const header = `*Recent incidents* (last ${options.days} days, newest first, at most ${options.limit})`;
  return {
    text: `${rows.length} recent incident${rows.length === 1 ? "" : "s"}`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: header } },
      ...shown.map(historyRow),
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text:
              shown.length < rows.length
                ? `… and ${rows.length - shown.length} more. \`/rdev incident &lt;id&gt;\` shows one timeline.`
                : "`/rdev incident &lt;id&gt;` shows one incident's timeline; `/rdev mem history 20` shows more.",
          },
        ],
      },
    ],
  };
}
