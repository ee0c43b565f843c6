// Bad requests get the real API server's Status bodies: 401, 404, 409, 422, 429, 400, 405.

import type { Simulator } from "@rdev/kube-sim/index.ts";
import { afterEach, describe, expect, it } from "vitest";
import { client, manualSim } from "./support/client.ts";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const PODS = "/api/v1/namespaces/rdev/pods";
const DEPLOY = "/apis/apps/v1/namespaces/rdev/deployments/rdev-api";

describe("Status errors", () => {
  it("401 for a missing or wrong bearer token", async () => {
    const s = await manualSim();
    sim = s.sim;
    for (const token of [null, "wrong"]) {
      const res = await client(sim, token).get(PODS);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "Unauthorized",
        reason: "Unauthorized",
        code: 401,
      });
    }
  });

  it("404 NotFound for a missing pod, with details", async () => {
    const s = await manualSim();
    sim = s.sim;
    const res = await s.api.get(`${PODS}/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'pods "nope" not found',
      reason: "NotFound",
      details: { name: "nope", kind: "pods" },
      code: 404,
    });
    const del = await s.api.send("DELETE", `${PODS}/nope`);
    expect(del.status).toBe(404);
    const dep = await s.api.get("/apis/apps/v1/namespaces/rdev/deployments/other");
    expect(dep.body.message).toBe('deployments.apps "other" not found');
    expect(dep.body.details).toEqual({ name: "other", group: "apps", kind: "deployments" });
  });

  it("409 Conflict when the delete precondition's UID does not match", async () => {
    const s = await manualSim();
    sim = s.sim;
    const pod = sim.pods()[0];
    if (!pod) throw new Error("no pod");
    const res = await s.api.send("DELETE", `${PODS}/${pod.name}`, {
      kind: "DeleteOptions",
      apiVersion: "v1",
      preconditions: { uid: "00000000-0000-4000-8000-000000000000" },
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "Conflict",
      code: 409,
      message: `Operation cannot be fulfilled on pods "${pod.name}": Precondition failed: UID in precondition: 00000000-0000-4000-8000-000000000000, UID in object meta: ${pod.uid}`,
      details: { name: pod.name, kind: "pods" },
    });
    expect(sim.pods().map((p) => p.uid)).toContain(pod.uid);
  });

  it("422 Invalid for a JSON patch whose path does not exist", async () => {
    const s = await manualSim();
    sim = s.sim;
    const res = await s.api.send(
      "PATCH",
      DEPLOY,
      [{ op: "replace", path: "/spec/template/spec/containers/3/resources/limits/memory", value: "1Gi" }],
      "application/json-patch+json",
    );
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "the server rejected our request due to an error in our request",
      reason: "Invalid",
      details: {
        causes: [
          {
            reason: "UnexpectedServerResponse",
            message:
              "replace operation does not apply: doc is missing path: /spec/template/spec/containers/3/resources/limits/memory: missing value",
          },
        ],
      },
      code: 422,
    });
  });

  it("422 Invalid for a memory limit that is not a quantity, and nothing changes", async () => {
    const s = await manualSim();
    sim = s.sim;
    const before = await s.api.get(DEPLOY);
    const res = await s.api.send(
      "PATCH",
      DEPLOY,
      [{ op: "replace", path: "/spec/template/spec/containers/0/resources/limits/memory", value: "lots" }],
      "application/json-patch+json",
    );
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe("Invalid");
    expect(res.body.message).toBe(
      `Deployment.apps "rdev-api" is invalid: spec.template.spec.containers[0].resources.limits[memory]: Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
    expect(res.body.details.causes).toEqual([
      {
        reason: "FieldValueInvalid",
        message: `Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
        field: "spec.template.spec.containers[0].resources.limits[memory]",
      },
    ]);
    const after = await s.api.get(DEPLOY);
    expect(after.body.metadata.resourceVersion).toBe(before.body.metadata.resourceVersion);
  });

  it("422 when the request would exceed the new limit", async () => {
    const s = await manualSim();
    sim = s.sim;
    const res = await s.api.send(
      "PATCH",
      DEPLOY,
      {
        spec: {
          template: {
            spec: { containers: [{ name: "rdev-api", resources: { limits: { memory: "128Mi" } } }] },
          },
        },
      },
      "application/strategic-merge-patch+json",
    );
    expect(res.status).toBe(422);
    expect(res.body.message).toContain(
      'spec.template.spec.containers[0].resources.requests: Invalid value: "256Mi": must be less than or equal to memory limit of 128Mi',
    );
  });

  it("409 Conflict for a patch carrying a stale resourceVersion", async () => {
    const s = await manualSim();
    sim = s.sim;
    const res = await s.api.send(
      "PATCH",
      DEPLOY,
      { metadata: { resourceVersion: "1" }, spec: { replicas: 4 } },
      "application/merge-patch+json",
    );
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(
      'Operation cannot be fulfilled on deployments.apps "rdev-api": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it("429 TooManyRequests when an eviction would violate the PodDisruptionBudget", async () => {
    const s = await manualSim();
    sim = s.sim;
    s.clock.advance(5000);
    const [a, b] = sim.pods();
    if (!a || !b) throw new Error("need two pods");
    const evict = (name: string) =>
      s.api.send("POST", `${PODS}/${name}/eviction`, {
        apiVersion: "policy/v1",
        kind: "Eviction",
        metadata: { name, namespace: "rdev" },
      });
    const first = await evict(a.name);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      code: 201,
    });
    const second = await evict(b.name);
    expect(second.status).toBe(429);
    expect(second.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: "TooManyRequests",
      details: {
        causes: [
          {
            reason: "DisruptionBudget",
            message: "The disruption budget rdev-api needs 2 healthy pods and has 2 currently",
          },
        ],
      },
      code: 429,
    });
    expect(sim.pods().map((p) => p.name)).toContain(b.name);
    // Once the replacement is ready the budget allows one more disruption.
    sim.advance(3000);
    expect((await evict(b.name)).status).toBe(201);
  });

  it("400 for a malformed selector or an unsupported field label", async () => {
    const s = await manualSim();
    sim = s.sim;
    const bad = await s.api.get(`${PODS}?labelSelector=${encodeURIComponent("app in (x")}`);
    expect(bad.status).toBe(400);
    expect(bad.body.reason).toBe("BadRequest");
    const field = await s.api.get(`/api/v1/namespaces/rdev/events?fieldSelector=spec.foo%3Dbar`);
    expect(field.status).toBe(400);
    expect(field.body.message).toBe("field label not supported: spec.foo");
  });

  it("405 for a verb the resource does not support, 404 for an unknown resource", async () => {
    const s = await manualSim();
    sim = s.sim;
    const res = await s.api.send("DELETE", "/apis/apps/v1/namespaces/rdev/replicasets/x");
    expect(res.status).toBe(405);
    expect(res.body).toMatchObject({
      reason: "MethodNotAllowed",
      message: 'delete is not supported on resources of kind "replicasets.apps"',
    });
    const unknown = await s.api.get("/api/v1/namespaces/rdev/secrets");
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe("the server could not find the requested resource");
  });
});
