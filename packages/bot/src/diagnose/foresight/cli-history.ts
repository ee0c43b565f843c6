// Where `npm run diagnose` gets the samples for its time-to-OOM forecast: Prometheus query_range
// when a URL is given, else working-set samples it takes itself (metrics.k8s.io), `every` apart.
import type { Cluster } from "../../k8s/types.ts";
import type { HighMemoryRunbook } from "../../runbooks/high-memory/index.ts";
import { prometheusRangeSource } from "../../samples/prometheus-range-source.ts";
import { type MemorySnapshot, snapshotHistorySource } from "../../samples/snapshot-history-source.ts";
import type { ForesightHistory } from "./foresee.ts";

export type CliHistoryOptions = {
  prometheusUrl: string | null;
  /** Samples to take before the diagnosis (its own sample is one more). */
  samples: number;
  everyMs: number;
  now: () => number;
  wait: (ms: number) => Promise<void>;
  onSample?: (i: number) => void;
};

export async function cliHistory(
  cluster: Cluster,
  runbook: HighMemoryRunbook,
  o: CliHistoryOptions,
): Promise<ForesightHistory | null> {
  const { namespace, selector, container } = runbook.target;
  if (o.prometheusUrl)
    return {
      label: "Prometheus",
      source: prometheusRangeSource({ baseUrl: o.prometheusUrl, target: { namespace, container } }),
    };
  if (o.samples <= 0) return null;
  const snapshots: MemorySnapshot[] = [];
  for (let i = 0; i < o.samples; i++) {
    if (i > 0) await o.wait(o.everyMs);
    const metrics = await cluster.podMetrics(namespace, selector, {
      timeoutMs: runbook.diagnostics.timeoutMs,
    });
    snapshots.push({
      at: o.now(),
      pods: metrics.map((m) => ({
        pod: m.name,
        workingSetBytes:
          (m.containers.find((c) => c.name === container) ?? m.containers[0])?.memoryBytes ?? null,
      })),
    });
    o.onSample?.(i + 1);
  }
  await o.wait(o.everyMs);
  return {
    label: `${o.samples} samples taken ${Math.round(o.everyMs / 1000)}s apart`,
    source: snapshotHistorySource(snapshots),
  };
}
