// /debug/pprof/heap: a real gzipped pprof protobuf, decoded here with pprof-format independently of
// src/diagnostics/pprof.ts.
import { gunzipSync } from "node:zlib";
import {
  HEAP_FUNCTIONS,
  RDEV_METRICS,
  SCENARIO_HEAP_SITES,
  SCENARIOS,
  startAppProcess,
} from "@rdev/kube-sim/workload/index.ts";
import { Profile } from "pprof-format";
import { describe, expect, it } from "vitest";
import { appOptions, gaugeValue, MINUTE, T0 } from "./helpers.ts";

function decode(buffer: Buffer) {
  expect([buffer[0], buffer[1]]).toEqual([0x1f, 0x8b]); // gzip, as Go serves it
  const profile = Profile.decode(gunzipSync(buffer));
  const str = (i: unknown) => profile.stringTable.strings[Number(i)] ?? "";
  const fnName = new Map(profile.function.map((f) => [Number(f.id), str(f.name)]));
  const locFns = new Map(
    profile.location.map((l) => [
      Number(l.id),
      l.line.map((line) => fnName.get(Number(line.functionId)) ?? "?"),
    ]),
  );
  const samples = profile.sample.map((s) => ({
    values: s.value.map(Number),
    stack: s.locationId.flatMap((id) => locFns.get(Number(id)) ?? ["?"]),
    labels: s.label.map((l) => ({ key: str(l.key), num: Number(l.num) })),
  }));
  return { profile, str, samples };
}

/** inuse_space by leaf function, largest first. */
function flatTop(samples: { values: number[]; stack: string[] }[]): [string, number][] {
  const flat = new Map<string, number>();
  for (const s of samples) flat.set(s.stack[0] ?? "", (flat.get(s.stack[0] ?? "") ?? 0) + (s.values[3] ?? 0));
  return [...flat.entries()].sort((a, b) => b[1] - a[1]);
}

describe.each(SCENARIOS)("%s heap profile", (scenario) => {
  const app = startAppProcess(appOptions(scenario));
  const now = T0 + 9 * MINUTE;
  const { profile, str, samples } = decode(app.heapProfile(now));

  it("has Go's heap sample types, period and a well-formed table", () => {
    expect(profile.sampleType.map((t) => `${str(t.type)}/${str(t.unit)}`)).toEqual([
      "alloc_objects/count",
      "alloc_space/bytes",
      "inuse_objects/count",
      "inuse_space/bytes",
    ]);
    expect(`${str(profile.periodType?.type)}/${str(profile.periodType?.unit)}`).toBe("space/bytes");
    expect(Number(profile.period)).toBe(512 * 1024);
    expect(profile.stringTable.strings[0]).toBe("");
    expect(BigInt(profile.timeNanos)).toBe(BigInt(now) * 1_000_000n);
    expect(profile.mapping).toHaveLength(1);
    expect(str(profile.mapping[0]?.filename)).toBe("/usr/local/bin/rdev-api");
    const functionIds = new Set(profile.function.map((f) => Number(f.id)));
    for (const loc of profile.location) {
      expect(loc.line.length).toBeGreaterThan(0);
      for (const line of loc.line) expect(functionIds.has(Number(line.functionId))).toBe(true);
    }
    for (const f of profile.function) expect(str(f.filename)).toMatch(/\.(go|s)$/);
  });

  it("has consistent samples: a bytes label, inuse <= alloc, space = objects x size, stacks of a few frames", () => {
    expect(samples.length).toBeGreaterThan(10);
    for (const s of samples) {
      const [allocObjects = 0, allocSpace = 0, inuseObjects = 0, inuseSpace = 0] = s.values;
      const size = s.labels.find((l) => l.key === "bytes")?.num ?? 0;
      expect(size).toBeGreaterThan(0);
      expect(inuseObjects).toBeLessThanOrEqual(allocObjects);
      expect(inuseSpace).toBeLessThanOrEqual(allocSpace);
      expect(inuseSpace).toBe(inuseObjects * size);
      expect(allocSpace).toBe(allocObjects * size);
      expect(s.stack.length).toBeGreaterThanOrEqual(2);
      expect(s.stack.length).toBeLessThanOrEqual(10);
    }
  });

  it("sums inuse_space to the heap_inuse that /metrics reports", () => {
    const total = samples.reduce((sum, s) => sum + (s.values[3] ?? 0), 0);
    const heapInuse = gaugeValue(app.metricsText(now), RDEV_METRICS.heapInuse);
    expect(Math.abs(total - heapInuse) / heapInuse).toBeLessThan(0.02);
  });

  it("includes the usual background sites", () => {
    const leaves = new Set(samples.map((s) => s.stack[0]));
    for (const fn of [HEAP_FUNCTIONS.malg, HEAP_FUNCTIONS.jsonRefill, HEAP_FUNCTIONS.flateNewWriter]) {
      expect(leaves).toContain(fn);
    }
  });

  it("ranks the scenario's allocation site first (steady: nothing dominates)", () => {
    const [first, second] = flatTop(samples);
    const total = samples.reduce((sum, s) => sum + (s.values[3] ?? 0), 0);
    const expected = SCENARIO_HEAP_SITES[scenario];
    if (expected === null) {
      expect((first?.[1] ?? 0) / total).toBeLessThan(0.35);
      return;
    }
    expect(first?.[0]).toBe(expected.leaf);
    expect((first?.[1] ?? 0) / total).toBeGreaterThan(0.3);
    expect(first?.[1]).toBeGreaterThan(1.5 * (second?.[1] ?? 0));
    const heaviest = samples
      .filter((s) => s.stack[0] === expected.leaf)
      .sort((a, b) => (b.values[3] ?? 0) - (a.values[3] ?? 0))[0];
    expect(heaviest?.stack).toContain(expected.frame);
  });
});

describe("scenario-specific stacks", () => {
  const leavesWithStacks = (scenario: (typeof SCENARIOS)[number]) =>
    decode(startAppProcess(appOptions(scenario)).heapProfile(T0 + 9 * MINUTE)).samples;

  it("sse-leak: bufio.NewWriterSize under net/http.(*conn).serve grows with the connections", () => {
    const bufio = (scenario: "sse-leak" | "steady") =>
      leavesWithStacks(scenario).find((s) => s.stack[0] === HEAP_FUNCTIONS.bufioWriter);
    const leak = bufio("sse-leak");
    expect(leak?.stack).toContain(HEAP_FUNCTIONS.connServe);
    expect(leak?.values[3] ?? 0).toBeGreaterThan(10 * (bufio("steady")?.values[3] ?? 0));
  });

  it("large-output: bytes.growSlice is called from exec.(*OutputBuffer).Write", () => {
    const grow = leavesWithStacks("large-output").find((s) => s.stack[0] === HEAP_FUNCTIONS.growSlice);
    expect(grow?.stack.slice(0, 4)).toEqual([
      "bytes.growSlice",
      "bytes.(*Buffer).grow",
      "bytes.(*Buffer).Write",
      HEAP_FUNCTIONS.outputWrite,
    ]);
  });

  it("many-commands: os/exec.(*Cmd).Start is called from exec.(*Runner).Start and is second to it", () => {
    const samples = leavesWithStacks("many-commands");
    const cmd = samples.find((s) => s.stack[0] === HEAP_FUNCTIONS.cmdStart);
    expect(cmd?.stack[1]).toBe(HEAP_FUNCTIONS.runnerStart);
    const runner = samples.find((s) => s.stack[0] === HEAP_FUNCTIONS.runnerStart);
    expect(runner?.values[2]).toBeGreaterThan(200); // one preallocated buffer per command
  });

  it("the profile changes with time: later profiles hold more of the leak", () => {
    const app = startAppProcess(appOptions("sse-leak"));
    const subscribe = (minutes: number) =>
      decode(app.heapProfile(T0 + minutes * MINUTE)).samples.find(
        (s) => s.stack[0] === HEAP_FUNCTIONS.sseSubscribe,
      )?.values[3] ?? 0;
    expect(subscribe(9)).toBeGreaterThan(2 * subscribe(4));
  });
});
