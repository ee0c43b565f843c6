// The open incident of a workload, whatever alert opened it: everything done to the workload while it
// is open belongs to it (a `/rdev mem status` thread, App Home), not only what is done in its thread.
import { clusterOf } from "../clusters/names.ts";
import type { Incident } from "./model.ts";
import type { IncidentStore } from "./store.ts";

/** The most recently opened open incident of namespace/workload in the target's cluster, or null. Pure. */
export function openIncidentOf(
  open: readonly Incident[],
  target: { namespace: string; deployment: string; cluster?: string | null | undefined },
): Incident | null {
  const cluster = clusterOf(target.cluster);
  const mine = open.filter(
    (i) =>
      i.status === "open" &&
      i.namespace === target.namespace &&
      i.workload === target.deployment &&
      clusterOf(i.cluster) === cluster,
  );
  return mine.sort((a, b) => b.createdAt - a.createdAt)[0] ?? null;
}

export async function findOpenIncident(
  incidents: Pick<IncidentStore, "listOpen">,
  target: { namespace: string; deployment: string; cluster?: string | null | undefined },
): Promise<Incident | null> {
  return openIncidentOf(await incidents.listOpen(), target);
}
