// npm run demo: an rdev-api memory incident on one laptop, no cluster and no Slack needed.
// Starts the Kubernetes API simulator running a scenario with sped-up time, and prints the bot's
// diagnosis of it as the incident develops. Everything listens on 127.0.0.1 only.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ScaledClock } from "./clock.ts";
import { loadConfig } from "./config.ts";
import { renderText } from "./diagnostics/render-text.ts";
import { runDiagnosis } from "./diagnostics/run-diagnosis.ts";
import type { Diagnosis } from "./diagnostics/types.ts";
import { createCluster, kubeConfigFromString } from "./k8s/index.ts";
import { highMemoryRunbook } from "./runbooks/high-memory/index.ts";
import { startSimulator } from "./simulator/index.ts";
import { SCENARIOS, type ScenarioName } from "./simulator/workload/types.ts";

const HELP = `Local demo: a simulated rdev-api memory incident, diagnosed by the bot as it develops.

Usage: npm run demo -- [--scenario NAME] [--speed X] [--every SECONDS] [--minutes M]

  --scenario <name>   ${SCENARIOS.join(" | ")} (default sse-leak)
  --speed <x>         simulated seconds per real second (default 30)
  --every <s>         real seconds between diagnoses (default 10)
  --minutes <m>       simulated minutes to run, then stop (default 14; 0 runs until Ctrl-C)
  -h, --help          this help`;

const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "sse-leak" },
    speed: { type: "string", default: "30" },
    every: { type: "string", default: "10" },
    minutes: { type: "string", default: "14" },
    help: { type: "boolean", short: "h" },
  },
  strict: true,
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const scenario = values.scenario as ScenarioName;
const speed = Number(values.speed);
const everyMs = Number(values.every) * 1000;
const minutes = Number(values.minutes);
const problems = [
  SCENARIOS.includes(scenario) ? null : `--scenario must be one of ${SCENARIOS.join(", ")}`,
  speed > 0 ? null : "--speed must be a number > 0",
  everyMs > 0 ? null : "--every must be a number of seconds > 0",
  minutes >= 0 ? null : "--minutes must be >= 0",
].filter((p) => p !== null);
if (problems.length > 0) {
  console.error(`error: ${problems.join("; ")}\n\n${HELP}`);
  process.exit(2);
}

const config = loadConfig();
const clock = new ScaledClock(speed);
const sim = await startSimulator({ port: 0, scenario, clock });
const kubeconfigPath = join(await mkdtemp(join(tmpdir(), "rdev-demo-")), "sim.kubeconfig");
await sim.writeKubeconfig(kubeconfigPath);
const cluster = createCluster(kubeConfigFromString(sim.kubeconfig()));
const runbook = highMemoryRunbook(config);
const startedAt = clock.now();

console.log(`Simulated cluster (scenario ${scenario}, ${speed}x time) at ${sim.url}`);
console.log(`Try it with kubectl:  KUBECONFIG=${kubeconfigPath} kubectl -n rdev top pod -l app=rdev-api`);
console.log(
  `A diagnosis every ${values.every} s (${(everyMs * speed) / 60_000} simulated minutes). Ctrl-C stops.\n`,
);

let previous: Diagnosis | null = null;
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await sim.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());

while (!stopping) {
  const simMinutes = (clock.now() - startedAt) / 60_000;
  const { diagnosis } = await runDiagnosis({ cluster, clock }, { runbook, previous });
  console.log(`──── simulated T+${simMinutes.toFixed(1)} min ────`);
  console.log(renderText(diagnosis));
  previous = diagnosis;
  if (minutes > 0 && simMinutes >= minutes) break;
  await new Promise((resolve) => setTimeout(resolve, everyMs));
}
await stop();
