// createCluster through @kubernetes/client-node itself writing to the Kubernetes API simulator
// (HTTPS with its self-signed CA and a bearer token, exactly as a kubeconfig describes it).
import { describe, expect, it } from "vitest";
import { CONTAINER, DEPLOYMENT, errorOf, NS, readyPods, rollOut, SELECTOR, setup } from "./sim-setup.ts";

const GiB = 1024 ** 3;

describe("remediation", () => {
  it("evicts a pod (with its UID); the deployment replaces it", async () => {
    const s = await setup();
    const [victim] = await readyPods(s);
    if (!victim) throw new Error("no pod");
    await s.cluster.evictPod(NS, victim.name, victim.uid);
    const after = await readyPods(s);
    expect(after.map((p) => p.name)).not.toContain(victim.name);
    expect(after.map((p) => p.uid)).not.toContain(victim.uid);
  });

  it("an eviction blocked by the PDB is pdb_blocked with the API server's message", async () => {
    const s = await setup({ pdbMinAvailable: 3 });
    const [pod] = await readyPods(s);
    if (!pod) throw new Error("no pod");
    const err = await errorOf(s.cluster.evictPod(NS, pod.name, pod.uid));
    expect(err).toMatchObject({
      code: "pdb_blocked",
      status: 429,
      verb: "create",
      resource: "pods/eviction",
    });
    expect(err.transient).toBe(false);
    expect(err.apiMessage).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(err.apiMessage).toContain("needs 3 healthy pods and has 3 currently");
    expect(s.sim.pods(NS).map((p) => p.uid)).toContain(pod.uid);
  });

  it("deleting with a stale UID is a conflict and the current pod survives", async () => {
    const s = await setup();
    const [pod] = await readyPods(s);
    if (!pod) throw new Error("no pod");
    const err = await errorOf(s.cluster.deletePod(NS, pod.name, "00000000-0000-0000-0000-000000000000"));
    expect(err).toMatchObject({
      code: "conflict",
      status: 409,
      verb: "delete",
      resource: "pods",
      resourceName: pod.name,
    });
    expect(err.apiMessage).toContain("Precondition failed: UID");
    expect(s.sim.pods(NS).map((p) => p.uid)).toContain(pod.uid);

    await s.cluster.deletePod(NS, pod.name, pod.uid);
    const after = await readyPods(s);
    expect(after.map((p) => p.uid)).not.toContain(pod.uid);
  });

  it("restartDeployment rolls every pod, and getDeployment reports the rollout", async () => {
    const s = await setup();
    const before = await readyPods(s);
    await s.cluster.restartDeployment(NS, DEPLOYMENT, "2026-11-26T03:05:00Z");
    const started = await s.cluster.getDeployment(NS, DEPLOYMENT);
    expect(started.restartedAt).toBe("2026-11-26T03:05:00Z");
    expect(started.rolloutComplete).toBe(false);
    const done = await rollOut(s);
    expect(done).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(done.observedGeneration).toBeGreaterThanOrEqual(done.generation);
    const after = await s.cluster.listPods(NS, SELECTOR);
    const live = after.filter((p) => p.deletionTimestamp === null);
    expect(live).toHaveLength(3);
    expect(live.some((p) => before.some((b) => b.uid === p.uid))).toBe(false);
  });

  it("setMemoryLimit 1Gi: the new pods run with a 1Gi limit", async () => {
    const s = await setup();
    await readyPods(s);
    await s.cluster.setMemoryLimit(NS, DEPLOYMENT, CONTAINER, "1Gi");
    const d = await rollOut(s);
    expect(d.containers[0]).toMatchObject({ name: CONTAINER, memoryLimit: "1Gi", memoryRequest: "256Mi" });
    const pods = (await s.cluster.listPods(NS, SELECTOR)).filter((p) => p.deletionTimestamp === null);
    expect(pods.map((p) => p.containers[0]?.memoryLimitBytes)).toEqual([GiB, GiB, GiB]);
    // Idempotent: the same target again changes nothing.
    await s.cluster.setMemoryLimit(NS, DEPLOYMENT, CONTAINER, "1Gi");
    expect((await s.cluster.getDeployment(NS, DEPLOYMENT)).generation).toBe(d.generation);
  });

  it("setMemoryLimit adds a limit where there was none", async () => {
    const s = await setup({ memoryLimit: null });
    await s.cluster.setMemoryLimit(NS, DEPLOYMENT, CONTAINER, "768Mi");
    expect((await s.cluster.getDeployment(NS, DEPLOYMENT)).containers[0]?.memoryLimit).toBe("768Mi");
  });

  it("setEnv CACHE_TTL=15s like kubectl set env", async () => {
    const s = await setup();
    await readyPods(s);
    await s.cluster.setEnv(NS, DEPLOYMENT, CONTAINER, "CACHE_TTL", "15s");
    const d = await rollOut(s);
    expect(d.containers[0]?.env).toEqual({ CACHE_TTL: "15s" });
    const pods = (await s.cluster.listPods(NS, SELECTOR)).filter((p) => p.deletionTimestamp === null);
    expect(pods.map((p) => p.containers[0]?.env.CACHE_TTL)).toEqual(["15s", "15s", "15s"]);
    await s.cluster.setEnv(NS, DEPLOYMENT, CONTAINER, "NEW_VAR", "x");
    expect((await s.cluster.getDeployment(NS, DEPLOYMENT)).containers[0]?.env).toEqual({
      CACHE_TTL: "15s",
      NEW_VAR: "x",
    });
  });

  it("a container that does not exist is not_found and nothing is patched", async () => {
    const s = await setup();
    const before = await s.cluster.getDeployment(NS, DEPLOYMENT);
    const err = await errorOf(s.cluster.setMemoryLimit(NS, DEPLOYMENT, "api", "1Gi"));
    expect(err).toMatchObject({ code: "not_found", resource: "deployments.apps" });
    expect(err.message).toContain('no container "api"');
    expect((await s.cluster.getDeployment(NS, DEPLOYMENT)).generation).toBe(before.generation);
  });
});
