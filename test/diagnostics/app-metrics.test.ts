import { loadConfig } from "@rdev/bot/config.ts";
import { noKnownMetrics, parseAppMetrics } from "@rdev/bot/diagnose/app-metrics.ts";
import { highMemoryRunbook } from "@rdev/bot/runbooks/high-memory/index.ts";
import { startAppProcess } from "@rdev/kube-sim/workload/index.ts";
import { describe, expect, it } from "vitest";

const names = highMemoryRunbook(loadConfig({})).metricNames;

describe("parseAppMetrics", () => {
  it("reads every configured gauge and sums labelled series", () => {
    const text = [
      "# HELP sse_connections_active Open SSE streams.",
      "# TYPE sse_connections_active gauge",
      'sse_connections_active{route="/v1/events"} 4000',
      'sse_connections_active{route="/v1/logs"} 812',
      "# TYPE commands_active gauge",
      "commands_active 3",
      "# TYPE go_goroutines gauge",
      "go_goroutines 9700",
      "# TYPE go_memstats_heap_inuse_bytes gauge",
      "go_memstats_heap_inuse_bytes 4.123e+08",
      "# TYPE http_request_duration_seconds histogram",
      'http_request_duration_seconds_bucket{le="+Inf"} 10',
      "http_request_duration_seconds_sum 1",
      "http_request_duration_seconds_count 10",
      "rdev_cache_entries NaN",
    ].join("\n");
    expect(parseAppMetrics(text, names)).toEqual({
      sse: 4812,
      commands: 3,
      outputBuffered: null,
      cacheEntries: null,
      cacheBytes: null,
      heapInuse: 412_300_000,
      heapAlloc: null,
      goroutines: 9700,
      residentMemory: null,
    });
  });

  it("uses the configured names, so a renamed metric is found", () => {
    const renamed = { ...names, sse: "rdev_sse_streams" };
    expect(parseAppMetrics("rdev_sse_streams 12\nsse_connections_active 99\n", renamed).sse).toBe(12);
  });

  it("reads what the simulated rdev-api serves", () => {
    const app = startAppProcess({
      scenario: "sse-leak",
      podName: "rdev-api-0",
      podIndex: 0,
      restartCount: 0,
      generation: 0,
      startedAtMs: 0,
      spec: { memoryLimitBytes: 512 * 1024 ** 2, env: {} },
      seed: 1,
    });
    const m = parseAppMetrics(app.metricsText(600_000), names);
    expect(m.sse).toBeGreaterThan(4000);
    expect(noKnownMetrics(m)).toBe(false);
    for (const key of Object.keys(m) as (keyof typeof m)[]) expect(m[key], key).not.toBeNull();
  });

  it("finds nothing in an HTML error page, and says so", () => {
    const m = parseAppMetrics("<html><body>502 Bad Gateway</body></html>\n", names);
    expect(noKnownMetrics(m)).toBe(true);
  });
});
