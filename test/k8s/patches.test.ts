import type { V1Container } from "@kubernetes/client-node";
import { envPatch, memoryLimitPatch, restartPatch, restorePatch } from "@rdev/bot/k8s/patches.ts";
import fastJsonPatch from "fast-json-patch";
import { describe, expect, it } from "vitest";

const deploymentWith = (containers: V1Container[]) => ({ spec: { template: { spec: { containers } } } });

/** Applies the patch to a deployment document, as the API server would. */
type Doc = ReturnType<typeof deploymentWith>;
function apply(doc: Doc, ops: ReturnType<typeof memoryLimitPatch>): Doc {
  return fastJsonPatch.applyPatch(structuredClone(doc), ops as fastJsonPatch.Operation[], true, false)
    .newDocument;
}

describe("memoryLimitPatch", () => {
  it.each<[string, V1Container, string]>([
    [
      "replaces an existing limit",
      { name: "app", resources: { limits: { memory: "512Mi", cpu: "1" } } },
      "replace",
    ],
    ["adds memory next to a cpu limit", { name: "app", resources: { limits: { cpu: "1" } } }, "add"],
    [
      "adds limits when only requests exist",
      { name: "app", resources: { requests: { memory: "256Mi" } } },
      "add",
    ],
    ["adds resources when there are none", { name: "app" }, "add"],
  ])("%s", (_name, container, op) => {
    const doc = deploymentWith([{ name: "sidecar" }, container]);
    const ops = memoryLimitPatch(container, 1, "1Gi");
    expect(ops[0]).toEqual({ op: "test", path: "/spec/template/spec/containers/1/name", value: "app" });
    expect(ops[1]?.op).toBe(op);
    const patched = apply(doc, ops);
    const result = patched.spec.template.spec.containers[1];
    expect(result?.resources?.limits?.memory).toBe("1Gi");
    // Nothing else changes: the sidecar and other resources stay as they were.
    expect(patched.spec.template.spec.containers[0]).toEqual({ name: "sidecar" });
    expect(result?.resources?.limits?.cpu).toBe(container.resources?.limits?.cpu);
    expect(result?.resources?.requests).toEqual(container.resources?.requests);
  });

  it("is rejected when the container moved since it was read (the test op guards the index)", () => {
    const app: V1Container = { name: "app", resources: { limits: { memory: "512Mi" } } };
    const ops = memoryLimitPatch(app, 0, "1Gi");
    const reordered = deploymentWith([{ name: "sidecar", resources: { limits: { memory: "64Mi" } } }, app]);
    expect(() => apply(reordered, ops)).toThrow();
  });
});

describe("restartPatch", () => {
  it("sets only the restartedAt annotation on the pod template", () => {
    expect(restartPatch("2026-11-26T03:00:00Z")).toEqual({
      spec: {
        template: {
          metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-11-26T03:00:00Z" } },
        },
      },
    });
  });
});

describe("envPatch", () => {
  it("merges a literal value into the named container's env", () => {
    expect(envPatch({ name: "app", env: [{ name: "OTHER", value: "1" }] }, "CACHE_TTL", "15s")).toEqual({
      spec: {
        template: { spec: { containers: [{ name: "app", env: [{ name: "CACHE_TTL", value: "15s" }] }] } },
      },
    });
  });

  it("clears valueFrom when the variable came from a secret or field", () => {
    const container: V1Container = {
      name: "app",
      env: [{ name: "CACHE_TTL", valueFrom: { configMapKeyRef: { name: "cm", key: "ttl" } } }],
    };
    expect(envPatch(container, "CACHE_TTL", "15s")).toEqual({
      spec: {
        template: {
          spec: {
            containers: [{ name: "app", env: [{ name: "CACHE_TTL", value: "15s", valueFrom: null }] }],
          },
        },
      },
    });
  });
});

describe("restorePatch (Undo)", () => {
  const app: V1Container = {
    name: "app",
    resources: { limits: { memory: "1Gi", cpu: "1" } },
    env: [
      { name: "A", value: "1" },
      { name: "CACHE_TTL", value: "15s" },
    ],
  };
  const doc = () => deploymentWith([{ name: "sidecar" }, structuredClone(app)]);
  const patched = (ops: ReturnType<typeof restorePatch>) => {
    if (!ops) throw new Error("no patch");
    return apply(doc(), ops).spec.template.spec.containers[1];
  };

  it("puts the previous memory limit back, or removes it", () => {
    const back = restorePatch(app, 1, { value: { kind: "memory-limit" }, current: "1Gi", restore: "512Mi" });
    expect(patched(back)?.resources).toEqual({ limits: { memory: "512Mi", cpu: "1" } });
    const gone = restorePatch(app, 1, { value: { kind: "memory-limit" }, current: "1Gi", restore: null });
    expect(patched(gone)?.resources).toEqual({ limits: { cpu: "1" } });
  });

  it("puts the previous env value back, or removes the env var, leaving the others", () => {
    const request = { value: { kind: "env" as const, name: "CACHE_TTL" }, current: "15s" };
    expect(patched(restorePatch(app, 1, { ...request, restore: "5m" }))?.env).toEqual([
      { name: "A", value: "1" },
      { name: "CACHE_TTL", value: "5m" },
    ]);
    expect(patched(restorePatch(app, 1, { ...request, restore: null }))?.env).toEqual([
      { name: "A", value: "1" },
    ]);
  });

  it("tests the current value first: a changed value fails the whole patch", () => {
    const limit = restorePatch(app, 1, { value: { kind: "memory-limit" }, current: "2Gi", restore: "512Mi" });
    expect(() => patched(limit)).toThrow(/Test operation failed/);
    const env = restorePatch(app, 1, {
      value: { kind: "env", name: "CACHE_TTL" },
      current: "30s",
      restore: null,
    });
    expect(() => patched(env)).toThrow(/Test operation failed/);
  });

  it("null when the env var is gone", () => {
    expect(
      restorePatch(app, 1, { value: { kind: "env", name: "GOGC" }, current: "50", restore: null }),
    ).toBeNull();
  });
});
