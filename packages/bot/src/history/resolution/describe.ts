// An incident's ending in one sentence, for the thread line, the root message, `/rdev incident`, the
// history and the postmortem. The format decides how people and names look (Slack mentions and code
// spans, or display names in a Markdown file). Pure.
import { formatDuration } from "../../diagnose/format.ts";
import type { OutcomeData, OutcomeKind } from "./outcome.ts";

export type OutcomeFormat = {
  /** A person: `<@U123>` in Slack, a display name in files; "" leaves the person out. */
  who: (userId: string) => string;
  /** A pod or object name. */
  name: (text: string) => string;
  /** Untrusted free text. */
  text: (text: string) => string;
};

/** Short words for lists (history, App Home): "OOM kill", "fixed (verified)". */
export const OUTCOME_KIND_WORDS: Record<OutcomeKind, string> = {
  action: "fixed by an action",
  oom_kill: "ended by an OOM kill",
  rollout: "pods replaced by someone else's rollout",
  pod_replaced: "pod replaced outside the bot",
  restarted: "container restarted",
  memory_fell: "resolved on its own",
  unknown: "ended, cause unknown",
};

/** HH:MM UTC of a real time, with the cluster's clock where it differs (simulated clusters). */
export function clockTime(at: number | null | undefined, clusterAt?: number | null): string {
  if (at === null || at === undefined) return "an unknown time";
  const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  const cluster =
    clusterAt !== null && clusterAt !== undefined && Math.abs(clusterAt - at) > 60_000
      ? ` (cluster clock ${hhmm(clusterAt)})`
      : "";
  return `${hhmm(at)} UTC${cluster}`;
}

const VERIFICATION: Record<"passed" | "failed" | "pending", string> = {
  passed: "the fix was verified",
  failed: "but verification failed: the fix did not hold",
  pending: "not verified yet",
};

/** The sentence after "Resolved after 14m: ". */
export function describeOutcome(o: OutcomeData, f: OutcomeFormat): string {
  const pod = o.pod ? f.name(o.pod) : "a pod";
  const notes = o.notes.length > 0 ? ` (${o.notes.map(f.text).join("; ")})` : "";
  switch (o.kind) {
    case "oom_kill": {
      const restarts =
        o.restartCount !== null && o.restartCount !== undefined ? `, restart count ${o.restartCount}` : "";
      return `${pod} was OOM-killed at ${clockTime(o.at, o.clusterAt)}${restarts}. The kill freed the memory; nothing was fixed, so the leak will come back${notes}.`;
    }
    case "action": {
      const approver = o.approvedBy ? f.who(o.approvedBy) : "";
      const by = approver ? `, approved by ${approver}` : "";
      const verification = VERIFICATION[o.verification ?? "pending"];
      return `fixed by ${f.text(o.actionText ?? o.action ?? "an action")}${by}, applied at ${clockTime(o.at)}; ${verification}${notes}.`;
    }
    case "rollout": {
      const set = o.replacement ? ` (new ReplicaSet ${f.name(o.replacement)})` : "";
      return `the pods were replaced by a rollout the bot did not make${set} at ${clockTime(o.at)}, which reset their memory. Check what it changed (kubectl rollout history)${notes}.`;
    }
    case "pod_replaced": {
      const by = o.replacement ? `; ${f.name(o.replacement)} replaced it at ${clockTime(o.at)}` : "";
      return `${pod} was deleted or evicted outside the bot${by}, which reset its memory${notes}.`;
    }
    case "restarted":
      return `${pod}'s container restarted at ${clockTime(o.at, o.clusterAt)} (${f.text(o.reason ?? "unknown reason")}, restart count ${o.restartCount ?? "?"}), which reset its memory${notes}.`;
    case "memory_fell":
      return `memory fell below the alert threshold with no OOM kill, restart, rollout or action: resolved on its own${notes}.`;
    case "unknown":
      return `the cluster could not be read to say why (${f.text(o.error ?? "unknown error")}). Check the pods' restarts and last state by hand${notes}.`;
  }
}

/** The thread's closing line. */
export function resolutionLine(o: OutcomeData, lastedMs: number, f: OutcomeFormat): string {
  const icon =
    o.kind === "oom_kill" || o.kind === "unknown" ? ":large_yellow_circle:" : ":large_green_circle:";
  const text = describeOutcome(o, f);
  return `${icon} Resolved after ${formatDuration(lastedMs)}: ${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
