// How fast the simulated rdev-api answers the simulator's questions, for 1,000 pods:
// oomAt over a 15-minute interval (envelope skip + 1 s scan + bisection) against a plain 1-second
// scan of memoryAt (the baseline), plus memoryAt, metricsText and heapProfile per call.
import { type AppProcess, SCENARIOS, startAppProcess } from "@rdev/kube-sim/workload/index.ts";
import { round, table, writeResult } from "./lib.ts";

const PODS = 1000;
const T0 = Date.parse("2026-11-26T03:00:00Z");
const INTERVAL_MS = 15 * 60_000;
const LIMIT = 512 * 1024 * 1024;

const apps: AppProcess[] = Array.from({ length: PODS }, (_, i) =>
  startAppProcess({
    scenario: SCENARIOS[i % SCENARIOS.length] ?? "steady",
    podName: `rdev-api-${i}`,
    podIndex: i % 3,
    restartCount: 0,
    generation: 0,
    startedAtMs: T0,
    spec: { memoryLimitBytes: LIMIT, env: {} },
    seed: i,
  }),
);

function ms(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function scan(app: AppProcess): number | null {
  for (let t = T0; t <= T0 + INTERVAL_MS; t += 1000) if (app.memoryAt(t) >= LIMIT) return t;
  return null;
}

let found = 0;
let mismatches = 0;
const oomMs = ms(() => {
  for (const app of apps) if (app.oomAt(LIMIT, T0, T0 + INTERVAL_MS) !== null) found += 1;
});
const scanMs = ms(() => {
  for (const app of apps) {
    const a = app.oomAt(LIMIT, T0, T0 + INTERVAL_MS);
    const b = scan(app);
    if ((a === null) !== (b === null) || Math.abs((a ?? 0) - (b ?? 0)) > 1000) mismatches += 1;
  }
});
const memoryMs = ms(() => {
  for (const app of apps) app.memoryAt(T0 + 9 * 60_000);
});
const metricsMs = ms(() => {
  for (const app of apps) app.metricsText(T0 + 9 * 60_000);
});
const profileMs = ms(() => {
  for (const app of apps.slice(0, 200)) app.heapProfile(T0 + 9 * 60_000);
});

const data = {
  pods: PODS,
  oomAtAllPodsMs: round(oomMs),
  baselineScanPlusOomAtMs: round(scanMs),
  speedup: round(scanMs / oomMs, 1),
  podsThatOom: found,
  mismatchesWithScan: mismatches,
  memoryAtPerCallUs: round((memoryMs / PODS) * 1000),
  metricsTextPerCallUs: round((metricsMs / PODS) * 1000),
  heapProfilePerCallMs: round(profileMs / 200, 3),
};
console.log(data);
await writeResult(
  "workload",
  data,
  `## Simulated rdev-api (packages/kube-sim/src/workload)

${PODS} pods, every scenario, 512Mi limit, 15-minute interval.

${table(
  ["measure", "value"],
  [
    ["oomAt for all pods (ms)", data.oomAtAllPodsMs],
    ["baseline: 1 s memoryAt scan + oomAt, all pods (ms)", data.baselineScanPlusOomAtMs],
    ["speed-up over the scan", `${data.speedup}x`],
    ["pods that OOM / disagreements with the scan (> 1 s)", `${found} / ${mismatches}`],
    ["memoryAt per call (µs)", data.memoryAtPerCallUs],
    ["metricsText per call (µs)", data.metricsTextPerCallUs],
    ["heapProfile per call (ms)", data.heapProfilePerCallMs],
  ],
)}`,
);
if (mismatches > 0) process.exit(1);
