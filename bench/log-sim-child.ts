// A simulator in its own process for diagnostics-logs.bench.ts, at a chosen point of a scenario:
// started on a ManualClock, advanced `minutes`, then serving (with `latencyMs` on every request)
// until killed. Usage: log-sim-child.ts <scenario> <minutes> <latencyMs> <kubeconfig path>
import { ManualClock } from "@rdev/bot/clock.ts";
import { startSimulator } from "@rdev/kube-sim/index.ts";
import { SCENARIOS, type ScenarioName } from "@rdev/kube-sim/workload/types.ts";

const [scenario = "", minutes = "9", latency = "0", path = ""] = process.argv.slice(2);
if (!SCENARIOS.includes(scenario as ScenarioName) || !path) {
  console.error("usage: log-sim-child.ts <scenario> <minutes> <latencyMs> <kubeconfig path>");
  process.exit(2);
}
const clock = new ManualClock(Date.parse("2026-03-02T09:00:00Z"));
const sim = await startSimulator({ scenario: scenario as ScenarioName, clock, latencyMs: Number(latency) });
sim.advance(Number(minutes) * 60_000);
await sim.writeKubeconfig(path);
console.log("kubeconfig written");
process.once("SIGTERM", () => {
  void sim.close().then(() => process.exit(0));
});
