// Injected faults look like the real API server's failures; delays never outlive close().

import type { Simulator } from "@rdev/kube-sim/index.ts";
import { afterEach, describe, expect, it } from "vitest";
import { manualSim } from "./support/client.ts";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const PODS = "/api/v1/namespaces/rdev/pods";

describe("faults", () => {
  it("403 with the RBAC wording for list pods, for a limited number of requests", async () => {
    const s = await manualSim();
    sim = s.sim;
    const fault = sim.faults.add({ method: "GET", path: /\/namespaces\/rdev\/pods$/, status: 403, times: 1 });
    const denied = await s.api.get(`${PODS}?labelSelector=app%3Drdev-api`);
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        'pods is forbidden: User "system:serviceaccount:rdev:rdev-chatops" cannot list resource "pods" in API group "" in the namespace "rdev"',
      reason: "Forbidden",
      details: { kind: "pods" },
      code: 403,
    });
    expect(fault.hits).toBe(1);
    expect((await s.api.get(PODS)).status).toBe(200);
  });

  it("names the verb and subresource of the denied request", async () => {
    const s = await manualSim();
    sim = s.sim;
    sim.faults.add({ path: /\/eviction$/, status: 403 });
    sim.faults.add({ method: "PATCH", path: /deployments\/rdev-api$/, status: 403 });
    const pod = sim.pods()[0]?.name;
    const evict = await s.api.send("POST", `${PODS}/${pod}/eviction`, {
      apiVersion: "policy/v1",
      kind: "Eviction",
    });
    expect(evict.body.message).toBe(
      `pods "${pod}" is forbidden: User "system:serviceaccount:rdev:rdev-chatops" cannot create resource "pods/eviction" in API group "" in the namespace "rdev"`,
    );
    const patch = await s.api.send(
      "PATCH",
      "/apis/apps/v1/namespaces/rdev/deployments/rdev-api",
      {},
      "application/merge-patch+json",
    );
    expect(patch.body.message).toBe(
      'deployments.apps "rdev-api" is forbidden: User "system:serviceaccount:rdev:rdev-chatops" cannot patch resource "deployments" in API group "apps" in the namespace "rdev"',
    );
    expect((await s.api.get("/apis/apps/v1/namespaces/rdev/deployments/rdev-api")).status).toBe(200);
  });

  it("uses the given message and reason, and can be removed", async () => {
    const s = await manualSim();
    sim = s.sim;
    const f = sim.faults.add({ path: /pods$/, status: 429, message: "slow down" });
    const res = await s.api.get(PODS);
    expect(res.body).toMatchObject({ code: 429, reason: "TooManyRequests", message: "slow down" });
    f.remove();
    expect((await s.api.get(PODS)).status).toBe(200);
    sim.faults.add({ path: /pods$/, status: 500 });
    expect((await s.api.get(PODS)).body).toMatchObject({ reason: "InternalError", code: 500 });
    sim.faults.clear();
    expect((await s.api.get(PODS)).status).toBe(200);
  });

  it("breaks one pod's proxy without touching the others", async () => {
    const s = await manualSim();
    sim = s.sim;
    sim.advance(5000);
    const [a, b] = sim.pods();
    sim.faults.proxy({ pod: a?.name ?? "", proxyPath: "/metrics", status: 500, body: "boom" });
    const broken = await s.api.get(`${PODS}/${a?.name}:8080/proxy/metrics`);
    expect(broken.status).toBe(500);
    expect(broken.text).toBe("boom");
    expect((await s.api.get(`${PODS}/${a?.name}:8080/proxy/ready`)).status).toBe(200);
    expect((await s.api.get(`${PODS}/${b?.name}:8080/proxy/metrics`)).status).toBe(200);
  });

  it("delays a request (the client gives up first) and close() does not wait for the delay", async () => {
    const s = await manualSim();
    sim = s.sim;
    sim.faults.proxy({ pod: sim.pods()[0]?.name ?? "", delayMs: 60_000 });
    const slow = fetch(`${sim.url}${PODS}/${sim.pods()[0]?.name}:8080/proxy/metrics`, {
      headers: { Authorization: `Bearer ${sim.token}` },
      signal: AbortSignal.timeout(200),
    });
    await expect(slow).rejects.toThrow();
    // A delay-only fault lets the request through afterwards.
    sim.faults.clear();
    sim.faults.add({ path: /pods$/, delayMs: 1, times: 1 });
    expect((await s.api.get(PODS)).status).toBe(200);
    sim.faults.latencyMs = 60_000;
    const pending = fetch(`${sim.url}${PODS}`, { headers: { Authorization: `Bearer ${sim.token}` } }).catch(
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 50));
    await sim.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});
