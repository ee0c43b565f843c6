// A test double for the workload's AppProcess: memory grows linearly from a base, so OOM instants
// are known exactly; ready 2 s after start. Passed to the simulator as `appFactory`.
import { gzipSync } from "node:zlib";
import type { AppProcess, AppStartOptions } from "@rdev/kube-sim/workload/types.ts";

export const MiB = 1024 * 1024;

export type LinearAppOptions = { baseBytes?: number; bytesPerSecond?: number; readyAfterMs?: number };

export function linearApp(o: AppStartOptions, opts: LinearAppOptions = {}): AppProcess {
  const base = opts.baseBytes ?? 100 * MiB;
  const rate = opts.bytesPerSecond ?? MiB;
  const readyAfter = opts.readyAfterMs ?? 2000;
  const memoryAt = (now: number) => base + (rate * Math.max(0, now - o.startedAtMs)) / 1000;
  return {
    memoryAt,
    oomAt(limit, from, to) {
      if (rate <= 0) return memoryAt(from) >= limit ? from : null;
      const t = o.startedAtMs + Math.max(0, ((limit - base) / rate) * 1000);
      const at = Math.max(from, Math.ceil(t));
      return at <= to ? at : null;
    },
    metricsText: (now) =>
      `# HELP sse_connections_active Open SSE streams.\n# TYPE sse_connections_active gauge\nsse_connections_active ${Math.floor((now - o.startedAtMs) / 1000)}\n# TYPE commands_active gauge\ncommands_active 2\n# TYPE rdev_pod_generation gauge\nrdev_pod_generation ${o.generation}\n`,
    ready: (now) => now - o.startedAtMs >= readyAfter,
    heapProfile: () => gzipSync(Buffer.from(`heap of ${o.podName}`)),
    // One stats line every 15 s, like the real workload's, with the same SSE figure as /metrics.
    logLines: (from, to) => {
      const lines: { t: number; text: string }[] = [];
      for (let t = o.startedAtMs + 15_000; t <= to; t += 15_000) {
        if (t < from) continue;
        const active = Math.floor((t - o.startedAtMs) / 1000);
        lines.push({
          t,
          text: `time=${new Date(t).toISOString()} level=INFO msg="SSE connection stats" active=${active}`,
        });
      }
      return lines;
    },
  };
}

/** An appFactory for startSimulator that records every start. */
export function linearFactory(opts: LinearAppOptions = {}) {
  const starts: AppStartOptions[] = [];
  const factory = (o: AppStartOptions): AppProcess => {
    starts.push(o);
    return linearApp(o, opts);
  };
  return { factory, starts };
}
