// The bad-rollout scenario's history as kubectl reads it (rollout history, --revision, rollout
// undo): the simulator's ReplicaSets, revisions and change-cause must be what kubectl expects.

import { ManualClock } from "@rdev/bot/clock.ts";
import { type Simulator, startSimulator } from "@rdev/kube-sim/index.ts";
import { LOAD } from "@rdev/kube-sim/workload/index.ts";
import { afterEach, describe, expect, it } from "vitest";
import { type Kubectl, kubectlFor, table } from "./support/kubectl.ts";

let sim: Simulator | undefined;
let k: Kubectl | undefined;
afterEach(async () => {
  await k?.cleanup();
  await sim?.close();
  sim = undefined;
  k = undefined;
});

const OLD_IMAGE = "zot.rdev.internal/rdev/rdev-api:1.8.3";

describe("bad-rollout, judged by kubectl", () => {
  it("CI's deploy is revision 2 with its change-cause; undo to revision 1 makes it revision 3 and ends the leak", async () => {
    sim = await startSimulator({ clock: new ManualClock(), scenario: "bad-rollout", pdbMinAvailable: null });
    k = await kubectlFor(sim);
    sim.advance(LOAD.badRollout.deployAfterMs - 1000);
    const before = await k("-n", "rdev", "rollout", "history", "deployment/rdev-api");
    expect(before.stderr).toBe("");
    expect(table(before.stdout).slice(1)).toEqual([
      ["REVISION", "CHANGE-CAUSE"],
      ["1", "<none>"],
    ]);

    for (let i = 0; i < 120; i++) sim.advance(1000);
    const history = await k("-n", "rdev", "rollout", "history", "deployment/rdev-api");
    expect(table(history.stdout).slice(1)).toEqual([
      ["REVISION", "CHANGE-CAUSE"],
      ["1", "<none>"],
      ["2", LOAD.badRollout.changeCause],
    ]);
    const rev2 = await k("-n", "rdev", "rollout", "history", "deployment/rdev-api", "--revision=2");
    expect(rev2.stdout).toContain(`Image:\t${LOAD.badRollout.leakyImage}`);
    const rev1 = await k("-n", "rdev", "rollout", "history", "deployment/rdev-api", "--revision=1");
    expect(rev1.stdout).toContain(`Image:\t${OLD_IMAGE}`);
    expect(sim.pods().every((p) => p.containers[0]?.image === LOAD.badRollout.leakyImage)).toBe(true);

    // 5 minutes on 1.9.0: every pod climbs.
    const at = sim.pods().map((p) => p.memoryBytes);
    for (let i = 0; i < 300; i++) sim.advance(1000);
    const later = sim.pods().map((p) => p.memoryBytes);
    expect(later.every((m, i) => (m ?? 0) > (at[i] ?? 0) + 50 * 1024 * 1024)).toBe(true);

    const undo = await k("-n", "rdev", "rollout", "undo", "deployment/rdev-api", "--to-revision=1");
    expect(undo.stderr).toBe("");
    expect(undo.stdout.trim()).toBe("deployment.apps/rdev-api rolled back");
    for (let i = 0; i < 120; i++) sim.advance(1000);
    const after = await k("-n", "rdev", "rollout", "history", "deployment/rdev-api");
    expect(table(after.stdout).slice(1)).toEqual([
      ["REVISION", "CHANGE-CAUSE"],
      ["2", LOAD.badRollout.changeCause],
      ["3", "<none>"],
    ]);
    expect(sim.pods().every((p) => p.containers[0]?.image === OLD_IMAGE)).toBe(true);
    // 15 minutes on 1.8.3 again: the cache fills (steady, ~41%), nothing leaks or is killed.
    for (let i = 0; i < 15; i++) sim.advance(60_000);
    for (const p of sim.pods()) {
      expect(p.restartCount).toBe(0);
      expect(p.memoryBytes ?? 0).toBeLessThan(0.5 * 512 * 1024 * 1024);
    }
  });
});
