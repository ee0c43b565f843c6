// The postmortem draft (Markdown) exported into an incident's thread: the summary and figures, the
// actions taken, the whole timeline, and the runbook's Post-Incident checklist with what the bot
// already knows filled in under each item. A draft for people to finish, not a verdict. Pure.
import { formatBytes, formatCount, formatDuration, formatPercent } from "../../diagnose/format.ts";
import { formatWhen, utcStamp } from "../../diagnose/when.ts";
import { describeEntry } from "../../history/describe.ts";
import { ENTRY, entriesOf } from "../../history/entries.ts";
import { describeOutcome } from "../../history/resolution/describe.ts";
import type { DiagnosisSnapshot } from "../../history/snapshot.ts";
import { ACTION_RESULT_TEXT, type IncidentSummary } from "../../history/summary.ts";
import { USER_ID, type UserName } from "../../slack-web/user-names.ts";

/** Markdown-significant characters in text from the cluster or Slack, escaped. */
export function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, " ");
}

/** An identifier as inline code (no backticks inside). */
const mdCode = (text: string) => `\`${text.replace(/`/g, "'").replace(/\s*\n\s*/g, " ")}\``;

const stamp = utcStamp;
/** When a diagnosis was taken (real time), with the cluster's clock where it differed. */
const snapshotWhen = (d: DiagnosisSnapshot) =>
  d.at === null ? stamp(Date.parse(d.gatheredAt)) : formatWhen(d.at, Date.parse(d.gatheredAt));
/** Who did what, by display name (a file cannot mention); the id where the name is unknown. */
type People = ReadonlyMap<string, UserName>;
type Person = (by: string | null) => string;
const personIn =
  (names: People): Person =>
  (by) =>
    by ? md(names.get(by)?.name ?? by) : "the bot";

/** The Slack user ids a summary names (approvers, requesters, exporters): for users.info. */
export function peopleIn(s: IncidentSummary): string[] {
  const ids = [...s.entries.map((e) => describeEntry(e).by), ...s.actions.map((a) => a.approvedBy)];
  return [...new Set(ids.filter((id): id is string => id !== null && USER_ID.test(id)))];
}

/** The note under the title when some names could not be looked up. */
function namesNote(s: IncidentSummary, names: People): string[] {
  const missing = peopleIn(s)
    .map((id) => names.get(id))
    .filter((n): n is Extract<UserName, { name: null }> => n === undefined || n.name === null);
  if (missing.length === 0) return [];
  const problems = [...new Set(missing.map((n) => n?.problem ?? "not looked up"))];
  const scope = problems.includes("missing_scope") ? "; the app needs the users:read scope" : "";
  return [
    `_Some people are shown by their Slack user id: Slack did not give their names (${problems.join(", ")}${scope})._`,
    "",
  ];
}

function metric(s: DiagnosisSnapshot | null, key: "sse" | "outputBuffered" | "commands" | "cacheEntries") {
  const pod = s?.pods.find((p) => p.name === s.peak?.pod) ?? s?.pods[0];
  const value = pod?.metrics?.[key];
  return value === undefined || !pod ? null : { pod: pod.name, value };
}

function heapItem(s: IncidentSummary, snapshots: DiagnosisSnapshot[]): string[] {
  const heap = [...snapshots].reverse().find((d) => d.heap)?.heap;
  if (!heap) {
    return [
      "No heap profile was captured during the incident. Capture one while memory is high (the capture-heap-profile action, or `curl localhost:8080/debug/pprof/heap` in the pod).",
    ];
  }
  const top = heap.top.map((t) => `${mdCode(t.function)} ${formatPercent(t.share * 100)}`).join(", ");
  const attached = s.actions.some((a) => a.action === "capture-heap-profile") ? " (file in the thread)" : "";
  return [
    `Heap profile of ${mdCode(heap.pod)}${attached}: ${formatBytes(heap.totalInuseBytes)} in use; top: ${top}.`,
  ];
}

function causeNote(s: IncidentSummary, id: string): string[] {
  if (s.cause?.id !== id) return [];
  return [
    `The bot ranked this the likely cause (${s.cause.confidence} confidence): ${s.cause.evidence.map(md).join("; ")}.`,
  ];
}

function checklist(s: IncidentSummary, snapshots: DiagnosisSnapshot[], person: Person): string[] {
  const latest = s.latest;
  const sse = metric(latest, "sse");
  const output = metric(latest, "outputBuffered");
  const peakSnap = [...snapshots].sort((a, b) => (b.peak?.percent ?? 0) - (a.peak?.percent ?? 0))[0] ?? null;
  const limit = peakSnap?.peak?.limitBytes ?? null;
  const raised = entriesOf(s.entries, ENTRY.proposalApproved).filter(
    (e) => e.data.action === "raise-memory-limit",
  );
  const pods = latest?.pods ?? [];
  const warning = latest?.thresholds.warningPercent ?? 80;
  const high = pods.filter((p) => (p.percent ?? 0) >= warning).length;
  const items: [string, string[]][] = [
    ["Analyze heap profile for memory leaks", heapItem(s, snapshots)],
    [
      "Review SSE connection lifecycle",
      [
        ...causeNote(s, "sse-leak"),
        sse
          ? `Last seen: ${formatCount(sse.value)} active SSE connections on ${mdCode(sse.pod)}.`
          : "No SSE figure was read.",
      ],
    ],
    [
      "Consider implementing output size limits",
      [
        ...causeNote(s, "large-output"),
        output
          ? `Last seen: ${formatBytes(output.value)} of command output buffered on ${mdCode(output.pod)}.`
          : "No buffered-output figure was read.",
      ],
    ],
    [
      "Update memory limits based on findings",
      [
        peakSnap?.peak
          ? `Peak ${formatPercent(peakSnap.peak.percent)} of a ${formatBytes(limit)} limit (${formatBytes(peakSnap.peak.workingSetBytes)} working set on ${mdCode(peakSnap.peak.pod)}).`
          : "No memory figure against a limit was read.",
        ...raised.map(
          (e) =>
            `Raised to ${md(String(e.data.params.memoryLimit ?? "?"))} by ${person(e.by ?? null)} at ${stamp(e.at)}.`,
        ),
      ],
    ],
    [
      "Consider adding memory-based HPA",
      [
        pods.length > 0
          ? `${high} of ${pods.length} pod(s) were at or above ${warning}% at the last diagnosis: ${high > 1 ? "load spread across pods, which more replicas could absorb" : "one pod stood out, which points at a leak more than at load (an HPA would not fix it)"}.`
          : "No per-pod figures were read.",
      ],
    ],
  ];
  return items.flatMap(([title, notes], i) => [`${i + 1}. [ ] ${title}`, ...notes.map((n) => `   - ${n}`)]);
}

/** What the bot saw of the impact: pods alerting, OOM kills and restarts. */
function impact(s: IncidentSummary, snapshots: DiagnosisSnapshot[]): string[] {
  const pods = new Set(entriesOf(s.entries, ENTRY.alertFiring).map((e) => e.data.pod ?? e.data.fingerprint));
  const ooms = Math.max(0, ...snapshots.map((d) => d.oomKills));
  const restarts = Math.max(0, ...snapshots.map((d) => d.restarts));
  return [
    `- ${pods.size} pod(s) alerted over ${formatDuration(s.durationMs)}, peaking at ${formatPercent(s.peakPercent)} of the memory limit.`,
    `- OOM kills seen by the diagnoses: ${ooms}; container restarts: ${restarts}${ooms > 0 ? " (each one lost that pod's in-flight requests and SSE streams)" : ""}.`,
  ];
}

/** The worker's review of the ending, in the file's words. */
function whyItEnded(s: IncidentSummary, person: Person): string {
  if (s.ending) {
    const text = describeOutcome(s.ending, { who: (id) => person(id), name: mdCode, text: md });
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
  }
  return s.status === "open"
    ? "still open"
    : "not reviewed yet (the worker reads the cluster when the alerts clear)";
}

export function postmortemMarkdown(
  s: IncidentSummary,
  options: {
    now: number;
    runbookUrl: string | null;
    /** Display names of peopleIn(s), from users.info; ids without one are shown as ids, with a note. */
    names?: ReadonlyMap<string, UserName>;
  },
): string {
  const names = options.names ?? new Map<string, UserName>();
  const person = personIn(names);
  const snapshots = entriesOf(s.entries, ENTRY.diagnosis).map((e) => e.data.snapshot);
  const row = (k: string, v: string) => `| ${k} | ${v} |`;
  const figures = snapshots.map(
    (d) =>
      `| ${snapshotWhen(d)} | ${d.severity} | ${formatPercent(d.peak?.percent ?? null)} | ${d.trend ?? "-"} | ${d.oomKills} | ${d.cause ? md(d.cause.title) : "-"} |`,
  );
  const actions = s.actions.map(
    (a) =>
      `| ${stamp(a.approvedAt)} | ${md(a.text)} | ${person(a.approvedBy)} | ${a.result ? (ACTION_RESULT_TEXT[a.result] ?? md(a.result)) : "queued"} | ${a.verification ?? "-"} |`,
  );
  const timeline = s.entries.map((e) => {
    const d = describeEntry(e);
    return `- ${stamp(e.at)}: ${md(d.text)}${d.by ? ` (${person(d.by)})` : ""}`;
  });
  return [
    `# Postmortem draft: ${md(s.alertName)} on ${md(s.where)}`,
    "",
    `_Drafted by the rdev chat-ops bot at ${stamp(options.now)} from the incident's timeline. Check and complete it before sharing._`,
    "",
    ...namesNote(s, names),
    "## Summary",
    "",
    "| | |",
    "|---|---|",
    row("Incident", mdCode(s.id)),
    row("Started", stamp(s.startedAt)),
    row("Resolved", s.endedAt ? stamp(s.endedAt) : "still open"),
    row("Duration", formatDuration(s.durationMs)),
    row(
      "Peak memory",
      s.peakPercent === null
        ? "unknown"
        : `${formatPercent(s.peakPercent)} of the limit${s.peakPod ? ` (${mdCode(s.peakPod)})` : ""}`,
    ),
    row(
      "Likely cause",
      s.cause ? `${md(s.cause.title)} (${s.cause.confidence} confidence)` : "not diagnosed",
    ),
    row(
      "OOM kills seen",
      String(Math.max(s.ending?.kind === "oom_kill" ? 1 : 0, ...snapshots.map((d) => d.oomKills))),
    ),
    row("Outcome", s.outcomeText),
    row("Why it ended", whyItEnded(s, person)),
    row("Slack thread", s.permalink ?? "unknown"),
    ...(options.runbookUrl ? [row("Runbook", options.runbookUrl)] : []),
    "",
    "## Impact",
    "",
    ...impact(s, snapshots),
    "",
    "_Add who or what was affected: failed or slow requests, lost SSE streams, user reports._",
    "",
    "## Figures",
    "",
    ...(figures.length > 0
      ? [
          "| Diagnosis | Severity | Peak | Trend | OOM kills | Likely cause |",
          "|---|---|---|---|---|---|",
          ...figures,
        ]
      : ["No diagnosis was recorded."]),
    "",
    "## Actions taken",
    "",
    ...(actions.length > 0
      ? ["| Approved | Action | By | Result | Verification |", "|---|---|---|---|---|", ...actions]
      : ["None."]),
    "",
    "## Timeline",
    "",
    ...(timeline.length > 0 ? timeline : ["No entries."]),
    "",
    "## Post-Incident checklist (from the runbook)",
    "",
    ...checklist(s, snapshots, person),
    "",
  ].join("\n");
}
