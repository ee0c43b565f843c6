// CLI: the High Memory Usage runbook's investigation, once, in a terminal.
//   npm run diagnose -- [--kubeconfig F] [--namespace N] [--deployment D] [--selector S] [--heap]
//                       [--samples N --every S] [--json]
// Exit code: 0 ok, 1 warning, 2 critical, 3 error (or memory could not be judged).
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { systemClock } from "./clock.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { cliHistory } from "./diagnose/foresight/cli-history.ts";
import { renderText } from "./diagnose/render-text.ts";
import { runDiagnosis } from "./diagnose/run-diagnosis.ts";
import type { Diagnosis } from "./diagnose/types.ts";
import { connectCluster } from "./k8s/index.ts";
import { highMemoryRunbook } from "./runbooks/high-memory/index.ts";

const HELP = `Runs the High Memory Usage runbook's investigation against a cluster and prints the report.

Usage: npm run diagnose -- [options]

  --kubeconfig <path>   kubeconfig file (default: KUBECONFIG, else the in-cluster ServiceAccount)
  --namespace <ns>      namespace (default: RDEV_NAMESPACE or rdev)
  --deployment <name>   deployment (default: RDEV_DEPLOYMENT or rdev-api)
  --selector <sel>      pod label selector (default: RDEV_SELECTOR or app=rdev-api)
  --heap                capture the worst pod's heap profile (otherwise only when critical)
  --save-heap <path>    write the captured heap profile (gzipped pprof) to this file
  --samples <n>         take n working-set samples first, --every apart, for the time-to-OOM
                        forecast (default 0: with PROMETHEUS_URL set, Prometheus' last 30 min instead)
  --every <seconds>     spacing of those samples (default 20)
  --json                print the Diagnosis as JSON instead of text
  -h, --help            this help

Other settings come from the environment (see packages/bot/src/config.ts): MEMORY_WARNING_PERCENT,
MEMORY_CRITICAL_PERCENT, DIAG_TIMEOUT_MS, DIAG_CONCURRENCY, DIAG_MAX_PODS_PROBED, METRIC_* ...

Exit code: 0 ok, 1 warning, 2 critical, 3 error or memory unknown.`;

export const EXIT = { ok: 0, warning: 1, critical: 2, error: 3 } as const;

/** The exit code for a finished diagnosis. */
export function exitCodeFor(d: Diagnosis): number {
  if (d.error) return EXIT.error;
  if (d.severity === "unknown") return EXIT.error;
  return EXIT[d.severity];
}

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(EXIT.error);
}

const parse = (args: string[]) =>
  parseArgs({
    args,
    options: {
      kubeconfig: { type: "string" },
      namespace: { type: "string" },
      deployment: { type: "string" },
      selector: { type: "string" },
      heap: { type: "boolean" },
      "save-heap": { type: "string" },
      json: { type: "boolean" },
      samples: { type: "string" },
      every: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });

async function main(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    fail(`${(error as Error).message}. Run with --help for usage.`);
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }

  const env: NodeJS.ProcessEnv = { ...process.env };
  if (values.namespace !== undefined) env.RDEV_NAMESPACE = values.namespace;
  if (values.deployment !== undefined) env.RDEV_DEPLOYMENT = values.deployment;
  if (values.selector !== undefined) env.RDEV_SELECTOR = values.selector;
  if (values.kubeconfig !== undefined) env.KUBECONFIG = values.kubeconfig;
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  let cluster: ReturnType<typeof connectCluster>["cluster"];
  try {
    cluster = connectCluster({ kubeconfigPath: config.kubeconfig, env }).cluster;
  } catch (error) {
    fail((error as Error).message);
  }

  const heap = values.heap || values["save-heap"] !== undefined ? "always" : "auto";
  const samples = Number(values.samples ?? "0");
  const every = Number(values.every ?? "20");
  if (!Number.isInteger(samples) || samples < 0 || samples > 60)
    fail("--samples must be a whole number from 0 to 60");
  if (!(every >= 1 && every <= 600)) fail("--every must be between 1 and 600 seconds");
  const runbook = highMemoryRunbook(config);
  const history = await cliHistory(cluster, runbook, {
    prometheusUrl: env.PROMETHEUS_URL || null,
    samples,
    everyMs: every * 1000,
    now: () => systemClock.now(),
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    onSample: (i) => process.stderr.write(`sample ${i} of ${samples} taken\n`),
  });
  const { diagnosis, heapProfile } = await runDiagnosis(
    { cluster, clock: systemClock },
    { runbook, heap, history },
  );
  process.stdout.write(values.json ? `${JSON.stringify(diagnosis, null, 2)}\n` : renderText(diagnosis));

  const savePath = values["save-heap"];
  if (savePath !== undefined) {
    if (heapProfile) {
      await writeFile(savePath, heapProfile.bytes);
      process.stderr.write(
        `heap profile of ${heapProfile.pod} written to ${savePath} (go tool pprof ${savePath})\n`,
      );
    } else {
      process.stderr.write("no heap profile was captured; see the report for why\n");
    }
  }
  if (diagnosis.error) process.stderr.write(`error: ${diagnosis.error.message}\n`);
  else if (diagnosis.severity === "unknown")
    process.stderr.write(`error: memory could not be judged: ${diagnosis.headline}\n`);
  return exitCodeFor(diagnosis);
}

// Run only as a program, not when imported (tests import exitCodeFor).
if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)),
  );
}
