// `npm run demo` flags, parsed and checked in one place (pure: argv in, options or problems out).
import { parseArgs } from "node:util";
import { SCENARIOS, type ScenarioName } from "@rdev/kube-sim/workload/types.ts";

export const DEMO_HELP = `Local demo: the whole bot on loopback (Redis, Kubernetes API simulator, Slack app, worker,
alerts, and a Slack stand-in page to act in). Ctrl-C stops everything.

Usage: npm run demo -- [--scenario NAME] [--speed X] [--port P] [--no-alerts] [--clusters N]

  --scenario <name>   ${SCENARIOS.join(" | ")} (default sse-leak)
  --speed <x>         simulated seconds per real second (default 20)
  --port <p>          port of the Slack stand-in page on 127.0.0.1 (default 0: a free port)
  --no-alerts         no alert pipeline: ask for a diagnosis with /rdev mem status
  --clusters <n>      simulated clusters side by side, 1-4 (default 1): a, b, ...; the scenario runs in
                      the last one, the others are steady; a worker each, with only its own kubeconfig
  -h, --help          this help

Environment: REDIS_URL uses that Redis instead of a private redis-server; LOG_LEVEL (default warn).`;

export type DemoArgs =
  | { kind: "help" }
  | { kind: "run"; scenario: ScenarioName; speed: number; port: number; alerts: boolean; clusters?: number }
  | { kind: "error"; problems: string[] };

export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  let values: {
    scenario: string;
    speed: string;
    port: string;
    clusters: string;
    "no-alerts"?: boolean;
    help?: boolean;
  };
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        scenario: { type: "string", default: "sse-leak" },
        speed: { type: "string", default: "20" },
        port: { type: "string", default: "0" },
        clusters: { type: "string", default: "1" },
        "no-alerts": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return { kind: "error", problems: [error instanceof Error ? error.message : String(error)] };
  }
  if (values.help) return { kind: "help" };
  const scenario = values.scenario as ScenarioName;
  const speed = Number(values.speed);
  const port = Number(values.port);
  const clusters = Number(values.clusters);
  const problems = [
    SCENARIOS.includes(scenario) ? null : `--scenario must be one of ${SCENARIOS.join(", ")}`,
    Number.isFinite(speed) && speed > 0 && speed <= 1000
      ? null
      : "--speed must be a number above 0 and at most 1000",
    Number.isInteger(port) && port >= 0 && port <= 65535
      ? null
      : "--port must be a port number (0: a free one)",
    Number.isInteger(clusters) && clusters >= 1 && clusters <= 4 ? null : "--clusters must be 1, 2, 3 or 4",
  ].filter((p) => p !== null);
  if (problems.length > 0) return { kind: "error", problems };
  return {
    kind: "run",
    scenario,
    speed,
    port,
    alerts: !values["no-alerts"],
    ...(clusters > 1 ? { clusters } : {}),
  };
}
