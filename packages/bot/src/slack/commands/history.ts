// `/rdev mem history [n]`: the n most recent incidents (default 10) within the history retention,
// privately: start, duration, peak memory, likely cause, actions, outcome, thread link, id.
import { historyBlocks } from "../../render/blocks/history.ts";
import type { AppDeps } from "../deps.ts";
import { historyDays, loadRecent } from "../home/data.ts";
import { postToResponseUrl } from "../reply.ts";

export const HISTORY_DEFAULT = 10;

export async function runHistory(
  deps: Pick<AppDeps, "slack" | "fetch" | "incidents" | "proposals" | "now" | "config">,
  request: { responseUrl: string; limit?: number },
): Promise<void> {
  const query = { limit: request.limit ?? HISTORY_DEFAULT, days: historyDays(deps) };
  const rows = await loadRecent(deps, query);
  await postToResponseUrl(
    request.responseUrl,
    { ...historyBlocks(rows, query), response_type: "ephemeral" },
    deps.fetch,
  );
}
