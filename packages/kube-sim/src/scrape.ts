// GET /metrics on the simulator: what a cluster's Prometheus scrapes about the simulated pods
// (cAdvisor working sets and kube-state-metrics, rendered by ./kube-metrics.ts) — not the API
// server's own metrics. Served without a token, like a scrape target inside the cluster.
import { type KubeMetricsPod, renderKubeMetrics } from "./kube-metrics.ts";
import type { Pod } from "./manifests.ts";
import { podViews } from "./view.ts";
import type { World } from "./world.ts";

export function kubeMetricsPods(world: World, now: number): KubeMetricsPod[] {
  return podViews(world, undefined, now).flatMap((view) => {
    const pod = world.store.get<Pod>("pods", view.namespace, view.name);
    const owner = pod?.metadata.ownerReferences?.find((o) => o.controller)?.name ?? null;
    return view.containers.map((c) => ({
      namespace: view.namespace,
      pod: view.name,
      container: c.name,
      node: view.nodeName,
      image: pod?.spec.containers.find((s) => s.name === c.name)?.image ?? "",
      // A container waiting out its back-off has no cgroup, so no working set: reported as 0.
      workingSetBytes: c.memoryBytes ?? 0,
      limitBytes: c.memoryLimitBytes,
      requestBytes: c.memoryRequestBytes,
      restarts: c.restartCount,
      lastTerminatedReason: c.lastTerminationReason,
      replicaSet: owner,
    }));
  });
}

/** The scrape body at `now`; sample timestamps only when the clock is wall-clock time. */
export function scrapeText(world: World, now: number, wallClock: boolean): string {
  return renderKubeMetrics(kubeMetricsPods(world, now), now, { timestamps: wallClock });
}
