// The kubeconfig works for @kubernetes/client-node too (the bot's client): TLS with the
// simulator's CA and the bearer token; errors arrive as the real Status bodies.
import * as k8s from "@kubernetes/client-node";
import { ManualClock } from "@rdev/bot/clock.ts";
import { type Simulator, startSimulator } from "@rdev/kube-sim/index.ts";
import { afterEach, describe, expect, it } from "vitest";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe("@kubernetes/client-node against the simulator", () => {
  it("lists pods, patches the deployment and reads metrics over https", async () => {
    sim = await startSimulator({ clock: new ManualClock() });
    const kc = new k8s.KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    expect(kc.getCurrentCluster()?.server).toBe(sim.httpsUrl);
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe("rdev");
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: "rdev", labelSelector: "app=rdev-api" });
    expect(pods.items).toHaveLength(3);
    expect(pods.items[0]?.status?.containerStatuses?.[0]?.state?.running?.startedAt).toBeInstanceOf(Date);

    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const patched = await apps.patchNamespacedDeployment(
      {
        name: "rdev-api",
        namespace: "rdev",
        body: [
          { op: "replace", path: "/spec/template/spec/containers/0/resources/limits/memory", value: "1Gi" },
        ],
      },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.JsonPatch),
    );
    expect(patched.spec?.template.spec?.containers[0]?.resources?.limits?.memory).toBe("1Gi");

    const metrics = (await kc.makeApiClient(k8s.CustomObjectsApi).listNamespacedCustomObject({
      group: "metrics.k8s.io",
      version: "v1beta1",
      namespace: "rdev",
      plural: "pods",
    })) as { items: { containers: { usage: { memory: string } }[] }[] };
    expect(metrics.items.length).toBeGreaterThanOrEqual(3);
    expect(metrics.items[0]?.containers[0]?.usage.memory).toMatch(/^\d+(Ki|Mi)$/);
  });

  it("surfaces a 429 PDB refusal and a 409 UID precondition as ApiExceptions with Status bodies", async () => {
    sim = await startSimulator({ clock: new ManualClock() });
    sim.advance(5000);
    const kc = new k8s.KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const [a, b] = sim.pods();
    const evict = (name: string, uid?: string) =>
      core.createNamespacedPodEviction({
        name,
        namespace: "rdev",
        body: {
          metadata: { name, namespace: "rdev" },
          ...(uid ? { deleteOptions: { preconditions: { uid } } } : {}),
        },
      });
    await evict(a?.name ?? "", a?.uid);
    const blocked = await evict(b?.name ?? "").catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(k8s.ApiException);
    expect((blocked as k8s.ApiException<string>).code).toBe(429);
    expect(JSON.parse((blocked as k8s.ApiException<string>).body).details.causes[0].reason).toBe(
      "DisruptionBudget",
    );
    const stale = await evict(b?.name ?? "", "not-the-uid").catch((e: unknown) => e);
    expect((stale as k8s.ApiException<string>).code).toBe(409);
  });
});
