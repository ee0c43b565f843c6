// Time-driven behaviour: OOM kills reported like a real kubelet, crash-loop back-off, deletes
// and evictions replaced by the ReplicaSet, rollouts that start pods with the new spec.

import type { Simulator } from "@rdev/kube-sim/index.ts";
import { afterEach, describe, expect, it } from "vitest";
import { manualSim } from "./support/client.ts";
import { MiB } from "./support/linear-app.ts";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const PODS = "/api/v1/namespaces/rdev/pods";
const DEPLOY = "/apis/apps/v1/namespaces/rdev/deployments/rdev-api";
// Linear test app: 100 MiB + 1 MiB/s, so a 512Mi limit is reached 412 s after start.
const OOM_AFTER_MS = 412_000;

describe("OOM kills", () => {
  it("reports OOMKilled in lastState, restarts after back-off, emits BackOff and SystemOOM but no OOMKilled event", async () => {
    const s = await manualSim({ replicas: 1 });
    sim = s.sim;
    const start = s.clock.now();
    const pod = sim.pods()[0];
    if (!pod) throw new Error("no pod");
    expect(pod.memoryBytes).toBe(100 * MiB);

    sim.advance(OOM_AFTER_MS - 1000);
    expect(sim.pods()[0]?.restartCount).toBe(0);
    expect(sim.pods()[0]?.memoryBytes).toBe(511 * MiB);

    sim.advance(2000);
    const after = sim.pods()[0];
    expect(after?.name).toBe(pod.name);
    expect(after?.restartCount).toBe(1);
    expect(after?.containers[0]?.state).toBe("waiting");
    expect(after?.containers[0]?.lastTerminatedAtMs).toBe(start + OOM_AFTER_MS);

    const got = await s.api.get(`${PODS}/${pod.name}`);
    const cs = got.body.status.containerStatuses[0];
    expect(cs.restartCount).toBe(1);
    expect(cs.ready).toBe(false);
    expect(cs.state.waiting.reason).toBe("CrashLoopBackOff");
    expect(cs.lastState.terminated).toMatchObject({
      reason: "OOMKilled",
      exitCode: 137,
      startedAt: new Date(start).toISOString().replace(".000Z", "Z"),
      finishedAt: new Date(start + OOM_AFTER_MS).toISOString().replace(".000Z", "Z"),
    });

    const oomEvents = await s.api.get("/api/v1/namespaces/rdev/events?fieldSelector=reason%3DOOMKilled");
    expect(oomEvents.body.items).toEqual([]);
    const backoff = await s.api.get(
      `/api/v1/namespaces/rdev/events?fieldSelector=reason%3DBackOff,involvedObject.name%3D${pod.name}`,
    );
    expect(backoff.body.items).toHaveLength(1);
    expect(backoff.body.items[0]).toMatchObject({
      type: "Warning",
      message: `Back-off restarting failed container rdev-api in pod ${pod.name}_rdev(${pod.uid})`,
      involvedObject: { kind: "Pod", name: pod.name, uid: pod.uid, fieldPath: "spec.containers{rdev-api}" },
      source: { component: "kubelet", host: pod.nodeName },
    });
    const nodeEvents = await s.api.get(
      "/api/v1/events?fieldSelector=involvedObject.kind%3DNode,reason%3DSystemOOM",
    );
    expect(nodeEvents.body.items).toHaveLength(1);
    expect(nodeEvents.body.items[0].metadata.namespace).toBe("default");
    expect(nodeEvents.body.items[0].message).toMatch(
      /^System OOM encountered, victim process: rdev-api, pid: \d+$/,
    );
    expect(nodeEvents.body.items[0].involvedObject).toMatchObject({ kind: "Node", name: pod.nodeName });

    // Back-off is 10 s after the first crash: then the container runs again with fresh memory.
    sim.advance(10_000);
    const restarted = sim.pods()[0];
    expect(restarted?.containers[0]?.state).toBe("running");
    expect(restarted?.containers[0]?.startedAtMs).toBe(start + OOM_AFTER_MS + 10_000);
    expect(restarted?.memoryBytes).toBeLessThan(120 * MiB);
    expect(s.starts.map((o) => o.restartCount)).toEqual([0, 1]);
    const started = await s.api.get(
      `/api/v1/namespaces/rdev/events?fieldSelector=reason%3DStarted,involvedObject.name%3D${pod.name}`,
    );
    expect(started.body.items[0].count).toBe(2);
  });

  it("replays every OOM of a long jump in order, with back-off doubling", async () => {
    const s = await manualSim({ replicas: 1 });
    sim = s.sim;
    const start = s.clock.now();
    sim.advance(30 * 60_000);
    const c = sim.pods()[0]?.containers[0];
    // Crash at 412 s, +10 s back-off, crash 412 s later, +20 s, +40 s, +80 s ...
    const crashes: number[] = [];
    let t = start;
    let backoff = 10_000;
    while (t + OOM_AFTER_MS <= start + 30 * 60_000) {
      crashes.push(t + OOM_AFTER_MS);
      t += OOM_AFTER_MS + backoff;
      backoff *= 2;
    }
    expect(c?.restartCount).toBe(crashes.length);
    expect(c?.lastTerminatedAtMs).toBe(crashes[crashes.length - 1]);
    const restarts = s.starts.map((o) => o.startedAtMs - start);
    expect(restarts.slice(0, 3)).toEqual([0, OOM_AFTER_MS + 10_000, 2 * OOM_AFTER_MS + 30_000]);
  });

  it("never OOM-kills a container without a memory limit", async () => {
    const s = await manualSim({ replicas: 1, memoryLimit: null });
    sim = s.sim;
    sim.advance(3600_000);
    expect(sim.pods()[0]?.restartCount).toBe(0);
    expect(sim.pods()[0]?.memoryLimitBytes).toBeNull();
    const pod = await s.api.get(`${PODS}/${sim.pods()[0]?.name}`);
    expect(pod.body.spec.containers[0].resources.limits).toBeUndefined();
  });
});

describe("deletes and evictions", () => {
  it("replaces a deleted pod with a new name and UID, next generation, and a Killing event", async () => {
    const s = await manualSim();
    sim = s.sim;
    const victim = sim.pods()[0];
    if (!victim) throw new Error("no pod");
    const res = await s.api.send("DELETE", `${PODS}/${victim.name}`, { preconditions: { uid: victim.uid } });
    expect(res.status).toBe(200);
    expect(res.body.metadata.uid).toBe(victim.uid);
    expect(res.body.metadata.deletionTimestamp).toBeDefined();
    const pods = sim.pods();
    expect(pods).toHaveLength(3);
    expect(pods.map((p) => p.name)).not.toContain(victim.name);
    const replacement = pods.find((p) => p.podIndex === victim.podIndex);
    expect(replacement?.generation).toBe(1);
    expect(replacement?.uid).not.toBe(victim.uid);
    expect(replacement?.ready).toBe(false);
    const killing = await s.api.get(`/api/v1/namespaces/rdev/events?fieldSelector=reason%3DKilling`);
    expect(
      killing.body.items.map((e: { involvedObject: { name: string } }) => e.involvedObject.name),
    ).toEqual([victim.name]);
    expect(killing.body.items[0].message).toBe("Stopping container rdev-api");
    // A retried delete with the old UID cannot hit anything: the name is gone.
    expect(
      (await s.api.send("DELETE", `${PODS}/${victim.name}`, { preconditions: { uid: victim.uid } })).status,
    ).toBe(404);
  });

  it("evicts without a PDB whatever the readiness", async () => {
    const s = await manualSim({ pdbMinAvailable: null });
    sim = s.sim;
    for (const p of sim.pods()) {
      const res = await s.api.send("POST", `${PODS}/${p.name}/eviction`, {
        apiVersion: "policy/v1",
        kind: "Eviction",
        metadata: { name: p.name },
      });
      expect(res.status).toBe(201);
    }
    expect(sim.pods().every((p) => p.generation === 1)).toBe(true);
  });

  it("refuses an eviction whose UID precondition names a replaced pod", async () => {
    const s = await manualSim();
    sim = s.sim;
    const p = sim.pods()[0];
    const res = await s.api.send("POST", `${PODS}/${p?.name}/eviction`, {
      apiVersion: "policy/v1",
      kind: "Eviction",
      metadata: { name: p?.name },
      deleteOptions: { preconditions: { uid: "old-uid" } },
    });
    expect(res.status).toBe(409);
    expect(res.body.message).toContain("Precondition failed: UID in precondition: old-uid");
  });
});

describe("rollouts", () => {
  // Like kubectl rollout status; the API omits zero counts, so absent means 0.
  const rolloutDone = (d: {
    metadata: { generation: number };
    spec: { replicas: number };
    status: Record<string, number>;
  }) =>
    d.status.observedGeneration === d.metadata.generation &&
    (d.status.updatedReplicas ?? 0) === d.spec.replicas &&
    (d.status.replicas ?? 0) === d.spec.replicas &&
    (d.status.availableReplicas ?? 0) === d.spec.replicas;

  it("rolls out a new memory limit pod by pod; new pods start with the new spec", async () => {
    const s = await manualSim();
    sim = s.sim;
    sim.advance(5000);
    const before = await s.api.get(DEPLOY);
    expect(rolloutDone(before.body)).toBe(true);
    const oldHash = sim.pods()[0]?.podTemplateHash;
    const res = await s.api.send(
      "PATCH",
      DEPLOY,
      [{ op: "replace", path: "/spec/template/spec/containers/0/resources/limits/memory", value: "1024Mi" }],
      "application/json-patch+json",
    );
    expect(res.status).toBe(200);
    expect(res.body.metadata.generation).toBe(before.body.metadata.generation + 1);
    expect(res.body.spec.template.spec.containers[0].resources.limits.memory).toBe("1Gi");
    // maxSurge 1, maxUnavailable 0: one extra pod first, old ones stay until new ones are ready.
    expect(sim.pods()).toHaveLength(4);
    expect(rolloutDone((await s.api.get(DEPLOY)).body)).toBe(false);
    sim.advance(30_000);
    const pods = sim.pods();
    expect(pods).toHaveLength(3);
    expect(new Set(pods.map((p) => p.podTemplateHash)).size).toBe(1);
    expect(pods[0]?.podTemplateHash).not.toBe(oldHash);
    expect(pods.every((p) => p.memoryLimitBytes === 1024 * MiB)).toBe(true);
    expect(s.starts.slice(3).every((o) => o.spec.memoryLimitBytes === 1024 * MiB && o.generation === 1)).toBe(
      true,
    );
    const after = await s.api.get(DEPLOY);
    expect(rolloutDone(after.body)).toBe(true);
    expect(after.body.status.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "Available", status: "True", reason: "MinimumReplicasAvailable" }),
        expect.objectContaining({ type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" }),
      ]),
    );
    const rs = await s.api.get("/apis/apps/v1/namespaces/rdev/replicasets");
    expect(rs.body.items.map((r: { spec: { replicas: number } }) => r.spec.replicas).sort()).toEqual([0, 3]);
  });

  it("restarts on a restartedAt annotation and sets env like kubectl set env", async () => {
    const s = await manualSim();
    sim = s.sim;
    const restart = await s.api.send(
      "PATCH",
      DEPLOY,
      {
        spec: {
          template: {
            metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-11-26T03:00:00Z" } },
          },
        },
      },
      "application/strategic-merge-patch+json",
    );
    expect(restart.status).toBe(200);
    sim.advance(30_000);
    expect(sim.pods().every((p) => p.generation === 1)).toBe(true);
    const env = await s.api.send(
      "PATCH",
      DEPLOY,
      {
        spec: {
          template: {
            spec: {
              "$setElementOrder/containers": [{ name: "rdev-api" }],
              containers: [{ name: "rdev-api", env: [{ name: "CACHE_TTL", value: "15s" }] }],
            },
          },
        },
      },
      "application/strategic-merge-patch+json",
    );
    expect(env.status).toBe(200);
    expect(env.body.spec.template.spec.containers[0].env).toEqual([{ name: "CACHE_TTL", value: "15s" }]);
    sim.advance(30_000);
    expect(sim.pods().every((p) => p.containers[0]?.env.CACHE_TTL === "15s" && p.generation === 2)).toBe(
      true,
    );
  });

  it("does not bump generation or roll out for a patch that changes nothing", async () => {
    const s = await manualSim();
    sim = s.sim;
    const before = await s.api.get(DEPLOY);
    const res = await s.api.send("PATCH", DEPLOY, { spec: { replicas: 3 } }, "application/merge-patch+json");
    expect(res.body.metadata.resourceVersion).toBe(before.body.metadata.resourceVersion);
    expect(res.body.metadata.generation).toBe(before.body.metadata.generation);
  });

  it("supports zero replicas and scaling up", async () => {
    const s = await manualSim({ replicas: 0 });
    sim = s.sim;
    expect(sim.pods()).toHaveLength(0);
    const d = await s.api.get(DEPLOY);
    expect(d.body.spec.replicas).toBe(0);
    expect(rolloutDone(d.body)).toBe(true);
    await s.api.send("PATCH", DEPLOY, { spec: { replicas: 2 } }, "application/merge-patch+json");
    expect(sim.pods()).toHaveLength(2);
  });

  it("stalls a rollout whose new pods crash-loop, keeps the old pods, and reports the progress deadline", async () => {
    // 4Gi: the old pods never OOM during the test (a pod becoming ready again counts as progress).
    const s = await manualSim({ memoryLimit: "4Gi" });
    sim = s.sim;
    sim.advance(5000);
    const oldNames = sim.pods().map((p) => p.name);
    // The test app starts at 100 MiB: a 64Mi limit OOM-kills every new container at once.
    const res = await s.api.send(
      "PATCH",
      DEPLOY,
      {
        spec: {
          template: {
            spec: {
              containers: [
                { name: "rdev-api", resources: { limits: { memory: "64Mi" }, requests: { memory: "64Mi" } } },
              ],
            },
          },
        },
      },
      "application/strategic-merge-patch+json",
    );
    expect(res.status).toBe(200);
    sim.advance(11 * 60_000);
    const pods = sim.pods();
    expect(pods.filter((p) => oldNames.includes(p.name) && p.ready)).toHaveLength(3);
    const fresh = pods.filter((p) => !oldNames.includes(p.name));
    expect(fresh).toHaveLength(1);
    expect(fresh[0]?.restartCount).toBeGreaterThan(3);
    const d = await s.api.get(DEPLOY);
    expect(d.body.status).toMatchObject({
      replicas: 4,
      updatedReplicas: 1,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(d.body.status.conditions).toContainEqual(
      expect.objectContaining({ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }),
    );
  });
});
