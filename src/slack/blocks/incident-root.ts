// The thread root of an alert incident: what fires, where, since when, how many pods, and its
// status. Re-rendered from the incident store on every (coalesced) update. Pure; every string
// from Alertmanager is escaped and every field clipped to Slack's limits.
import type { KnownBlock } from "@slack/types";
import { formatDuration } from "../../diagnostics/format.ts";
import type { Incident } from "../../incidents/model.ts";
import { clip, code, escapeMrkdwn, plain } from "./escape.ts";
import { SLACK_LIMITS as L } from "./limits.ts";

const MAX_PODS_LISTED = 10;

const utc = (ms: number | null): string =>
  ms === null ? "?" : new Date(ms).toISOString().replace("T", " ").slice(0, 16).concat(" UTC");

/** A link only for plain http(s) URLs that cannot break out of Slack's <url|label> syntax. */
export function safeLink(url: string | null, label: string): string | null {
  if (!url || !/^https?:\/\/[^\s<>|]+$/.test(url)) return null;
  return `<${url.replace(/&/g, "&amp;")}|${escapeMrkdwn(label)}>`;
}

function status(incident: Incident, now: number): { emoji: string; word: string; line: string } {
  const total = incident.alerts.length;
  if (incident.status === "resolved") {
    const lasted = formatDuration((incident.resolvedAt ?? now) - (incident.startsAt ?? incident.createdAt));
    return {
      emoji: ":large_green_circle:",
      word: "RESOLVED",
      line: `*Resolved* at ${utc(incident.resolvedAt)} after ${lasted}`,
    };
  }
  const since = formatDuration(now - (incident.startsAt ?? incident.createdAt));
  return {
    emoji: incident.severity === "critical" ? ":red_circle:" : ":large_orange_circle:",
    word: `FIRING:${incident.firingCount}`,
    line: `*Firing* on ${incident.firingCount} of ${total} pod${total === 1 ? "" : "s"} for ${since}`,
  };
}

function podLines(incident: Incident): string {
  const firing = incident.alerts.filter((a) => a.status === "firing");
  const shown = firing.slice(0, MAX_PODS_LISTED).map((a) => code(a.pod ?? a.fingerprint));
  const more = firing.length - shown.length;
  if (shown.length === 0) return "none firing";
  return `${shown.join(" ")}${more > 0 ? ` and ${more} more` : ""}`;
}

/** The root message of an incident thread, as of `now`. */
export function incidentRootBlocks(incident: Incident, now: number): { text: string; blocks: KnownBlock[] } {
  const where = [incident.namespace, incident.workload].filter((p) => p !== null).join("/") || "unknown";
  const s = status(incident, now);
  const summary = incident.summary ? escapeMrkdwn(incident.summary) : "no summary";
  const text = clip(
    `[${s.word}] ${escapeMrkdwn(incident.alertName)} ${escapeMrkdwn(where)}: ${summary}`,
    L.sectionText,
  );
  const runbook = safeLink(incident.runbookUrl, "Runbook");
  const fields = [
    `*Status*\n${s.line}`,
    `*Severity*\n${escapeMrkdwn(incident.severity ?? "unknown")}`,
    `*Started*\n${utc(incident.startsAt ?? incident.createdAt)}`,
    `*Notifications*\n${incident.notifications}`,
  ];
  const blocks: KnownBlock[] = [
    {
      type: "header",
      text: {
        type: "plain_text",
        text: clip(plain(`${incident.alertName}: ${where}`), L.headerText),
        emoji: true,
      },
    },
    {
      type: "section",
      text: { type: "mrkdwn", text: clip(`${s.emoji} *${s.word}* ${summary}`, L.sectionText) },
    },
    { type: "section", fields: fields.map((f) => ({ type: "mrkdwn", text: clip(f, L.sectionFieldText) })) },
  ];
  if (incident.status === "open") {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: clip(`*Pods firing*\n${podLines(incident)}`, L.sectionText) },
    });
  }
  const context = [
    `Incident ${code(incident.id)}`,
    `updated ${utc(incident.updatedAt)}`,
    ...(runbook ? [runbook] : []),
    "diagnosis and actions in the thread",
  ].join(" · ");
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: clip(context, L.contextText) }] });
  return { text, blocks };
}
