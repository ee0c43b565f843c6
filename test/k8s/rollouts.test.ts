// listReplicaSets and rollbackDeployment on client-node against the simulator, with kubectl's
// `rollout history` as the judge of what the rollback did.

import { ManualClock } from "@rdev/bot/clock.ts";
import { createCluster } from "@rdev/bot/k8s/client.ts";
import { KubeError } from "@rdev/bot/k8s/errors.ts";
import { kubeConfigFromString } from "@rdev/bot/k8s/kubeconfig.ts";
import { type Simulator, startSimulator } from "@rdev/kube-sim/index.ts";
import { LOAD } from "@rdev/kube-sim/workload/index.ts";
import { afterEach, describe, expect, it } from "vitest";
import { type Kubectl, kubectlFor, table } from "../simulator/support/kubectl.ts";

let sim: Simulator | undefined;
let k: Kubectl | undefined;
afterEach(async () => {
  await k?.cleanup();
  await sim?.close();
});

describe("rollout history through the Cluster", () => {
  it("lists revisions with images, change-cause and creation times; rolls back like kubectl rollout undo", async () => {
    const clock = new ManualClock();
    sim = await startSimulator({ clock, scenario: "bad-rollout", pdbMinAvailable: null });
    k = await kubectlFor(sim);
    const start = clock.now();
    for (let i = 0; i < 300; i++) sim.advance(1000);
    const cluster = createCluster(kubeConfigFromString(sim.kubeconfig()));
    const sets = (await cluster.listReplicaSets("rdev", "app=rdev-api")).sort(
      (a, b) => a.revision - b.revision,
    );
    expect(sets.map((s) => [s.revision, s.containers[0]?.image, s.changeCause, s.replicas])).toEqual([
      [1, "zot.rdev.internal/rdev/rdev-api:1.8.3", null, 0],
      [2, LOAD.badRollout.leakyImage, LOAD.badRollout.changeCause, 3],
    ]);
    expect(sets[1]?.createdAt.getTime()).toBe(
      Math.floor((start + LOAD.badRollout.deployAfterMs) / 1000) * 1000,
    );
    expect(sets[0]?.owner?.name).toBe("rdev-api");
    expect(sets[1]?.containers[0]).toMatchObject({ memoryLimit: "512Mi", env: { CACHE_TTL: "5m" } });

    expect(await cluster.rollbackDeployment("rdev", "rdev-api", 1)).toEqual({
      status: "rolled-back",
      fromRevision: 2,
      toRevision: 1,
    });
    sim.advance(1000);
    const history = await k("-n", "rdev", "rollout", "history", "deployment/rdev-api");
    expect(
      table(history.stdout)
        .slice(2)
        .map((r) => r[0]),
    ).toEqual(["2", "3"]);
    const rev3 = await k("-n", "rdev", "rollout", "history", "deployment/rdev-api", "--revision=3");
    expect(rev3.stdout).toContain("Image:\tzot.rdev.internal/rdev/rdev-api:1.8.3");
    const labels = await k(
      "-n",
      "rdev",
      "get",
      "deploy/rdev-api",
      "-o",
      "jsonpath={.spec.template.metadata.labels}",
    );
    expect(JSON.parse(labels.stdout)).toEqual({ app: "rdev-api" });

    // Revision 3 is now revision 1's template: rolling back to it again changes nothing.
    expect((await cluster.rollbackDeployment("rdev", "rdev-api", 3)).status).toBe("already");
    const missing = await cluster.rollbackDeployment("rdev", "rdev-api", 7).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(KubeError);
    expect((missing as KubeError).code).toBe("not_found");
    expect((missing as KubeError).message).toMatch(/revision 7.*revisions: /);
  });
});
