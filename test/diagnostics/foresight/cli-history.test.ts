// The CLI's own sampling for the forecast, against the simulator (waits move simulated time).

import { ManualClock } from "@rdev/bot/clock.ts";
import { loadConfig } from "@rdev/bot/config.ts";
import { cliHistory } from "@rdev/bot/diagnose/foresight/cli-history.ts";
import { renderText } from "@rdev/bot/diagnose/render-text.ts";
import { runDiagnosis } from "@rdev/bot/diagnose/run-diagnosis.ts";
import { createCluster, kubeConfigFromString } from "@rdev/bot/k8s/index.ts";
import { highMemoryRunbook } from "@rdev/bot/runbooks/high-memory/index.ts";
import { type Simulator, startSimulator } from "@rdev/kube-sim/index.ts";
import { afterEach, expect, it } from "vitest";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
});

it("npm run diagnose --samples 5: the report says when the leaking pod reaches its limit", async () => {
  const clock = new ManualClock();
  sim = await startSimulator({ clock, scenario: "sse-leak" });
  sim.advance(5 * 60_000);
  const cluster = createCluster(kubeConfigFromString(sim.kubeconfig()));
  const runbook = highMemoryRunbook(loadConfig({ DIAG_LOG_PODS: "0" }));
  const s = sim;
  const history = await cliHistory(cluster, runbook, {
    prometheusUrl: null,
    samples: 5,
    everyMs: 20_000,
    now: () => clock.now(),
    wait: async (ms) => s.advance(ms),
  });
  expect(history?.label).toBe("5 samples taken 20s apart");
  const { diagnosis } = await runDiagnosis({ cluster, clock }, { runbook, history, heap: "never" });
  const text = renderText(diagnosis);
  expect(text).toMatch(/TIME TO OOM \(working set from 5 samples taken 20s apart/);
  expect(text).toMatch(
    /at this rate rdev-api-\S+ reaches its 512Mi limit in about \d+ min \(\d+ min–\d+ min\)/,
  );
  expect(text).toMatch(/WHAT CHANGED: The climb predates any change/);
  expect(
    await cliHistory(cluster, runbook, {
      prometheusUrl: null,
      samples: 0,
      everyMs: 1,
      now: () => 0,
      wait: async () => {},
    }),
  ).toBeNull();
});
