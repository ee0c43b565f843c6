// The app's watch over its workers' heartbeats: when a cluster's worker goes down or comes back,
// the roots of that cluster's open incidents are re-rendered, so they say "the worker for cluster B
// is unavailable since ..." without waiting for the next alert, and stop saying it once it is back.
// Other clusters' incidents are not touched. Every replica watches; root renders are coalesced.
import type { WorkerLiveness, WorkerNotices } from "../../clusters/heartbeat.ts";
import { clusterOf } from "../../clusters/names.ts";
import type { IncidentStore } from "../../intake/store.ts";
import type { Logger } from "../../logger.ts";
import type { RootUpdater } from "./root-updater.ts";

export type WorkerWatchDeps = {
  workers: Pick<WorkerNotices, "all">;
  incidents: Pick<IncidentStore, "listOpen">;
  rootUpdater: Pick<RootUpdater, "touch">;
  logger: Logger;
};

/**
 * Clusters whose worker's liveness differs between two readings; none on the first reading (a root
 * rendered after the app starts reads the liveness itself). Pure.
 */
export function changedClusters(
  before: ReadonlyMap<string, WorkerLiveness> | null,
  next: ReadonlyMap<string, WorkerLiveness>,
): string[] {
  return [...next.values()]
    .filter((l) => before !== null && before.get(l.cluster)?.alive !== l.alive)
    .map((l) => l.cluster);
}

/** One reading: re-renders the open incidents of each cluster whose worker changed. Returns the new reading. */
export async function watchRound(
  deps: WorkerWatchDeps,
  before: ReadonlyMap<string, WorkerLiveness> | null,
): Promise<Map<string, WorkerLiveness>> {
  const next = await deps.workers.all();
  const changed = new Set(changedClusters(before, next));
  if (changed.size === 0) return next;
  for (const cluster of changed)
    deps.logger.warn(
      { cluster, alive: next.get(cluster)?.alive },
      next.get(cluster)?.alive ? "cluster worker is back" : "cluster worker is unavailable",
    );
  const open = await deps.incidents.listOpen();
  await Promise.all(
    open.filter((i) => changed.has(clusterOf(i.cluster))).map((i) => deps.rootUpdater.touch(i.id)),
  );
  return next;
}

export function startWorkerWatch(deps: WorkerWatchDeps, intervalMs: number): { stop(): void } {
  let last: Map<string, WorkerLiveness> | null = null;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    watchRound(deps, last)
      .then((next) => {
        last = next;
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, "worker watch round failed"))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
