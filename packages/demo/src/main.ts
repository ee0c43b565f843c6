// npm run demo: the whole bot on one laptop, no cluster and no Slack needed (see packages/demo/src/start.ts).
// Everything listens on 127.0.0.1 only; Ctrl-C stops it all.
import { redactSecrets } from "@rdev/bot/config/shared.ts";
import { DEMO_HELP, parseDemoArgs, startDemo } from "./index.ts";

const args = parseDemoArgs(process.argv.slice(2));
if (args.kind === "help") {
  console.log(DEMO_HELP);
  process.exit(0);
}
if (args.kind === "error") {
  console.error(`error: ${args.problems.join("; ")}\n\n${DEMO_HELP}`);
  process.exit(2);
}

let demo: Awaited<ReturnType<typeof startDemo>>;
try {
  demo = await startDemo({
    scenario: args.scenario,
    speed: args.speed,
    port: args.port,
    alerts: args.alerts ? "auto" : "off",
    ...(args.clusters ? { clusters: args.clusters } : {}),
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    logLevel: process.env.LOG_LEVEL || "warn",
    say: (line) => console.log(line),
  });
} catch (error) {
  console.error(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const alerts = {
  prometheus: "real Prometheus + Alertmanager (manifests/alerts/, `for` divided by the speed)",
  "built-in":
    "the built-in evaluator (Prometheus/Alertmanager not installed: apt-get install prometheus prometheus-alertmanager)",
  off: "none (--no-alerts)",
}[demo.alertSource];
console.log(`
rdev chat-ops demo: scenario ${args.scenario}, cluster time ${args.speed}x real time.

  Open ${demo.pageUrl} and act as alice (on-call).

  Alerts:     ${alerts}
  Simulator:  ${demo.sim.httpsUrl}
${
  demo.clusters.length > 0
    ? demo.clusters
        .map(
          (c) =>
            `  Cluster ${c.name}:  ${c.sim === demo.sim ? `${args.scenario}, alerts labelled cluster=${c.name}` : "steady"}; KUBECONFIG=${c.kubeconfigPath} kubectl -n rdev get pods -w`,
        )
        .join("\n")
    : `  Watch it:   KUBECONFIG=${demo.kubeconfigPath} kubectl -n rdev get pods -w`
}
  Slack app:  ${demo.app.url}  (/slack/events, /alertmanager, /metrics)
  Redis:      ${redactSecrets(demo.redisUrl)}

What to try:
  1. Wait for RdevAPIHighMemory in #rdev-ops (about a minute; cluster time slows once a pod is critical${args.alerts ? "" : "; with --no-alerts type /rdev mem status"}).
  2. Open its thread: the diagnosis names the likely cause, with a memory chart per pod.
  3. Click "Restart pod" on the worst pod and confirm, as alice (carol may not approve).
  4. Watch the eviction, the rollout and, after the stabilisation window, the verification.
  5. Try /rdev mem status${demo.clusters.length > 0 ? ` ${demo.clusters[0]?.name ?? ""}` : ""} and /rdev mem history, or act as carol (not an approver).

Ctrl-C stops everything.`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) process.exit(1);
  stopping = true;
  console.log(`\n${signal}: stopping...`);
  demo.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
