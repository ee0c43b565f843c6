// What the log and Traefik evidence cost a diagnosis: the same simulated cluster (its own process,
// 50 ms of API latency, 9 simulated minutes into each scenario) diagnosed in the same run without
// them (DIAG_LOG_PODS=0, DIAG_TRAEFIK=false), with the Traefik reads only, and with both (the
// defaults), interleaved. Reported: API calls, bytes of log read, time (p50 and max of RUNS), and
// the size of the Diagnosis JSON and of the Slack message.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "@rdev/bot/clock.ts";
import { loadConfig } from "@rdev/bot/config.ts";
import type { Diagnosis } from "@rdev/bot/diagnose/index.ts";
import { runDiagnosis } from "@rdev/bot/diagnose/run-diagnosis.ts";
import { createCluster, kubeConfigFromString } from "@rdev/bot/k8s/index.ts";
import { diagnosisBlocks } from "@rdev/bot/render/blocks/diagnosis.ts";
import { highMemoryRunbook } from "@rdev/bot/runbooks/high-memory/index.ts";
import { round, summarise, table, timeMs, writeResult } from "./lib.ts";

const LATENCY_MS = 50;
const MINUTES = 9;
const RUNS = 7;
const SCENARIOS = ["sse-leak", "large-output", "many-commands", "steady"] as const;
const VARIANTS = {
  without: { DIAG_LOG_PODS: "0", DIAG_TRAEFIK: "false" },
  traefik: { DIAG_LOG_PODS: "0" },
  "logs+traefik": {},
} as const;
type Variant = keyof typeof VARIANTS;

async function simulatorProcess(
  scenario: string,
): Promise<{ kubeconfig: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "rdev-bench-logs-"));
  const path = join(dir, "kubeconfig");
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(import.meta.dirname, "log-sim-child.ts"),
      scenario,
      String(MINUTES),
      String(LATENCY_MS),
      path,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (b: Buffer) => {
      if (b.toString().includes("kubeconfig written")) resolve();
    });
    child.once("exit", (code) =>
      reject(new Error(`the simulator exited with code ${code} before it was ready`)),
    );
  });
  const kubeconfig = await readFile(path, "utf8");
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

type Row = {
  scenario: string;
  variant: Variant;
  calls: { list: number; proxy: number; log: number; total: number };
  logBytes: number;
  p50Ms: number;
  maxMs: number;
  diagnosisJsonBytes: number;
  slackBlocksBytes: number;
  topCause: string;
  topScore: number;
};

async function measure(scenario: string): Promise<Row[]> {
  const sim = await simulatorProcess(scenario);
  try {
    const cluster = createCluster(kubeConfigFromString(sim.kubeconfig));
    // The simulator's clock stands still: the cluster is the same for every run.
    const clock = new ManualClock(Date.parse("2026-03-02T09:00:00Z") + MINUTES * 60_000);
    const runbooks = Object.fromEntries(
      Object.entries(VARIANTS).map(([k, env]) => [k, highMemoryRunbook(loadConfig(env))]),
    ) as Record<Variant, ReturnType<typeof highMemoryRunbook>>;
    await runDiagnosis({ cluster, clock }, { runbook: runbooks["logs+traefik"] }); // warm up TLS
    const times: Record<Variant, number[]> = { without: [], traefik: [], "logs+traefik": [] };
    const last = {} as Record<Variant, Diagnosis>;
    for (let i = 0; i < RUNS; i++) {
      for (const v of Object.keys(VARIANTS) as Variant[]) {
        const { ms, value } = await timeMs(() => runDiagnosis({ cluster, clock }, { runbook: runbooks[v] }));
        if (value.diagnosis.error) throw new Error(value.diagnosis.error.message);
        times[v].push(ms);
        last[v] = value.diagnosis;
      }
    }
    return (Object.keys(VARIANTS) as Variant[]).map((variant) => {
      const d = last[variant];
      const log = d.apiCalls.log ?? 0;
      const s = summarise(times[variant]);
      return {
        scenario,
        variant,
        calls: {
          list: d.apiCalls.list,
          proxy: d.apiCalls.proxy,
          log,
          total: d.apiCalls.list + d.apiCalls.proxy + log,
        },
        logBytes: d.logs?.bytes ?? 0,
        p50Ms: round(s.p50, 1),
        maxMs: round(s.max, 1),
        diagnosisJsonBytes: Buffer.byteLength(JSON.stringify(d)),
        slackBlocksBytes: Buffer.byteLength(JSON.stringify(diagnosisBlocks(d).blocks)),
        topCause: d.causes[0]?.id ?? "none",
        topScore: d.causes[0]?.score ?? 0,
      };
    });
  } finally {
    await sim.stop();
  }
}

const rows: Row[] = [];
for (const scenario of SCENARIOS) {
  const r = await measure(scenario);
  rows.push(...r);
  for (const x of r)
    console.log(
      `${scenario} ${x.variant}: ${x.calls.total} calls, ${x.logBytes} log bytes, p50 ${x.p50Ms} ms`,
    );
}

const kb = (n: number) => `${round(n / 1024, 1)} KiB`;
const extra = SCENARIOS.map((scenario) => {
  const base = rows.find((r) => r.scenario === scenario && r.variant === "without") as Row;
  const full = rows.find((r) => r.scenario === scenario && r.variant === "logs+traefik") as Row;
  return [
    scenario,
    `+${full.calls.total - base.calls.total} (${full.calls.log} log, ${full.calls.list - base.calls.list} list)`,
    kb(full.logBytes),
    `+${round(full.p50Ms - base.p50Ms, 1)} ms (${base.p50Ms} → ${full.p50Ms})`,
    `${kb(base.diagnosisJsonBytes)} → ${kb(full.diagnosisJsonBytes)}`,
    `${kb(base.slackBlocksBytes)} → ${kb(full.slackBlocksBytes)}`,
    `${base.topCause} ${base.topScore} → ${full.topCause} ${full.topScore}`,
  ];
});
const markdown = `## Diagnosis: the cost of log and Traefik evidence

Same simulated cluster (own process, ${LATENCY_MS} ms API latency, ${MINUTES} simulated minutes into each
scenario, 3 pods), same run, variants interleaved, ${RUNS} runs each: without logs and Traefik
(\`DIAG_LOG_PODS=0 DIAG_TRAEFIK=false\`) against the defaults (logs of the 2 worst pods: 15m,
20,000 lines, 4 MiB each; 3 route lists). Time is the whole diagnosis, p50.

${table(["scenario", "extra API calls", "log bytes read", "time", "Diagnosis JSON", "Slack blocks", "top cause (score)"], extra)}

Every variant:

${table(
  ["scenario", "variant", "calls (list/proxy/log)", "log bytes", "p50 ms", "max ms"],
  rows.map((r) => [
    r.scenario,
    r.variant,
    `${r.calls.list}/${r.calls.proxy}/${r.calls.log}`,
    kb(r.logBytes),
    r.p50Ms,
    r.maxMs,
  ]),
)}

The route lists run beside the pod lists and the log reads beside the /metrics and /ready probes,
so the added time is mostly the transfer and parsing of the log bodies (sse-leak's leaking pod and
many-commands log the most).`;
await writeResult(
  "diagnostics-logs",
  { latencyMs: LATENCY_MS, minutes: MINUTES, runs: RUNS, rows },
  markdown,
);
console.log(markdown);
