// `npm run demo -- --clusters 2`: two simulated clusters side by side, a worker each with only its
// own kubeconfig, one app; the scenario's alert (labelled cluster=b by the alert pipeline, as
// Prometheus' external_labels do) opens b's incident, diagnosed by b's worker; a is not touched.

import { type Demo, startDemo } from "@rdev/demo/index.ts";
import { parseDemoArgs } from "@rdev/demo/options.ts";
import { afterAll, describe, expect, it } from "vitest";
import { waitFor } from "../e2e/wait.ts";

let demo: Demo | null = null;
afterAll(async () => {
  await demo?.stop();
});

describe("the demo with two clusters", () => {
  it("parses --clusters", () => {
    expect(parseDemoArgs(["--clusters", "2"])).toMatchObject({ kind: "run", clusters: 2 });
    expect(parseDemoArgs([])).not.toHaveProperty("clusters");
    expect(parseDemoArgs(["--clusters", "5"])).toEqual({
      kind: "error",
      problems: ["--clusters must be 1, 2, 3 or 4"],
    });
  });

  it("runs a and b side by side; b's alert is b's incident, diagnosed by b's worker", async () => {
    demo = await startDemo({
      scenario: "sse-leak",
      speed: 200,
      clusters: 2,
      alerts: "built-in",
      logLevel: "silent",
    });
    const d = demo;
    expect(d.clusters.map((c) => [c.name, c.worker.deps.config.cluster])).toEqual([
      ["a", "a"],
      ["b", "b"],
    ]);
    expect(d.clusters[1]?.sim).toBe(d.sim);
    const root = await waitFor(
      "b's incident",
      () => d.slack.messages(d.alertChannel).find((m) => m.text.includes("rdev/rdev-api in b")),
      60_000,
    );
    await waitFor(
      "b's diagnosis",
      () => d.slack.thread(d.alertChannel, root.ts).find((m) => /^(Critical|Warning)/.test(m.text)),
      30_000,
    );
    const a = d.clusters[0];
    expect(a?.sim.requests().filter((r) => r.method !== "GET")).toEqual([]);
    // b's diagnosis read b's pods' logs; a's worker read none of a's (nothing asked it to diagnose).
    expect(a?.sim.requests().filter((r) => r.path.includes("/log"))).toEqual([]);
  });
});
