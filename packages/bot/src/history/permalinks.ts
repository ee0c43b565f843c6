// Thread permalinks for the history views. chat.getPermalink is one Slack call per incident, so
// the answer is cached on the incident (it never changes): a history of 15 incidents costs Slack
// calls only for incidents never listed before.
import type { IncidentStore } from "../intake/store.ts";
import type { IncidentSummary } from "./summary.ts";

/** Resolves a message to its permalink; null when Slack cannot (deleted message, channel left). */
export type PermalinkLookup = (root: { channel: string; ts: string }) => Promise<string | null>;

export async function withPermalinks(
  deps: { incidents: Pick<IncidentStore, "setPermalink">; lookup: PermalinkLookup },
  summaries: readonly IncidentSummary[],
): Promise<IncidentSummary[]> {
  return await Promise.all(
    summaries.map(async (s) => {
      if (s.permalink || !s.root) return s;
      const permalink = await deps.lookup(s.root);
      if (permalink) await deps.incidents.setPermalink(s.id, permalink);
      return { ...s, permalink };
    }),
  );
}
