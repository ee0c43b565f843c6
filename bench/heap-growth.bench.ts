// What the heap-growth measurement costs (issue 16): one capture is a pod list (is the pod still
// the one forecast?) and one heap profile through the pod proxy, summarised; the measurement is two
// captures and a diff. Measured against the simulated cluster (in this process, 50 ms of API
// latency, the sse-leak scenario 9 minutes in), with a plain pod list as the baseline of the same
// run. Reported: API calls, bytes, time per capture (p50, max) and its ratio to the baseline, and the
// diff's time and its leading site.
import { ManualClock } from "@rdev/bot/clock.ts";
import { heapGrowth, sitesOf } from "@rdev/bot/diagnose/heap-diff.ts";
import { summariseHeapProfile } from "@rdev/bot/diagnose/pprof.ts";
import { createCluster, kubeConfigFromString } from "@rdev/bot/k8s/index.ts";
import { startSimulator } from "@rdev/kube-sim/index.ts";
import { round, summarise, table, timeMs, writeResult } from "./lib.ts";

const RUNS = 15;
const LATENCY_MS = 50;
const clock = new ManualClock(Date.parse("2026-03-02T09:00:00Z"));
const sim = await startSimulator({ scenario: "sse-leak", clock, latencyMs: LATENCY_MS });
sim.advance(9 * 60_000);
const cluster = createCluster(kubeConfigFromString(sim.kubeconfig()), { timeoutMs: 10_000 });
const leaking = sim.pods().find((p) => p.podIndex === 0);
if (!leaking) throw new Error("no leaking pod");

const baseline: number[] = [];
const captures: number[] = [];
const bytes: number[] = [];
let calls = 0;
for (let i = 0; i < RUNS; i++) {
  baseline.push((await timeMs(() => cluster.listPods("rdev", "app=rdev-api"))).ms);
  const before = sim.requests().length;
  const { ms, value } = await timeMs(async () => {
    await cluster.listPods("rdev", "app=rdev-api");
    const res = await cluster.proxyGet("rdev", leaking.name, 8080, "/debug/pprof/heap");
    return { body: res.body, summary: summariseHeapProfile(res.body, { top: 200 }) };
  });
  calls = sim.requests().length - before;
  captures.push(ms);
  bytes.push(value.body.length);
}
// The measurement itself: two captures a few simulated minutes apart, and the diff.
const first = summariseHeapProfile(
  (await cluster.proxyGet("rdev", leaking.name, 8080, "/debug/pprof/heap")).body,
  { top: 200 },
);
sim.advance(2 * 60_000);
const second = summariseHeapProfile(
  (await cluster.proxyGet("rdev", leaking.name, 8080, "/debug/pprof/heap")).body,
  { top: 200 },
);
const diff = await timeMs(async () =>
  heapGrowth(
    { total: first.totalInuseBytes, sites: sitesOf(first) },
    { total: second.totalInuseBytes, sites: sitesOf(second) },
  ),
);
await sim.close();

const b = summarise(baseline);
const c = summarise(captures);
const data = {
  runs: RUNS,
  latencyMs: LATENCY_MS,
  baselineListMs: b,
  captureMs: c,
  captureToBaselineP50: round(c.p50 / b.p50),
  apiCallsPerCapture: calls,
  profileBytes: summarise(bytes),
  measurement: { apiCalls: 2 * calls, bytes: 2 * Math.round(summarise(bytes).p50) },
  diffMs: round(diff.ms, 3),
  leadingSite: diff.value.sites[0]?.function ?? null,
  leadingShare: round(diff.value.sites[0]?.shareOfGrowth ?? 0, 3),
};
const md = `## Heap growth (issue 16): what two captures cost

Simulated cluster in this process, ${LATENCY_MS} ms of API latency per call, sse-leak 9 minutes in, ${RUNS} runs.
One capture = a pod list (is the pod still the forecast one?) + one heap profile through the pod proxy, summarised.

${table(
  ["", "p50 ms", "max ms", "ratio to baseline (p50)"],
  [
    ["baseline: one pod list", round(b.p50), round(b.max), "1"],
    ["one capture", round(c.p50), round(c.max), data.captureToBaselineP50],
  ],
)}

- API calls per capture: ${calls}; per measurement (two captures): ${data.measurement.apiCalls}.
- Profile size: ${Math.round(summarise(bytes).p50 / 1024)} KiB per capture (gzipped pprof); ${Math.round(data.measurement.bytes / 1024)} KiB per measurement.
- The diff of two summaries takes ${data.diffMs} ms; after 2 simulated minutes its leading site is \`${data.leadingSite}\` with ${Math.round(data.leadingShare * 100)}% of the growth.
`;
await writeResult("heap-growth", data, md);
console.log(md);
