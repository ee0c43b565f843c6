// Time from request to finished Diagnosis for 3, 30 and 300 pods with 50 ms of injected API
// latency (simulator latencyMs), through the real client, against two baselines measured in the
// same run: the very calls the diagnosis made, one after another; and the runbook done the way a
// script would (list pods, top, events, then every pod's /metrics and /ready, one at a time).
// Lower bound: the dependency chain (list pods, then one proxy call), from the calls' own times.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "@rdev/bot/clock.ts";
import { loadConfig } from "@rdev/bot/config.ts";
import { NODE_WARNINGS, WARNINGS } from "@rdev/bot/diagnose/gather.ts";
import { runDiagnosis } from "@rdev/bot/diagnose/run-diagnosis.ts";
import { createCluster, kubeConfigFromString } from "@rdev/bot/k8s/index.ts";
import type { Cluster } from "@rdev/bot/k8s/types.ts";
import { highMemoryRunbook } from "@rdev/bot/runbooks/high-memory/index.ts";
import { round, summarise, table, timeMs, writeResult } from "./lib.ts";

const LATENCY_MS = 50;
const SIZES = [3, 30, 300];
const RUNS = 5;

type Call = { method: keyof Cluster; args: unknown[] };

/** Records every Cluster call (method and arguments) on its way through. */
function recording(inner: Cluster): { cluster: Cluster; calls: Call[] } {
  const calls: Call[] = [];
  const cluster = new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push({ method: key as keyof Cluster, args });
        return value.apply(target, args);
      };
    },
  });
  return { cluster, calls };
}

/** The same call again, without the original AbortSignal. Returns how long it took. */
async function replay(cluster: Cluster, call: Call): Promise<number> {
  const args = call.args.map((a) =>
    a && typeof a === "object" && "signal" in a ? { timeoutMs: (a as { timeoutMs?: number }).timeoutMs } : a,
  );
  const fn = cluster[call.method] as (...a: unknown[]) => Promise<unknown>;
  return (await timeMs(() => fn.apply(cluster, args))).ms;
}

type Row = {
  pods: number;
  concurrency: number;
  probed: number;
  calls: number;
  diagnosisP50Ms: number;
  diagnosisMaxMs: number;
  sameCallsSequentialMs: number;
  scriptSequentialMs: number;
  scriptCalls: number;
  slowestCallMs: number;
  chainBoundMs: number;
};

/**
 * The simulator in its own process, as a real API server would be: in this process its CPU work
 * (TLS, JSON, /metrics pages) would queue behind the client's on the same event loop.
 */
async function simulatorProcess(pods: number): Promise<{ kubeconfig: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "rdev-bench-"));
  const path = join(dir, "kubeconfig");
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(import.meta.dirname, "../packages/kube-sim/src/main.ts"),
      "--replicas",
      String(pods),
    ].concat(["--scenario", "sse-leak", "--latency-ms", String(LATENCY_MS), "--kubeconfig", path]),
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
      if (out.includes("kubeconfig written")) resolve();
    });
    child.once("exit", (code) =>
      reject(new Error(`the simulator exited with code ${code} before it was ready`)),
    );
  });
  const kubeconfig = await readFile(path, "utf8");
  // Pods answer /ready only after their start-up (READY_AFTER_MS); let them settle.
  await new Promise((r) => setTimeout(r, 2500));
  return {
    kubeconfig,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function measure(pods: number, concurrency: number): Promise<Row> {
  const sim = await simulatorProcess(pods);
  const clock = systemClock;
  try {
    const client = createCluster(kubeConfigFromString(sim.kubeconfig));
    const runbook = highMemoryRunbook(loadConfig({ DIAG_CONCURRENCY: String(concurrency) }));
    // Warm up: TLS handshakes and the client's first-call costs are not the subject.
    await runDiagnosis({ cluster: client, clock }, { runbook });

    const times: number[] = [];
    let calls: Call[] = [];
    let probed = 0;
    for (let i = 0; i < RUNS; i++) {
      const rec = recording(client);
      const { ms, value } = await timeMs(() => runDiagnosis({ cluster: rec.cluster, clock }, { runbook }));
      if (value.diagnosis.error) throw new Error(`diagnosis failed: ${value.diagnosis.error.message}`);
      times.push(ms);
      calls = rec.calls;
      probed = value.diagnosis.counts.probed;
    }

    // Baseline 1: exactly the calls the last diagnosis made, one after another.
    const perCall: { method: string; ms: number }[] = [];
    const same = await timeMs(async () => {
      for (const call of calls) perCall.push({ method: call.method, ms: await replay(client, call) });
    });
    // Baseline 2: the runbook as a script: every pod, one call at a time.
    let scriptCalls = 0;
    const script = await timeMs(async () => {
      const { namespace, selector, port, metricsPath, readyPath } = runbook.target;
      const list = await client.listPods(namespace, selector);
      await client.podMetrics(namespace, selector);
      await client.listEvents(namespace, WARNINGS);
      await client.listEvents(null, NODE_WARNINGS);
      scriptCalls = 4;
      for (const p of list) {
        await client.proxyGet(namespace, p.name, port, metricsPath);
        await client.proxyGet(namespace, p.name, port, readyPath);
        scriptCalls += 2;
      }
    });

    const slowest = (m: (c: { method: string }) => boolean) =>
      Math.max(0, ...perCall.filter(m).map((c) => c.ms));
    // Probes wait for the pod list (and, when sampling, for metrics.k8s.io to rank the pods).
    const gate = pods > runbook.diagnostics.maxPodsProbed ? ["listPods", "podMetrics"] : ["listPods"];
    const s = summarise(times);
    return {
      pods,
      concurrency,
      probed,
      calls: calls.length,
      diagnosisP50Ms: round(s.p50),
      diagnosisMaxMs: round(s.max),
      sameCallsSequentialMs: round(same.ms),
      scriptSequentialMs: round(script.ms),
      scriptCalls,
      slowestCallMs: round(slowest(() => true)),
      chainBoundMs: round(slowest((c) => gate.includes(c.method)) + slowest((c) => c.method === "proxyGet")),
    };
  } finally {
    await sim.stop();
  }
}

const defaults = loadConfig({});
const wide = 2 * defaults.diagnostics.maxPodsProbed + 1;
const rows: Row[] = [];
for (const pods of SIZES) {
  for (const concurrency of [defaults.diagnostics.concurrency, wide]) {
    const row = await measure(pods, concurrency);
    console.log(row);
    rows.push(row);
  }
}

const ratio = (a: number, b: number) => round(a / b, 1);
const at30 = rows.filter((r) => r.pods === 30);
const data = {
  latencyMs: LATENCY_MS,
  runs: RUNS,
  maxPodsProbed: defaults.diagnostics.maxPodsProbed,
  rows: rows.map((r) => ({
    ...r,
    vsChainBound: ratio(r.diagnosisP50Ms, r.chainBoundMs),
    speedupVsSameCalls: ratio(r.sameCallsSequentialMs, r.diagnosisP50Ms),
    speedupVsScript: ratio(r.scriptSequentialMs, r.diagnosisP50Ms),
  })),
  targets: {
    within1_5xOfChainBound: Object.fromEntries(
      at30.map((r) => [`concurrency ${r.concurrency}`, r.diagnosisP50Ms <= 1.5 * r.chainBoundMs]),
    ),
    over10xFasterThanSequentialAt30: Object.fromEntries(
      at30.map((r) => [
        `concurrency ${r.concurrency}`,
        {
          sameCalls: r.sameCallsSequentialMs / r.diagnosisP50Ms > 10,
          script: r.scriptSequentialMs / r.diagnosisP50Ms > 10,
        },
      ]),
    ),
  },
};
console.log(JSON.stringify(data.targets, null, 2));

await writeResult(
  "diagnostics",
  data,
  `## Diagnostics: request to finished Diagnosis (bench/diagnostics.bench.ts)

Simulator (its own process, like a real API server) with ${LATENCY_MS} ms added to every API request,
sse-leak scenario, real @kubernetes/client-node client; p50 of ${RUNS} runs after a warm-up. Baselines in the same run: the
diagnosis's own calls replayed one after another, and the runbook as a script (list pods, top,
events, then every pod's /metrics and /ready, one at a time). Lower bound: the dependency chain,
the slowest gating list call (pods; also pod metrics when sampling beyond DIAG_MAX_PODS_PROBED=${defaults.diagnostics.maxPodsProbed})
plus the slowest proxy call. The slowest single call is shown too.

${table(
  [
    "pods",
    "DIAG_CONCURRENCY",
    "probed",
    "API calls",
    "diagnosis p50 (ms)",
    "same calls sequential (ms)",
    "script sequential (ms, calls)",
    "slowest call (ms)",
    "chain bound (ms)",
    "p50 / bound",
    "vs same calls",
    "vs script",
  ],
  data.rows.map((r) => [
    r.pods,
    r.concurrency,
    r.probed,
    r.calls,
    r.diagnosisP50Ms,
    r.sameCallsSequentialMs,
    `${r.scriptSequentialMs} (${r.scriptCalls})`,
    r.slowestCallMs,
    r.chainBoundMs,
    `${r.vsChainBound}x`,
    `${r.speedupVsSameCalls}x`,
    `${r.speedupVsScript}x`,
  ]),
)}

Targets at 30 pods: within 1.5x of the bound: ${JSON.stringify(data.targets.within1_5xOfChainBound)};
more than 10x faster than sequential: ${JSON.stringify(data.targets.over10xFasterThanSequentialAt30)}.`,
);
