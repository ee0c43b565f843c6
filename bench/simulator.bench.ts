// The simulator's request latency as the cluster grows: list pods (what `kubectl get pods -l`
// and the bot's diagnosis do), list pods as a Table (kubectl's default output) and list pod
// metrics (`kubectl top pod`), at 3, 30, 300 and 1,000 pods, p50/p99 over a few hundred
// sequential requests each. Baseline measured in the same run and process: GET /version, the
// cheapest endpoint (auth + routing + a tiny JSON body), so each ratio is the cost of the cluster
// size. Also: how long replaying 15 simulated minutes (OOM kills, restarts) takes per size.
import { ManualClock } from "@rdev/bot/clock.ts";
import { startSimulator } from "@rdev/kube-sim/index.ts";
import { round, summarise, table, timeMs, writeResult } from "./lib.ts";

const SIZES = [3, 30, 300, 1000];
const REQUESTS = 300;
const WARMUP = 20;
const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

type Endpoint = { name: string; path: string; accept?: string };
const ENDPOINTS: Endpoint[] = [
  { name: "GET /version (baseline)", path: "/version" },
  { name: "list pods", path: "/api/v1/namespaces/rdev/pods?labelSelector=app%3Drdev-api" },
  {
    name: "list pods as Table",
    path: "/api/v1/namespaces/rdev/pods?labelSelector=app%3Drdev-api",
    accept: TABLE,
  },
  {
    name: "list pod metrics",
    path: "/apis/metrics.k8s.io/v1beta1/namespaces/rdev/pods?labelSelector=app%3Drdev-api",
  },
];

type Row = {
  pods: number;
  endpoint: string;
  n: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  bytes: number;
  p50VsBaseline: number;
};

async function measure(
  pods: number,
): Promise<{ rows: Row[]; startMs: number; advance10mMs: number; restarts: number }> {
  const clock = new ManualClock();
  const started = await timeMs(() => startSimulator({ clock, replicas: pods, scenario: "sse-leak" }));
  const sim = started.value;
  try {
    sim.advance(60_000);
    const headers = { Authorization: `Bearer ${sim.token}` };
    const results: { e: Endpoint; times: number[]; bytes: number }[] = [];
    for (const e of ENDPOINTS) {
      const get = async () => {
        const res = await fetch(`${sim.url}${e.path}`, {
          headers: { ...headers, ...(e.accept ? { Accept: e.accept } : {}) },
        });
        const body = await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${e.path}: HTTP ${res.status}`);
        return body.byteLength;
      };
      for (let i = 0; i < WARMUP; i++) await get();
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const { ms, value } = await timeMs(get);
        times.push(ms);
        bytes = value;
      }
      results.push({ e, times, bytes });
    }
    const baseline = summarise(results[0]?.times ?? []).p50;
    const rows = results.map(({ e, times, bytes }) => {
      const s = summarise(times);
      return {
        pods,
        endpoint: e.name,
        n: s.n,
        p50Ms: round(s.p50, 3),
        p99Ms: round(s.p99, 3),
        maxMs: round(s.max, 3),
        bytes,
        p50VsBaseline: round(s.p50 / baseline, 1),
      };
    });
    const advance = await timeMs(async () => sim.advance(15 * 60_000));
    const restarts = sim.pods().reduce((n, p) => n + p.restartCount, 0);
    return { rows, startMs: round(started.ms, 1), advance10mMs: round(advance.ms, 1), restarts };
  } finally {
    await sim.close();
  }
}

// Warm-up run (JIT, sockets) whose numbers are dropped: the first size would otherwise pay for it.
await measure(3);

const all: Row[] = [];
const sizes: { pods: number; startMs: number; advance10mMs: number; restarts: number }[] = [];
for (const pods of SIZES) {
  const r = await measure(pods);
  all.push(...r.rows);
  sizes.push({ pods, startMs: r.startMs, advance10mMs: r.advance10mMs, restarts: r.restarts });
  console.log(`${pods} pods: ${r.rows.map((x) => `${x.endpoint} p50 ${x.p50Ms} ms`).join(", ")}`);
}

const at3 = (endpoint: string) =>
  all.find((r) => r.pods === 3 && r.endpoint === endpoint)?.p50Ms ?? Number.NaN;
const markdown = `## Simulator request latency

Sequential requests over loopback HTTP (keep-alive), ${REQUESTS} per endpoint and size after ${WARMUP} warm-up requests,
simulated cluster in scenario sse-leak one simulated minute after start. Baseline: \`GET /version\` in the same
simulator and run; "vs 3 pods" compares the same endpoint's p50 with the 3-pod cluster.

${table(
  ["pods", "endpoint", "p50 ms", "p99 ms", "max ms", "response bytes", "p50 vs /version", "p50 vs 3 pods"],
  all.map((r) => [
    r.pods,
    r.endpoint,
    r.p50Ms,
    r.p99Ms,
    r.maxMs,
    r.bytes,
    `${r.p50VsBaseline}x`,
    `${round(r.p50Ms / at3(r.endpoint), 1)}x`,
  ]),
)}

Start-up (bootstrap of the cluster and every pod) and replaying 15 simulated minutes in one \`advance()\`:

${table(
  ["pods", "start ms", "advance 15 min ms", "OOM restarts so far"],
  sizes.map((s) => [s.pods, s.startMs, s.advance10mMs, s.restarts]),
)}
`;
await writeResult("simulator", { requests: REQUESTS, rows: all, sizes }, markdown);
console.log(markdown);
