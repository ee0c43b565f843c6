// The bot's own changes to the workload's pod template, from the incident's timeline, on the
// cluster's clock (timeline entries are stamped in real time; a fast simulator's clock differs).
import type { BotChange } from "../diagnose/foresight/changes.ts";
import { actionLabel } from "../history/action-label.ts";
import { entryOf } from "../runbooks/high-memory/catalog/index.ts";
import type { WorkerDeps } from "./deps.ts";

export async function botChanges(
  deps: Pick<WorkerDeps, "incidents" | "now" | "realNow" | "config">,
  incidentId: string | null,
): Promise<BotChange[]> {
  if (!incidentId) return [];
  const entries = await deps.incidents.timeline(incidentId).catch(() => []);
  const speed = deps.config.clusterClock.speed;
  const clusterNow = deps.now();
  const realNow = deps.realNow();
  return entries.flatMap((e) => {
    const data = (e.data ?? {}) as Record<string, unknown>;
    const action = typeof data.action === "string" ? data.action : null;
    if (e.type !== "action_applied" || !action || entryOf(action)?.changesTemplate !== true) return [];
    const at = clusterNow - (realNow - e.at) * speed;
    const params = (typeof data.details === "object" && data.details ? data.details : {}) as Record<
      string,
      unknown
    >;
    return [{ at, title: actionLabel(action, params) }];
  });
}
