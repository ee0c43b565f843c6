import { gunzipSync, gzipSync } from "node:zlib";
import { PprofError, summariseHeapProfile } from "@rdev/bot/diagnose/pprof.ts";
import {
  type AppStartOptions,
  LOAD,
  RDEV_METRICS,
  SCENARIO_HEAP_SITES,
  SCENARIOS,
  startAppProcess,
} from "@rdev/kube-sim/workload/index.ts";
import {
  Line,
  Location,
  Function as PprofFunction,
  Profile,
  Sample,
  StringTable,
  ValueType,
} from "pprof-format";
import { describe, expect, it } from "vitest";

const T0 = Date.parse("2026-11-26T03:00:00Z");
const MiB = 1024 * 1024;

const options = (scenario: AppStartOptions["scenario"]): AppStartOptions => ({
  scenario,
  podName: "rdev-api-0",
  podIndex: 0,
  restartCount: 0,
  generation: 0,
  startedAtMs: T0,
  // bad-rollout: a process of the leaking release (1.9.0).
  spec: {
    memoryLimitBytes: 512 * MiB,
    env: {},
    ...(scenario === "bad-rollout" ? { image: LOAD.badRollout.leakyImage } : {}),
  },
  seed: 7,
});

/** A tiny profile built by hand: every number in its summary is known. */
function tinyProfile(
  sampleTypes: [string, string][] = [
    ["alloc_objects", "count"],
    ["alloc_space", "bytes"],
    ["inuse_objects", "count"],
    ["inuse_space", "bytes"],
  ],
): Uint8Array {
  const st = new StringTable();
  const fn = (id: number, name: string, file: string) =>
    new PprofFunction({ id, name: st.dedup(name), systemName: st.dedup(name), filename: st.dedup(file) });
  const functions = [
    fn(1, "main.main", "/src/main.go"),
    fn(2, "main.handler", "/src/handler.go"),
    fn(3, "main.leak", "/src/leak.go"),
    fn(4, "strings.Repeat", "/go/src/strings/strings.go"),
    fn(5, "main.small", "/src/small.go"),
  ];
  const loc = (id: number, ...fnIds: number[]) =>
    new Location({
      id,
      mappingId: 0,
      address: 0x1000 + id,
      line: fnIds.map((f) => new Line({ functionId: f, line: 10 })),
    });
  const locations = [
    loc(1, 1), // main.main
    loc(2, 2), // main.handler
    loc(3, 4, 3), // strings.Repeat inlined into main.leak: line[0] is the leaf
    loc(4, 5), // main.small
    loc(5, 3), // main.leak, not inlined
  ];
  const values = (inuseObjects: number, inuseBytes: number) =>
    sampleTypes.map(([type]) =>
      type === "inuse_space" ? inuseBytes : type === "inuse_objects" ? inuseObjects : inuseBytes * 2,
    );
  const sample = (stack: number[], inuseObjects: number, inuseBytes: number) =>
    new Sample({ locationId: stack, value: values(inuseObjects, inuseBytes) });
  return new Profile({
    sampleType: sampleTypes.map(
      ([type, unit]) => new ValueType({ type: st.dedup(type), unit: st.dedup(unit) }),
    ),
    sample: [
      sample([3, 2, 1], 4, 6000), // strings.Repeat <- main.leak <- main.handler <- main.main
      sample([3, 1], 1, 2000), // strings.Repeat <- main.leak <- main.main
      sample([5, 2, 1], 2, 1500), // main.leak (own allocation) <- main.handler <- main.main
      sample([4, 1], 3, 500), // main.small <- main.main
    ],
    location: locations,
    function: functions,
    stringTable: st,
    periodType: new ValueType({ type: st.dedup("space"), unit: st.dedup("bytes") }),
    period: 524288,
  }).encode();
}

describe("summariseHeapProfile on a hand-built profile", () => {
  const summary = summariseHeapProfile(tinyProfile());

  it("totals inuse bytes and objects", () => {
    expect(summary.sampleType).toBe("inuse_space");
    expect(summary.totalInuseBytes).toBe(10_000);
    expect(summary.totalInuseObjects).toBe(10);
  });

  it("ranks flat bytes at the leaf function, treating the innermost inlined frame as the leaf", () => {
    expect(summary.top).toEqual([
      {
        function: "strings.Repeat",
        file: "/go/src/strings/strings.go",
        inuseBytes: 8000,
        share: 0.8,
        stack: ["strings.Repeat", "main.leak", "main.handler", "main.main"],
      },
      {
        function: "main.leak",
        file: "/src/leak.go",
        inuseBytes: 1500,
        share: 0.15,
        stack: ["main.leak", "main.handler", "main.main"],
      },
      {
        function: "main.small",
        file: "/src/small.go",
        inuseBytes: 500,
        share: 0.05,
        stack: ["main.small", "main.main"],
      },
    ]);
  });

  it("ranks cumulative bytes, counting a function once per stack", () => {
    expect(summary.cumulative.map((c) => [c.function, c.inuseBytes, c.share])).toEqual([
      ["main.main", 10_000, 1],
      ["main.leak", 9500, 0.95],
      ["strings.Repeat", 8000, 0.8],
      ["main.handler", 7500, 0.75],
      ["main.small", 500, 0.05],
    ]);
  });

  it("honours top", () => {
    const one = summariseHeapProfile(tinyProfile(), { top: 1 });
    expect(one.top.map((t) => t.function)).toEqual(["strings.Repeat"]);
    expect(one.cumulative).toHaveLength(1);
  });

  it("reads inuse_space wherever it sits among the sample types", () => {
    const reordered = summariseHeapProfile(
      tinyProfile([
        ["inuse_space", "bytes"],
        ["alloc_space", "bytes"],
      ]),
    );
    expect(reordered.totalInuseBytes).toBe(10_000);
    expect(reordered.totalInuseObjects).toBe(0);
    expect(reordered.top[0]?.inuseBytes).toBe(8000);
  });

  it("gives the same answer for gzipped and raw bytes, Buffer or Uint8Array", () => {
    const raw = tinyProfile();
    expect(summariseHeapProfile(gzipSync(raw))).toEqual(summary);
    expect(summariseHeapProfile(Buffer.from(raw))).toEqual(summary);
  });
});

describe("summariseHeapProfile on the simulator's profiles", () => {
  it.each(SCENARIOS.filter((s) => SCENARIO_HEAP_SITES[s] !== null))(
    "%s: the scenario's site ranks first",
    (scenario) => {
      const app = startAppProcess(options(scenario));
      const now = T0 + 9 * 60_000;
      const summary = summariseHeapProfile(app.heapProfile(now), { top: 5 });
      const expected = SCENARIO_HEAP_SITES[scenario];
      expect(summary.top[0]?.function).toBe(expected?.leaf);
      expect(summary.top[0]?.stack).toContain(expected?.frame);
      expect(summary.top[0]?.file).toMatch(/\.go$/);
      expect(summary.top[0]?.share).toBeGreaterThan(0.3);
      expect(summary.top).toHaveLength(5);
      const heapInuse = Number(/^go_memstats_heap_inuse_bytes (\d+)$/m.exec(app.metricsText(now))?.[1]);
      expect(Math.abs(summary.totalInuseBytes - heapInuse) / heapInuse).toBeLessThan(0.02);
      expect(summary.totalInuseObjects).toBeGreaterThan(1000);
      // raw protobuf (ungzipped) summarises the same
      expect(summariseHeapProfile(gunzipSync(app.heapProfile(now)), { top: 5 })).toEqual(summary);
    },
  );

  it("agrees with RDEV_METRICS naming: the heap total is go_memstats_heap_inuse_bytes", () => {
    expect(RDEV_METRICS.heapInuse).toBe("go_memstats_heap_inuse_bytes");
  });
});

function seededBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function cpuProfile(): Uint8Array {
  const st = new StringTable();
  return new Profile({
    sampleType: [
      new ValueType({ type: st.dedup("samples"), unit: st.dedup("count") }),
      new ValueType({ type: st.dedup("cpu"), unit: st.dedup("nanoseconds") }),
    ],
    stringTable: st,
  }).encode();
}

describe("summariseHeapProfile rejects what is not a heap profile", () => {
  const html = Buffer.from(
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>",
  );
  it.each([
    ["an empty body", new Uint8Array(0), "empty", /empty \(0 bytes\)/],
    ["an HTML error page", html, "html", /HTML page .*502 Bad Gateway/],
    ["a gzipped HTML page", gzipSync(html), "html", /HTML page/],
    [
      "the legacy text profile",
      Buffer.from("heap profile: 12: 3456 [78: 9012] @ heap/1048576\n"),
      "text",
      /\?debug=1/,
    ],
    [
      "a JSON error",
      Buffer.from('{"kind":"Status","status":"Failure","code":503}'),
      "text",
      /got text: .*Status/,
    ],
    ["a truncated gzip", gzipSync(tinyProfile()).subarray(0, 20), "corrupt", /does not decompress/],
    ["random bytes", seededBytes(4096, 42), "corrupt", /not a pprof/],
    ["more random bytes", seededBytes(333, 7), "corrupt", /not a pprof/],
    [
      "a CPU profile",
      cpuProfile(),
      "not_heap",
      /no inuse_space sample \(sample types: samples\/count, cpu\/nanoseconds\)/,
    ],
  ])("%s", (_name, data, code, message) => {
    let error: unknown;
    try {
      summariseHeapProfile(data);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PprofError);
    expect((error as PprofError).code).toBe(code);
    expect((error as PprofError).message).toMatch(message);
    if (code !== "corrupt") expect((error as PprofError).message).toMatch(/\/debug\/pprof\/heap|Fetch/);
  });
});
