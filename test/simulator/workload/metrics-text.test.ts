// /metrics: valid text format 0.0.4 (checked with an independent parser) and consistent with memoryAt.

import { COST, RDEV_METRICS, SCENARIOS, startAppProcess } from "@rdev/kube-sim/workload/index.ts";
import { describe, expect, it } from "vitest";
import { appOptions, gaugeValue, MINUTE, MiB, parseMetrics, T0 } from "./helpers.ts";

const TIMES = [0, 0.05, 2, 6, 9.5];

describe.each(SCENARIOS)("%s /metrics", (scenario) => {
  const app = startAppProcess(appOptions(scenario));

  it.each(TIMES)("parses at minute %d, with HELP and TYPE for every family", (minutes) => {
    const text = app.metricsText(T0 + minutes * MINUTE);
    expect(text.endsWith("\n")).toBe(true);
    const families = parseMetrics(text);
    const names = families.map((f) => f.name);
    for (const name of Object.values(RDEV_METRICS)) expect(names).toContain(name);
    for (const extra of ["go_gc_duration_seconds", "http_requests_total", "process_start_time_seconds"]) {
      expect(names).toContain(extra);
    }
    for (const family of families) {
      expect(family.help.length, family.name).toBeGreaterThan(10);
      expect(text).toContain(`# HELP ${family.name} `);
      expect(text).toContain(`# TYPE ${family.name} ${family.type.toLowerCase()}\n`);
      for (const m of family.metrics) {
        for (const v of [m.value, m.count, m.sum, ...Object.values(m.quantiles ?? {})]) {
          if (v !== undefined) expect(Number.isFinite(Number(v)), `${family.name} ${v}`).toBe(true);
        }
      }
    }
    // Every sample line belongs to a family announced by # TYPE above it.
    const typed = new Set<string>();
    for (const line of text.trimEnd().split("\n")) {
      const type = /^# TYPE (\S+) (gauge|counter|summary|histogram|untyped)$/.exec(line);
      if (type?.[1]) typed.add(type[1]);
      if (line.startsWith("#")) continue;
      const name = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line)?.[1] ?? "";
      expect(typed.has(name) || typed.has(name.replace(/_(sum|count)$/, "")), line).toBe(true);
    }
  });

  it("has the right metric types and labels", () => {
    const families = parseMetrics(app.metricsText(T0 + 5 * MINUTE));
    const byName = new Map(families.map((f) => [f.name, f]));
    for (const name of Object.values(RDEV_METRICS)) expect(byName.get(name)?.type).toBe("GAUGE");
    const gc = byName.get("go_gc_duration_seconds");
    expect(gc?.type).toBe("SUMMARY");
    expect(Object.keys(gc?.metrics[0]?.quantiles ?? {}).sort()).toEqual(["0", "0.25", "0.5", "0.75", "1"]);
    const http = byName.get("http_requests_total");
    expect(http?.type).toBe("COUNTER");
    for (const m of http?.metrics ?? []) expect(Object.keys(m.labels ?? {}).sort()).toEqual(["code", "path"]);
    expect(Number(byName.get("process_start_time_seconds")?.metrics[0]?.value)).toBe(T0 / 1000);
  });

  it.each(TIMES.slice(1))("agrees with memoryAt and with its own components at minute %d", (minutes) => {
    const now = T0 + minutes * MINUTE;
    const text = app.metricsText(now);
    const g = (name: string) => gaugeValue(text, name);
    const heap = g(RDEV_METRICS.heapInuse);
    const sse = g(RDEV_METRICS.sseConnections);
    const commands = g(RDEV_METRICS.commandsActive);
    // heap_inuse = idle heap (~58 MiB) + cache + buffered output + per-connection and per-command state.
    const perSse =
      COST.sseSubscribeBytes + COST.sseBufioWriterBytes + COST.sseBufioReaderBytes + COST.sseRequestBytes;
    const explained =
      g(RDEV_METRICS.cacheBytes) +
      g(RDEV_METRICS.outputBuffered) +
      sse * perSse +
      commands * COST.commandCmdBytes;
    expect(heap - explained).toBeGreaterThan(50 * MiB);
    expect(heap - explained).toBeLessThan(75 * MiB);
    expect(g(RDEV_METRICS.heapAlloc)).toBeLessThan(heap);
    expect(g(RDEV_METRICS.residentMemory) / app.memoryAt(now)).toBeGreaterThan(0.97);
    expect(g(RDEV_METRICS.residentMemory) / app.memoryAt(now)).toBeLessThan(1);
    expect(app.memoryAt(now)).toBeGreaterThan(heap);
    const expectedGoroutines =
      COST.baseGoroutines + COST.goroutinesPerSse * sse + COST.goroutinesPerCommand * commands;
    expect(Math.abs(g(RDEV_METRICS.goroutines) - expectedGoroutines) / expectedGoroutines).toBeLessThan(0.03);
  });

  it("counters never go down", () => {
    let previous = new Map<string, number>();
    for (let m = 0; m <= 15; m += 0.25) {
      const families = parseMetrics(app.metricsText(T0 + m * MINUTE));
      const current = new Map<string, number>();
      for (const f of families) {
        if (f.type === "COUNTER") {
          for (const s of f.metrics) current.set(`${f.name}${JSON.stringify(s.labels)}`, Number(s.value));
        }
        if (f.type === "SUMMARY") current.set(`${f.name}_count`, Number(f.metrics[0]?.count));
      }
      for (const [key, value] of current) expect(value, key).toBeGreaterThanOrEqual(previous.get(key) ?? 0);
      previous = current;
    }
    expect(previous.get("go_gc_duration_seconds_count")).toBeGreaterThan(0);
  });
});
