// `/rdev mem history`: recent incidents from the incident store, privately.
import { type HistoryRow, historyBlocks } from "../blocks/history.ts";
import type { AppDeps } from "../deps.ts";
import { postToResponseUrl } from "../reply.ts";
import { slackErrorCode } from "../slack-errors.ts";

const DAYS = 7;
const LIMIT = 15;

export async function runHistory(
  deps: Pick<AppDeps, "slack" | "incidents" | "now">,
  request: { responseUrl: string },
): Promise<void> {
  const now = deps.now();
  const ids = await deps.incidents.listIds(now - DAYS * 86_400_000, now, LIMIT);
  const incidents = await Promise.all(ids.map((id) => deps.incidents.get(id)));
  const rows: HistoryRow[] = await Promise.all(
    incidents
      .filter((i) => i !== null)
      .map(async (incident) => {
        if (!incident.root) return { incident, permalink: null };
        const link = await deps.slack.chat
          .getPermalink({ channel: incident.root.channel, message_ts: incident.root.ts })
          .catch((error: unknown) => {
            // A deleted root or a channel the bot left: list the incident without a link.
            if (slackErrorCode(error) === null) throw error;
            return null;
          });
        return { incident, permalink: link?.permalink ?? null };
      }),
  );
  await postToResponseUrl(request.responseUrl, {
    ...historyBlocks(rows, now, DAYS),
    response_type: "ephemeral",
  });
}
