// The open incident of a workload, whatever alert opened it: everything done to the workload while it
// is open belongs to it (a `/rdev mem status` thread, App Home), not only what is done in its thread.
import type { Incident } from "./model.ts";
import type { IncidentStore } from "./store.ts";

/** The most recently opened open incident of namespace/workload, or null. Pure. */
export function openIncidentOf(
  open: readonly Incident[],
  target: { namespace: string; deployment: string },
): Incident | null {
  const mine = open.filter(
    (i) => i.status === "open" && i.namespace === target.namespace && i.workload === target.deployment,
  );
  return mine.sort((a, b) => b.createdAt - a.createdAt)[0] ?? null;
}

export async function findOpenIncident(
  incidents: Pick<IncidentStore, "listOpen">,
  target: { namespace: string; deployment: string },
): Promise<Incident | null> {
  return openIncidentOf(await incidents.listOpen(), target);
}
