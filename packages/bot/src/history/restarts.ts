// The bot's own restarts of the workload in a window, from incident history: the restart budget's
// half that the cluster cannot tell (an evicted pod is gone, its replacement starts at 0 restarts).
import type { IncidentStore } from "../intake/store.ts";
import { entryOf } from "../runbooks/high-memory/catalog/index.ts";
import { ENTRY } from "./entries.ts";

/** Incidents opened this long before the window can still have restarts inside it. */
const SLACK_MS = 86_400_000;

export async function botRestartsSince(
  incidents: Pick<IncidentStore, "listIds" | "readMany">,
  sinceMs: number,
  nowMs: number,
): Promise<number> {
  const ids = await incidents.listIds(sinceMs - SLACK_MS, nowMs, 200);
  const records = await incidents.readMany(ids);
  let count = 0;
  for (const { timeline } of records) {
    for (const e of timeline) {
      const action = (e.data as { action?: unknown } | undefined)?.action;
      if (
        e.type === ENTRY.actionApplied &&
        e.at >= sinceMs &&
        typeof action === "string" &&
        entryOf(action)?.restartsPods === true
      )
        count += 1;
    }
  }
  return count;
}
