// `/rdev mem history`: recent incidents, newest first, one line each. Pure.
import type { KnownBlock } from "@slack/types";
import { formatDuration } from "../../diagnostics/format.ts";
import type { Incident } from "../../incidents/model.ts";
import { clip, code, escapeMrkdwn } from "./escape.ts";
import { safeLink } from "./incident-root.ts";
import { SLACK_LIMITS as L } from "./limits.ts";

export type HistoryRow = { incident: Incident; permalink: string | null };

const utc = (ms: number): string => new Date(ms).toISOString().replace("T", " ").slice(0, 16);

export function historyLine({ incident, permalink }: HistoryRow, now: number): string {
  const start = incident.startsAt ?? incident.createdAt;
  const end = incident.status === "resolved" ? (incident.resolvedAt ?? now) : now;
  const status = incident.status === "resolved" ? ":large_green_circle: resolved" : ":red_circle: open";
  const where = [incident.namespace, incident.workload].filter((p) => p !== null).join("/");
  const link = safeLink(permalink, "thread") ?? "no thread";
  return `• ${utc(start)} UTC · ${formatDuration(end - start)} · ${status} · ${escapeMrkdwn(incident.alertName)} ${code(where || "?")} · ${link}`;
}

export function historyBlocks(
  rows: readonly HistoryRow[],
  now: number,
  days: number,
): { text: string; blocks: KnownBlock[] } {
  if (rows.length === 0) {
    const text = `No incidents in the last ${days} days.`;
    return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
  }
  const header = `*Recent incidents* (last ${days} days, newest first)`;
  const lines: string[] = [];
  let length = header.length;
  for (const row of rows) {
    const line = historyLine(row, now);
    if (length + line.length + 1 > L.sectionText - 40) {
      lines.push(`… and ${rows.length - lines.length} more`);
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return {
    text: `${rows.length} recent incident${rows.length === 1 ? "" : "s"}`,
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: clip(`${header}\n${lines.join("\n")}`, L.sectionText) },
      },
    ],
  };
}
