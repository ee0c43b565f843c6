// What the history views show, read from the stores: recent incidents with their thread links,
// open incidents with their pending approvals. Shared by `/rdev mem history`, `/rdev incident`
// and App Home.
import { ENTRY, entriesOf } from "../../history/entries.ts";
import { type PermalinkLookup, withPermalinks } from "../../history/permalinks.ts";
import { DAY_MS, type HistoryQuery, loadHistory } from "../../history/query.ts";
import { type IncidentSummary, summariseIncident } from "../../history/summary.ts";
import type { Proposal } from "../../propose/proposals.ts";
import type { OpenIncident, PendingApproval } from "../../render/blocks/home.ts";
import { describeProposal } from "../approvals/describe.ts";
import type { AppDeps, WebClient } from "../deps.ts";
import { slackErrorCode } from "../slack-errors.ts";

export type HistoryViewDeps = Pick<AppDeps, "slack" | "incidents" | "proposals" | "now" | "config">;

/** chat.getPermalink; null when Slack cannot link the message (deleted, channel left). */
export function permalinkLookup(slack: WebClient): PermalinkLookup {
  return async (root) => {
    const reply = await slack.chat
      .getPermalink({ channel: root.channel, message_ts: root.ts })
      .catch((error: unknown) => {
        if (slackErrorCode(error) === null) throw error;
        return null;
      });
    return reply?.permalink ?? null;
  };
}

/** The history window: the retention (HISTORY_RETENTION), in whole days. */
export const historyDays = (deps: Pick<AppDeps, "config">): number =>
  Math.max(1, Math.round(deps.config.runbook.historyRetentionMs / DAY_MS));

/** Recent incidents with thread links (cached on the incidents after the first lookup). */
export async function loadRecent(deps: HistoryViewDeps, query: HistoryQuery): Promise<IncidentSummary[]> {
  const summaries = await loadHistory(deps, query);
  return await withPermalinks({ incidents: deps.incidents, lookup: permalinkLookup(deps.slack) }, summaries);
}

/** Summaries with thread links for records read elsewhere (one incident, open incidents). */
export async function summarise(
  deps: HistoryViewDeps,
  records: Parameters<typeof summariseIncident>[0][],
): Promise<IncidentSummary[]> {
  const now = deps.now();
  return await withPermalinks(
    { incidents: deps.incidents, lookup: permalinkLookup(deps.slack) },
    records.map((r) => summariseIncident(r, now)),
  );
}

/** Proposals posted for the incident that nobody decided yet and that have not expired. */
export async function pendingApprovals(
  deps: HistoryViewDeps,
  s: IncidentSummary,
): Promise<PendingApproval[]> {
  const posted = [
    ...entriesOf(s.entries, ENTRY.diagnosis).flatMap((e) => e.data.proposals),
    ...entriesOf(s.entries, ENTRY.diagnosisPosted).flatMap((e) => e.data.proposals),
  ];
  const decided = new Set(s.actions.map((a) => a.proposalId));
  const ids = [...new Set(posted)].filter((id) => !decided.has(id)).slice(-10);
  const now = deps.now();
  const proposals = await Promise.all(ids.map((id) => deps.proposals.get(id)));
  return proposals
    .filter((p): p is Proposal => p !== null && p.status === "pending" && p.expiresAt > now)
    .map((p) => ({
      proposalId: p.id,
      title: describeProposal(p),
      requestedBy: p.requestedBy,
      expiresAt: p.expiresAt,
    }));
}

/** Open incidents, newest first, with pending approvals. */
export async function loadOpen(deps: HistoryViewDeps): Promise<OpenIncident[]> {
  const open = await deps.incidents.listOpen();
  const records = await deps.incidents.readMany(open.map((i) => i.id).reverse());
  const summaries = await summarise(deps, records);
  return await Promise.all(
    summaries.map(async (summary, i) => {
      const incident = records[i]?.incident;
      return {
        summary,
        // Pods, not alerts: a warning and a critical alert on one pod are one pod.
        firing: incident?.firingPods ?? 0,
        pods: incident?.pods.length ?? 0,
        pending: await pendingApprovals(deps, summary),
      };
    }),
  );
}
