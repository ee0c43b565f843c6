// One timeline entry in words, for every rendering (Slack timeline, App Home, postmortem Markdown).
// Plain text, not escaped: each renderer escapes for its format. `by` is kept apart so Slack can
// mention a user (<@U123>) where Markdown writes the id. Pure.
import { formatDuration, formatPercent } from "../diagnose/format.ts";
import { actionLabel } from "./action-label.ts";
import { ENTRY, type ParsedEntry } from "./entries.ts";
import { describeOutcome } from "./resolution/describe.ts";

export type Described = {
  /** Slack emoji name, also a hint of the entry's nature for other renderings. */
  icon: string;
  text: string;
  /** Who did it when a person did (Slack user id), else null. */
  by: string | null;
};

const SYSTEM = new Set(["alertmanager", "worker", "app", "incident"]);
const personOf = (by: string | undefined): string | null => (by && !SYSTEM.has(by) ? by : null);

const percent = (value: number | null | undefined) =>
  value === null || value === undefined ? null : formatPercent(value);

const OUTCOME_WORDS: Record<string, string> = {
  action_started: "started",
  action_applied: "applied",
  action_already_done: "was already done",
  action_nothing_to_do: "had nothing to do",
  action_retry: "failed, will retry",
  action_failed: "failed",
  action_finished: "finished (rollout complete)",
  action_rollout_stuck: "rollout stuck",
};

export function describeEntry(e: ParsedEntry): Described {
  const by = personOf(e.by);
  switch (e.type) {
    case ENTRY.opened:
      return { icon: "rotating_light", text: "Incident opened", by };
    case ENTRY.alertFiring:
    case ENTRY.alertResolved: {
      const firing = e.type === ENTRY.alertFiring;
      const value = percent(e.data.value);
      const pod = e.data.pod ? ` on ${e.data.pod}` : "";
      const name = e.data.alertName ? `${e.data.alertName} ` : "Alert ";
      const severity = e.data.severity ? ` (${e.data.severity})` : "";
      return {
        icon: firing ? "red_circle" : "large_green_circle",
        text: `${name}${firing ? "firing" : "resolved"}${severity}${pod}${value ? ` at ${value} of the memory limit` : ""}`,
        by: null,
      };
    }
    case ENTRY.rootPosted:
      return { icon: "speech_balloon", text: "Slack thread opened", by: null };
    case ENTRY.resolved:
      return { icon: "white_check_mark", text: "Every alert cleared", by };
    case ENTRY.outcome: {
      const text = describeOutcome(e.data, { who: () => "", name: (n) => n, text: (t) => t });
      return {
        icon:
          e.data.kind === "oom_kill" || e.data.kind === "unknown"
            ? "large_yellow_circle"
            : "large_green_circle",
        text: `Ended: ${text}`,
        by: e.data.approvedBy ?? null,
      };
    }
    case ENTRY.ownerSet:
      return {
        icon: "raising_hand",
        text: e.data.previous ? "Took the incident over" : "Took the incident",
        by: e.data.owner,
      };
    case ENTRY.silenceCreated:
      return {
        icon: "no_bell",
        text: `Silenced in Alertmanager until ${new Date(e.data.until).toISOString().slice(11, 16)} UTC${e.data.untilResolved ? " (until resolved)" : ""}`,
        by,
      };
    case ENTRY.silenceRemoved:
      return { icon: "bell", text: `Silence ended (${e.data.reason})`, by };
    case ENTRY.statusThreadLinked:
      return {
        icon: "link",
        text: "Status thread opened while the incident was open (its actions count here)",
        by,
      };
    case ENTRY.diagnosis: {
      const s = e.data.snapshot;
      if (s.error) return { icon: "warning", text: `Diagnosis failed: ${s.error}`, by };
      const parts = [`Diagnosis: ${s.severity}`];
      if (s.peak) parts.push(`peak ${formatPercent(s.peak.percent)} on ${s.peak.pod}`);
      if (s.trend) parts.push(s.trend);
      if (s.cause) parts.push(`likely ${s.cause.title} (${s.cause.confidence})`);
      if (s.oomKills > 0) parts.push(`${s.oomKills} OOM kill${s.oomKills === 1 ? "" : "s"}`);
      if (e.data.proposals.length > 0) parts.push(`${e.data.proposals.length} action(s) proposed`);
      return { icon: "mag", text: parts.join(", "), by };
    }
    case ENTRY.diagnosisPosted: {
      const parts = [`Diagnosis posted${e.data.severity ? `: ${e.data.severity}` : ""}`];
      if (e.data.topCause && e.data.topCause !== "unknown") parts.push(`likely ${e.data.topCause}`);
      if (e.data.proposals.length > 0) parts.push(`${e.data.proposals.length} action(s) proposed`);
      return { icon: "mag", text: parts.join(", "), by };
    }
    case ENTRY.proposalApproved:
      return { icon: "heavy_check_mark", text: `Approved: ${actionLabel(e.data.action, e.data.params)}`, by };
    case ENTRY.proposalRefused:
      return {
        icon: "no_entry",
        text: `Approval of ${e.data.action ? actionLabel(e.data.action, {}) : "an action"} refused: ${e.data.reason.replace(/_/g, " ")}`,
        by,
      };
    case ENTRY.proposalsWithdrawn:
      return { icon: "wastebasket", text: `${e.data.count} pending approval(s) withdrawn`, by: null };
    case ENTRY.actionStarted:
    case ENTRY.actionApplied:
    case ENTRY.actionAlreadyDone:
    case ENTRY.actionNothingToDo:
    case ENTRY.actionRetry:
    case ENTRY.actionFailed:
    case ENTRY.actionFinished:
    case ENTRY.actionRolloutStuck: {
      const what = e.data.action ? actionLabel(e.data.action, {}) : "Action";
      const detail = e.data.summary ?? e.data.message ?? e.data.progress ?? null;
      const ms = e.data.tookMs ?? null;
      const took = ms === null ? "" : ms < 1000 ? ` in ${Math.round(ms)} ms` : ` in ${formatDuration(ms)}`;
      const bad = e.type === ENTRY.actionFailed || e.type === ENTRY.actionRolloutStuck;
      return {
        icon: bad ? "x" : e.type === ENTRY.actionRetry ? "repeat" : "hammer_and_wrench",
        text: `${what} ${OUTCOME_WORDS[e.type] ?? e.type}${took}${detail ? `: ${detail}` : ""}`,
        by: null,
      };
    }
    case ENTRY.verificationScheduled:
      return {
        icon: "hourglass_flowing_sand",
        text: `Verification scheduled${e.data.inMs ? ` in ${formatDuration(e.data.inMs)}` : ""}`,
        by: null,
      };
    case ENTRY.verificationPassed:
    case ENTRY.verificationFailed: {
      const passed = e.type === ENTRY.verificationPassed;
      const before = percent(e.data.before);
      const after = percent(e.data.after);
      const change = before && after ? `: ${before} → ${after}` : "";
      const failed = e.data.checks.filter((c) => !c.ok).map((c) => c.text);
      const why = !passed && failed.length > 0 ? ` (${failed.join("; ")})` : "";
      return {
        icon: passed ? "white_check_mark" : "x",
        text: `Verification ${passed ? "passed" : "failed"}${e.data.action ? ` after ${actionLabel(e.data.action, {})}` : ""}${change}${why}`,
        by: null,
      };
    }
    case ENTRY.verificationError:
      return {
        icon: "warning",
        text: `Verification could not run: ${e.data.message ?? "unknown error"}`,
        by: null,
      };
    case ENTRY.postmortemExported:
      return { icon: "memo", text: "Postmortem draft exported", by };
    case "other":
      return { icon: "grey_question", text: `${e.original.replace(/_/g, " ")}`, by };
  }
}
