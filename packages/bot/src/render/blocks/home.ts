// The App Home tab: open incidents first (status, peak, likely cause, pending approvals, a link to
// the thread), then recent history. Within Slack's 100 blocks per Home view. Pure.
import type { HomeView, KnownBlock } from "@slack/types";
import { formatDuration, formatPercent } from "../../diagnose/format.ts";
import type { IncidentSummary } from "../../history/summary.ts";
import { clip, code, escapeMrkdwn } from "./escape.ts";
import { historyRow, SHOW_INCIDENT_ACTION, utc, who } from "./history.ts";
import { safeLink } from "./incident-root.ts";
import { SLACK_LIMITS as L } from "./limits.ts";

/** Slack's limit for Home tab views (messages allow 50). */
export const HOME_MAX_BLOCKS = 100;
/** Open incidents shown in full; more are counted. Each takes up to 3 blocks. */
const MAX_OPEN = 12;

export type PendingApproval = {
  proposalId: string;
  /** "Rolling restart of rdev/rdev-api" (describeProposal). */
  title: string;
  requestedBy: string;
  expiresAt: number;
};

export type OpenIncident = {
  summary: IncidentSummary;
  firing: number;
  pods: number;
  pending: PendingApproval[];
};

export type HomeInput = {
  open: readonly OpenIncident[];
  recent: readonly IncidentSummary[];
  /** "rdev/rdev-api" */
  target: string;
  now: number;
  /** How far back `recent` goes, in days. */
  days: number;
};

const text = (t: string): KnownBlock => ({
  type: "section",
  text: { type: "mrkdwn", text: clip(t, L.sectionText) },
});
const context = (t: string): KnownBlock => ({
  type: "context",
  elements: [{ type: "mrkdwn", text: clip(t, L.contextText) }],
});

function openBlocks(o: OpenIncident, now: number): KnownBlock[] {
  const s = o.summary;
  const link = safeLink(s.permalink, "thread") ?? "no thread yet";
  const latest = s.latest;
  const lines = [
    `:red_circle: *${escapeMrkdwn(s.alertName)}* ${code(s.where)} · firing on ${o.firing} of ${o.pods} pod(s) for ${formatDuration(s.durationMs)} · ${link}`,
    [
      s.peakPercent === null ? "peak unknown" : `peak ${formatPercent(s.peakPercent)}`,
      latest
        ? `last diagnosis ${latest.severity}${latest.trend ? `, ${latest.trend}` : ""}`
        : "not diagnosed yet",
      s.cause ? `likely ${escapeMrkdwn(s.cause.title)}` : null,
      s.outcomeText,
    ]
      .filter((p) => p !== null)
      .join(" · "),
  ];
  const blocks: KnownBlock[] = [
    {
      type: "section",
      text: { type: "mrkdwn", text: clip(lines.join("\n"), L.sectionText) },
      accessory: {
        type: "button",
        text: { type: "plain_text", text: "Timeline" },
        action_id: SHOW_INCIDENT_ACTION,
        value: s.id,
      },
    },
  ];
  if (o.pending.length > 0) {
    const items = o.pending.map(
      (p) =>
        `• ${escapeMrkdwn(p.title)} (asked by ${who(p.requestedBy)}, expires in ${formatDuration(p.expiresAt - now)})`,
    );
    blocks.push(
      text(`:hourglass_flowing_sand: *Waiting for approval* (buttons in the thread)\n${items.join("\n")}`),
    );
  }
  return blocks;
}

export function homeView(input: HomeInput): HomeView {
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: "rdev High Memory runbook" } },
    context(
      `Watching ${code(input.target)} · updated ${utc(input.now)} UTC · \`/rdev mem status\` diagnoses now, \`/rdev mem history\` lists incidents`,
    ),
    { type: "divider" },
  ];
  const open = input.open.slice(0, MAX_OPEN);
  blocks.push(text(`*Open incidents* (${input.open.length})`));
  if (open.length === 0) blocks.push(context(":large_green_circle: Nothing open."));
  for (const o of open) blocks.push(...openBlocks(o, input.now));
  if (input.open.length > open.length) {
    blocks.push(context(`… and ${input.open.length - open.length} more open incidents.`));
  }
  blocks.push({ type: "divider" }, text(`*Recent incidents* (last ${input.days} days)`));
  const room = HOME_MAX_BLOCKS - blocks.length - 1;
  const recent = input.recent.filter((r) => r.status === "resolved");
  if (recent.length === 0) blocks.push(context("None."));
  const shown = recent.slice(0, Math.max(0, room));
  blocks.push(...shown.map(historyRow));
  if (recent.length > shown.length) {
    blocks.push(context(`… and ${recent.length - shown.length} more: \`/rdev mem history 50\`.`));
  }
  return { type: "home", blocks: blocks.slice(0, HOME_MAX_BLOCKS) };
}
