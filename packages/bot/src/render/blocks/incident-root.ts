// The thread root of an alert incident, a pure function of the stored incident and its timeline:
// what fires and where (pods, not alerts; each pod's alerts by name), the highest severity seen,
// since when, the actions taken and who owns them, the latest verification, and, once resolved, why
// it ended. The app and the worker both render it from the store (root-updater.ts), so no process
// can drop another's facts. Every string from Alertmanager is escaped and every field clipped.
import type { Button, KnownBlock, StaticSelect } from "@slack/types";
import { formatDuration, formatPercent } from "../../diagnose/format.ts";
import { actionLabel } from "../../history/action-label.ts";
import { ENTRY, entriesOf } from "../../history/entries.ts";
import { describeOutcome } from "../../history/resolution/describe.ts";
import { ACTION_RESULT_TEXT, type IncidentSummary, summariseIncident } from "../../history/summary.ts";
import { dashboardLink } from "../../intake/dashboard.ts";
import type { Incident } from "../../intake/model.ts";
import { SILENCE_CHOICES } from "../../intake/silences/matchers.ts";
import type { IncidentRecord } from "../../intake/store.ts";
import { diagnoseAgainBlock } from "./diagnose-again.ts";
import { clip, code, escapeMrkdwn, plain } from "./escape.ts";
import { SLACK_LIMITS as L } from "./limits.ts";
import { who } from "./progress.ts";

const MAX_PODS_LISTED = 10;
const MAX_ACTIONS_LISTED = 5;

const utc = (ms: number | null): string =>
  ms === null ? "?" : new Date(ms).toISOString().replace("T", " ").slice(0, 16).concat(" UTC");
const hhmm = (ms: number) => `${new Date(ms).toISOString().slice(11, 16)} UTC`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** A link only for plain http(s) URLs that cannot break out of Slack's <url|label> syntax. */
export function safeLink(url: string | null, label: string): string | null {
  if (!url || !/^https?:\/\/[^\s<>|]+$/.test(url)) return null;
  return `<${url.replace(/&/g, "&amp;")}|${escapeMrkdwn(label)}>`;
}

/** Slack's rendering of people and names in the outcome sentence. */
export const SLACK_OUTCOME_FORMAT = {
  who,
  name: code,
  text: escapeMrkdwn,
};

type Status = { emoji: string; word: string; line: string };

function status(incident: Incident, s: IncidentSummary, now: number): Status {
  if (incident.status === "resolved") {
    const lasted = formatDuration((incident.resolvedAt ?? now) - (incident.startsAt ?? incident.createdAt));
    const doubtful = s.ending?.kind === "oom_kill" || s.ending?.kind === "unknown";
    return {
      emoji: doubtful ? ":large_yellow_circle:" : ":large_green_circle:",
      word: "RESOLVED",
      line: `*Resolved* at ${utc(incident.resolvedAt)} after ${lasted}`,
    };
  }
  const since = formatDuration(now - (incident.startsAt ?? incident.createdAt));
  const total = incident.pods.length;
  return {
    emoji: incident.severity === "critical" ? ":red_circle:" : ":large_orange_circle:",
    word: `FIRING:${incident.firingPods}`,
    line: `*Firing* on ${incident.firingPods} of ${plural(total, "pod")} for ${since}`,
  };
}

function podLines(incident: Incident): string {
  const firing = incident.pods.filter((p) => p.firing.length > 0);
  if (firing.length === 0) return "none firing";
  const shown = firing
    .slice(0, MAX_PODS_LISTED)
    .map((p) => `${code(p.pod)} ${p.firing.map(escapeMrkdwn).join(", ")}`);
  const more = firing.length - shown.length;
  return `${shown.join("\n")}${more > 0 ? `\nand ${more} more` : ""}`;
}

/** The history's words for a job's last step; the root says what "done" means for a rollout. */
const RESULT_WORDS: Record<string, string> = {
  ...ACTION_RESULT_TEXT,
  action_finished: "applied, rollout complete",
};

function actionLines(s: IncidentSummary): string | null {
  if (s.actions.length === 0) return null;
  const lines = s.actions.slice(-MAX_ACTIONS_LISTED).map((a) => {
    const by = a.approvedBy ? ` by ${SLACK_OUTCOME_FORMAT.who(a.approvedBy)}` : "";
    const where = a.elsewhere ? " (from a status thread)" : "";
    const result = a.result ? (RESULT_WORDS[a.result] ?? a.result) : "queued";
    const verified =
      a.verification === "passed"
        ? ", :white_check_mark: verified"
        : a.verification === "failed"
          ? ", :x: did not hold"
          : "";
    return `• ${escapeMrkdwn(a.text)}${by}${where}: ${result}${verified}`;
  });
  const earlier = s.actions.length - lines.length;
  return `*Actions*\n${lines.join("\n")}${earlier > 0 ? `\n(${earlier} earlier)` : ""}`;
}

/** The latest verification while the incident is open, with what to do next after a failure. */
function verificationLine(s: IncidentSummary): string | null {
  const last = entriesOf(s.entries, ENTRY.verificationPassed, ENTRY.verificationFailed).at(-1);
  if (!last) return null;
  const passed = last.type === ENTRY.verificationPassed;
  const action = s.actions.find((a) => a.proposalId === last.data.proposalId);
  const what = escapeMrkdwn(action?.text ?? last.data.action ?? "the action");
  const figures =
    last.data.before !== null && last.data.before !== undefined
      ? ` (memory ${formatPercent(last.data.before)} → ${formatPercent(last.data.after ?? null)})`
      : "";
  if (passed) return `:white_check_mark: *Fix verified* at ${hhmm(last.at)}: ${what}${figures}.`;
  return `:x: *Fix did not hold* at ${hhmm(last.at)}: ${what}${figures}.${nextStepText(s)}`;
}

/** What is still offered after a failed verification (it survives the resolution). */
function nextStepText(s: IncidentSummary): string {
  if (s.nextSteps.length === 0) return " Ask for a fresh diagnosis in the thread (Diagnose again).";
  const steps = s.nextSteps.map((n) => escapeMrkdwn(actionLabel(n.kind, {}))).join(", ");
  return ` Next step offered in the thread, waiting for approval: ${steps}.`;
}

function outcomeLine(incident: Incident, s: IncidentSummary): string | null {
  if (incident.status !== "resolved") return verificationLine(s);
  if (!s.ending) return ":hourglass_flowing_sand: Every alert cleared; checking the cluster for why.";
  const sentence = describeOutcome(s.ending, SLACK_OUTCOME_FORMAT);
  const held = s.nextSteps.length > 0 ? nextStepText(s) : "";
  return `*Why it ended:* ${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}${held}`;
}

const section = (text: string): KnownBlock => ({
  type: "section",
  text: { type: "mrkdwn", text: clip(text, L.sectionText) },
});

export const OWN_ACTION = "incident_own";
export const SILENCE_ACTION = "incident_silence";
export const UNSILENCE_ACTION = "incident_unsilence";

/** The controls of an open incident: take it, ask again, open the dashboard. */
function controls(
  incident: Incident,
  s: IncidentSummary,
  dashboard: string | null,
  silences: boolean,
): KnownBlock | null {
  const elements: (Button | StaticSelect)[] = [];
  if (incident.status === "open") {
    elements.push({
      type: "button",
      action_id: OWN_ACTION,
      text: { type: "plain_text", text: s.owner ? "Take over" : "I'm on it", emoji: true },
      value: incident.id,
      ...(s.owner ? {} : { style: "primary" as const }),
    });
    if (silences && s.silence) {
      elements.push({
        type: "button",
        action_id: UNSILENCE_ACTION,
        text: { type: "plain_text", text: "Unsilence", emoji: true },
        value: incident.id,
      });
    } else if (silences) {
      elements.push({
        type: "static_select",
        action_id: SILENCE_ACTION,
        placeholder: { type: "plain_text", text: "Silence…", emoji: true },
        options: SILENCE_CHOICES.map((c) => ({
          text: { type: "plain_text", text: c.label, emoji: true },
          value: `${incident.id}|${c.value}`,
        })),
      });
    }
    elements.push(...(diagnoseAgainBlock({ incidentId: incident.id }).elements as Button[]));
  }
  if (dashboard) {
    elements.push({
      type: "button",
      action_id: "incident_dashboard",
      text: { type: "plain_text", text: "Dashboard", emoji: true },
      url: dashboard,
    });
  }
  return elements.length > 0 ? { type: "actions", block_id: "incident_controls", elements } : null;
}

export type RootOptions = {
  /** DASHBOARD_URL (a template); null: no dashboard link. */
  dashboardUrl?: string | null;
  /** ALERTMANAGER_URL is set: offer the Silence control. */
  silences?: boolean;
  /** The incident's cluster's worker is down: said plainly while the incident is open. */
  workerNotice?: string | null;
};

/** "Silenced by @alice until 12:30 UTC", while the bot's silence is in force. */
function silenceLine(s: IncidentSummary): string | null {
  if (!s.silence) return null;
  const by = s.silence.by ? ` by ${SLACK_OUTCOME_FORMAT.who(s.silence.by)}` : "";
  const until = s.silence.untilResolved
    ? `until it resolves (at the latest ${hhmm(s.silence.until)})`
    : `until ${hhmm(s.silence.until)}`;
  return `:no_bell: *Silenced*${by} ${until}: Alertmanager sends no notifications; the bot still watches its alerts.`;
}

/** The root message of an incident thread, as of `now`, from the stored incident and timeline. */
/** The latest diagnosis' time to OOM and what changed, dated (a forecast ages). */
function foresightLine(s: IncidentSummary): string | null {
  const latest = s.latest;
  if (!latest?.forecast) return null;
  const when = latest.at === null ? "" : ` (diagnosis of ${utc(latest.at)})`;
  const change = latest.change ? `\n${escapeMrkdwn(latest.change)}` : "";
  return `*Time to OOM*${when}\n${escapeMrkdwn(latest.forecast)}${change}`;
}

export function incidentRootBlocks(
  record: Pick<IncidentRecord, "incident" | "timeline"> & { permalink?: string | null },
  now: number,
  options: RootOptions = {},
): { text: string; blocks: KnownBlock[] } {
  const { incident } = record;
  const s = summariseIncident({ permalink: null, ...record }, now);
  const workload = [incident.namespace, incident.workload].filter((p) => p !== null).join("/") || "unknown";
  // A named cluster is part of where it happened: "rdev/rdev-api in prod-eu".
  const where = incident.cluster ? `${workload} in ${incident.cluster}` : workload;
  const st = status(incident, s, now);
  const summary = incident.summary ? escapeMrkdwn(incident.summary) : "no summary";
  const endWords = incident.status === "resolved" ? `, ${s.outcomeText}` : "";
  const text = clip(
    `[${st.word}] ${escapeMrkdwn(incident.alertName)} ${escapeMrkdwn(where)}: ${summary}${escapeMrkdwn(endWords)}`,
    L.sectionText,
  );
  const runbook = safeLink(incident.runbookUrl, "Runbook");
  const fields = [
    `*Status*\n${st.line}`,
    `*Severity*\n${escapeMrkdwn(incident.severity ?? "unknown")}${incident.status === "open" ? "" : " (highest)"}`,
    `*Owner*\n${s.owner ? SLACK_OUTCOME_FORMAT.who(s.owner) : incident.status === "open" ? "nobody yet: click *I'm on it*" : "nobody took it"}`,
    `*Fix owner*\n${s.fixedBy.length > 0 ? s.fixedBy.map(SLACK_OUTCOME_FORMAT.who).join(", ") : "nobody yet"}`,
    `*Started*\n${utc(incident.startsAt ?? incident.createdAt)}`,
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
    section(`${st.emoji} *${st.word}* ${summary}`),
    { type: "section", fields: fields.map((f) => ({ type: "mrkdwn", text: clip(f, L.sectionFieldText) })) },
  ];
  if (incident.status === "open" && options.workerNotice) blocks.push(section(options.workerNotice));
  if (incident.status === "open") blocks.push(section(`*Pods firing*\n${podLines(incident)}`));
  const silenced = incident.status === "open" ? silenceLine(s) : null;
  if (silenced) blocks.push(section(silenced));
  const foresight = incident.status === "open" ? foresightLine(s) : null;
  if (foresight) blocks.push(section(foresight));
  const actions = actionLines(s);
  if (actions) blocks.push(section(actions));
  const outcome = outcomeLine(incident, s);
  if (outcome) blocks.push(section(outcome));
  const dashboardUrl = dashboardLink(options.dashboardUrl ?? null, incident, now);
  const buttons = controls(
    incident,
    s,
    dashboardUrl && /^https?:\/\/[^\s<>|]+$/.test(dashboardUrl) ? dashboardUrl : null,
    options.silences ?? false,
  );
  if (buttons) blocks.push(buttons);
  const context = [
    `Incident ${code(incident.id)}`,
    `${plural(incident.notifications, "notification")}`,
    `updated ${utc(incident.updatedAt)}`,
    ...(incident.reopened > 0
      ? [
          `fired again within the flap window ${plural(incident.reopened, "time")} (reopened, not a new incident)`,
        ]
      : []),
    ...(incident.alertsDropped > 0
      ? [`${incident.alertsDropped} more alerts not kept (ALERTS_PER_INCIDENT_MAX)`]
      : []),
    ...(runbook ? [runbook] : []),
    "diagnosis and actions in the thread",
  ].join(" · ");
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: clip(context, L.contextText) }] });
  return { text, blocks };
}
