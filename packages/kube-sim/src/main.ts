// CLI: npm run simulator -- --port 0 --scenario sse-leak --replicas 3 --speed 60 --kubeconfig ./sim.kubeconfig
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ScaledClock, systemClock } from "@rdev/bot/clock.ts";
import { startSimulator, TRAEFIK_SETUPS, type TraefikSetup } from "./index.ts";
import { SCENARIOS, type ScenarioName } from "./workload/types.ts";

const HELP = `Simulated Kubernetes API with rdev-api pods (for kubectl, the bot, tests and demos).

Usage: npm run simulator -- [options]

  --port <n>            listen port on 127.0.0.1 (default 0: a free port)
  --scenario <name>     ${SCENARIOS.join(" | ")} (default steady)
  --replicas <n>        rdev-api replicas (default 3)
  --speed <x>           simulated time runs x times faster than real time (default 1)
  --memory-limit <q>    container memory limit, e.g. 512Mi; "none" for no limit (default 512Mi)
  --pdb-min-available <n|none>  PodDisruptionBudget minAvailable (default 2)
  --latency-ms <n>      delay every API request by n ms (default 0)
  --no-metrics          no metrics.k8s.io (like a cluster without metrics-server)
  --traefik <setup>     ${TRAEFIK_SETUPS.join(" | ")} (default crd: IngressRoute + ServersTransport, timeouts off)
  --seed <n>            randomness seed (default 1)
  --token <t>           bearer token (default rdev-sim-token)
  --kubeconfig <path>   write a kubeconfig for the simulator there
  -h, --help            this help

Then: KUBECONFIG=<path> kubectl -n rdev top pod -l app=rdev-api`;

function fail(message: string): never {
  console.error(`error: ${message}\n\nRun with --help for usage.`);
  process.exit(2);
}

function int(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a whole number >= 0 (got "${text}")`);
  return n;
}

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    scenario: { type: "string" },
    replicas: { type: "string" },
    speed: { type: "string" },
    "memory-limit": { type: "string" },
    "pdb-min-available": { type: "string" },
    "latency-ms": { type: "string" },
    "no-metrics": { type: "boolean" },
    traefik: { type: "string" },
    seed: { type: "string" },
    token: { type: "string" },
    kubeconfig: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
  strict: true,
});

if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const scenario = (values.scenario ?? "steady") as ScenarioName;
if (!SCENARIOS.includes(scenario))
  fail(`--scenario must be one of ${SCENARIOS.join(", ")} (got "${values.scenario}")`);
const speed = values.speed === undefined ? 1 : Number(values.speed);
if (!(speed > 0)) fail(`--speed must be a number > 0 (got "${values.speed}")`);
const traefik = (values.traefik ?? "crd") as TraefikSetup;
if (!TRAEFIK_SETUPS.includes(traefik))
  fail(`--traefik must be one of ${TRAEFIK_SETUPS.join(", ")} (got "${values.traefik}")`);
const pdb = values["pdb-min-available"];
const limit = values["memory-limit"];

const sim = await startSimulator({
  port: int("port", values.port, 0),
  scenario,
  replicas: int("replicas", values.replicas, 3),
  clock: speed === 1 ? systemClock : new ScaledClock(speed),
  memoryLimit: limit === "none" ? null : (limit ?? "512Mi"),
  pdbMinAvailable: pdb === "none" ? null : int("pdb-min-available", pdb, 2),
  latencyMs: int("latency-ms", values["latency-ms"], 0),
  metricsApi: !values["no-metrics"],
  traefik,
  seed: int("seed", values.seed, 1),
  ...(values.token ? { token: values.token } : {}),
});
// The https address is the one its kubeconfig uses (kubectl sends credentials over TLS only).
console.log(
  `Kubernetes API simulator listening on ${sim.httpsUrl} (also plain http on the same port; scenario ${scenario}, speed ${speed}x)`,
);
if (values.kubeconfig) {
  const path = resolve(values.kubeconfig);
  await sim.writeKubeconfig(path);
  console.log(`kubeconfig written to ${path}\n  export KUBECONFIG=${path}`);
} else {
  console.log(`token: ${sim.token}`);
}
const stop = () => {
  void sim.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
