// `/rdev incident <id>`: one incident: the figures, the actions taken, its whole timeline (who did
// what and when) and a button that exports a postmortem draft into the thread. Pure.
import type { KnownBlock } from "@slack/types";
import { formatDuration, formatPercent } from "../../diagnose/format.ts";
import { describeEntry } from "../../history/describe.ts";
import type { ParsedEntry } from "../../history/entries.ts";
import type { IncidentSummary } from "../../history/summary.ts";
import { clip, code, escapeMrkdwn, plain } from "./escape.ts";
import { actionLine, shortId, utc, who } from "./history.ts";
import { safeLink } from "./incident-root.ts";
import { SLACK_LIMITS as L } from "./limits.ts";

/** The action_id of the export button; its value is the incident id. */
export const EXPORT_POSTMORTEM_ACTION = "history:export-postmortem";

/** Timeline sections at most (each up to 3000 characters); older entries are summed up. */
const MAX_TIMELINE_SECTIONS = 8;

const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);

export function timelineLine(e: ParsedEntry, startDay: string): string {
  const d = describeEntry(e);
  const day = new Date(e.at).toISOString().slice(0, 10);
  const when = day === startDay ? time(e.at) : `${day} ${time(e.at)}`;
  const by = d.by ? ` (${who(d.by)})` : "";
  return `\`${when}\` :${d.icon}: ${escapeMrkdwn(d.text)}${by}`;
}

/** Lines packed into sections of at most `max` characters each, newest kept when there are too many. */
export function packLines(lines: readonly string[], max: number, sections: number): string[] {
  const packed: string[] = [];
  let current = "";
  for (const line of lines) {
    const next = current ? `${current}\n${line}` : line;
    if (next.length <= max) {
      current = next;
      continue;
    }
    if (current) packed.push(current);
    current = clip(line, max);
  }
  if (current) packed.push(current);
  if (packed.length <= sections) return packed;
  const kept = packed.slice(-(sections - 1));
  const dropped = lines.length - kept.reduce((n, s) => n + s.split("\n").length, 0);
  return [`_… ${dropped} earlier entries (the postmortem export has them all)_`, ...kept];
}

function fields(s: IncidentSummary): string[] {
  const status =
    s.status === "open"
      ? `:red_circle: open for ${formatDuration(s.durationMs)}`
      : `:large_green_circle: resolved${s.endedAt ? ` ${utc(s.endedAt)} UTC` : ""} after ${formatDuration(s.durationMs)}`;
  const peak = s.peakPercent === null ? "unknown" : `${formatPercent(s.peakPercent)} of the limit`;
  return [
    `*Status*\n${status}`,
    `*Started*\n${utc(s.startedAt)} UTC`,
    `*Peak memory*\n${peak}${s.peakPod ? ` (${code(s.peakPod)})` : ""}`,
    `*Likely cause*\n${s.cause ? `${escapeMrkdwn(s.cause.title)} (${s.cause.confidence})` : "not diagnosed"}`,
    `*Outcome*\n${s.outcomeText}`,
    `*Diagnoses*\n${s.diagnoses}${s.refusals > 0 ? ` · ${s.refusals} refused approval(s)` : ""}`,
  ];
}

export function incidentTimelineBlocks(s: IncidentSummary): { text: string; blocks: KnownBlock[] } {
  const startDay = new Date(s.startedAt).toISOString().slice(0, 10);
  const lines = s.entries.map((e) => timelineLine(e, startDay));
  const sections = packLines(
    lines.length > 0 ? lines : ["_no entries_"],
    L.sectionText,
    MAX_TIMELINE_SECTIONS,
  );
  const link = safeLink(s.permalink, "Open the thread");
  const actions = s.actions.map((a) => `• ${actionLine(a)}`).join("\n");
  const blocks: KnownBlock[] = [
    {
      type: "header",
      text: { type: "plain_text", text: clip(plain(`${s.alertName}: ${s.where}`), L.headerText) },
    },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `Incident ${code(s.id)} (${code(shortId(s.id))})${link ? ` · ${link}` : ""}`,
        },
      ],
    },
    {
      type: "section",
      fields: fields(s).map((f) => ({ type: "mrkdwn", text: clip(f, L.sectionFieldText) })),
    },
    {
      type: "section",
      text: { type: "mrkdwn", text: clip(`*Actions taken*\n${actions || "none"}`, L.sectionText) },
    },
    { type: "section", text: { type: "mrkdwn", text: "*Timeline* (UTC)" } },
    ...sections.map((text): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } })),
  ];
  if (s.root) {
    blocks.push({
      type: "actions",
      elements: [
        {
          type: "button",
          text: { type: "plain_text", text: "Export postmortem draft" },
          action_id: EXPORT_POSTMORTEM_ACTION,
          value: s.id,
        },
      ],
    });
  }
  return {
    text: `${s.alertName} ${s.where}: ${s.outcomeText}, ${s.entries.length} timeline entries`,
    blocks,
  };
}
