import { applyJsonPatch, applyMergePatch, PatchError } from "@rdev/kube-sim/json-patch.ts";
import { applyStrategicMergePatch } from "@rdev/kube-sim/strategic-merge.ts";
import { describe, expect, it } from "vitest";

const deployment = () => ({
  spec: {
    template: {
      metadata: { labels: { app: "rdev-api" } },
      spec: {
        containers: [
          {
            name: "rdev-api",
            image: "rdev:1",
            env: [
              { name: "CACHE_TTL", value: "5m" },
              { name: "LOG", value: "info" },
            ],
            resources: { limits: { memory: "512Mi" }, requests: { memory: "256Mi" } },
          },
          { name: "sidecar", image: "proxy:1" },
        ],
      },
    },
  },
});

describe("JSON patch (RFC 6902)", () => {
  it("replaces the runbook's memory limit", () => {
    const out = applyJsonPatch(deployment(), [
      { op: "replace", path: "/spec/template/spec/containers/0/resources/limits/memory", value: "1Gi" },
    ]);
    expect(out.spec.template.spec.containers[0]?.resources?.limits.memory).toBe("1Gi");
  });

  it("does not touch its input", () => {
    const input = deployment();
    applyJsonPatch(input, [{ op: "remove", path: "/spec/template/spec/containers/1" }]);
    expect(input.spec.template.spec.containers).toHaveLength(2);
  });

  it("supports add with -, move, copy and test", () => {
    const out = applyJsonPatch({ a: [1], b: { c: 1 } }, [
      { op: "add", path: "/a/-", value: 2 },
      { op: "copy", from: "/b/c", path: "/d" },
      { op: "move", from: "/b", path: "/e" },
      { op: "test", path: "/d", value: 1 },
    ]);
    expect(out).toEqual({ a: [1, 2], d: 1, e: { c: 1 } });
  });

  it.each([
    [
      { op: "replace", path: "/spec/nope/x", value: 1 },
      "replace operation does not apply: doc is missing path: /spec/nope/x: missing value",
    ],
    [{ op: "replace", path: "/spec/template/spec/containers/5/image", value: "x" }, "doc is missing path"],
    [{ op: "remove", path: "/spec/missing" }, "remove operation does not apply"],
    [{ op: "test", path: "/spec/template/metadata/labels/app", value: "x" }, "test failed"],
    [{ op: "frobnicate", path: "/spec" }, "Unexpected kind: frobnicate"],
  ])("fails like evanphx/json-patch: %j", (op, message) => {
    expect(() => applyJsonPatch(deployment(), [op])).toThrow(PatchError);
    expect(() => applyJsonPatch(deployment(), [op])).toThrow(message);
  });
});

describe("merge patch (RFC 7386)", () => {
  it("merges objects, deletes with null, replaces lists", () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [3] })).toEqual({
      a: { b: 1, d: 3 },
      l: [3],
    });
  });
});

describe("strategic merge patch", () => {
  it("merges containers by name and env by name (kubectl set env)", () => {
    const out = applyStrategicMergePatch(deployment(), {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "rdev-api" }, { name: "sidecar" }],
            containers: [{ name: "rdev-api", env: [{ name: "CACHE_TTL", value: "15s" }] }],
          },
        },
      },
    });
    const c = out.spec.template.spec.containers;
    expect(c.map((x) => x.name)).toEqual(["rdev-api", "sidecar"]);
    expect(c[0]?.env).toEqual([
      { name: "CACHE_TTL", value: "15s" },
      { name: "LOG", value: "info" },
    ]);
    expect(c[0]?.image).toBe("rdev:1");
    expect(c[0]?.resources?.limits.memory).toBe("512Mi");
  });

  it("adds the restartedAt annotation (kubectl rollout restart)", () => {
    const out = applyStrategicMergePatch(deployment(), {
      spec: {
        template: {
          metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-11-26T03:00:00Z" } },
        },
      },
    });
    expect(out.spec.template.metadata).toEqual({
      labels: { app: "rdev-api" },
      annotations: { "kubectl.kubernetes.io/restartedAt": "2026-11-26T03:00:00Z" },
    });
  });

  it("appends new list items, deletes with $patch: delete, honours $setElementOrder", () => {
    const out = applyStrategicMergePatch(deployment(), {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "rdev-api",
                env: [
                  { name: "LOG", $patch: "delete" },
                  { name: "NEW", value: "1" },
                ],
              },
            ],
          },
        },
      },
    });
    expect(out.spec.template.spec.containers[0]?.env).toEqual([
      { name: "CACHE_TTL", value: "5m" },
      { name: "NEW", value: "1" },
    ]);
    const reordered = applyStrategicMergePatch(deployment(), {
      spec: {
        template: { spec: { "$setElementOrder/containers": [{ name: "sidecar" }, { name: "rdev-api" }] } },
      },
    });
    expect(reordered.spec.template.spec.containers.map((c) => c.name)).toEqual(["sidecar", "rdev-api"]);
  });

  it("replaces lists without a merge key and maps marked $patch: replace", () => {
    const out = applyStrategicMergePatch(
      { spec: { args: ["a", "b"], resources: { limits: { memory: "1Gi", cpu: "1" } } } },
      { spec: { args: ["c"], resources: { limits: { $patch: "replace", memory: "2Gi" } } } },
    );
    expect(out).toEqual({ spec: { args: ["c"], resources: { limits: { memory: "2Gi" } } } });
  });

  it("deletes keys set to null", () => {
    const out = applyStrategicMergePatch(deployment(), {
      spec: { template: { spec: { containers: [{ name: "rdev-api", resources: { limits: null } }] } } },
    });
    expect(out.spec.template.spec.containers[0]?.resources).toEqual({ requests: { memory: "256Mi" } });
  });
});
