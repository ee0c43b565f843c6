// Every object `kubectl apply -k manifests` would send validates against the Kubernetes API schema
// (offline: support/schema.ts), and the workloads meet the security baseline: restricted
// securityContext, resources, probes on declared ports, no wildcard RBAC.
import type { V1Container, V1Deployment, V1PolicyRule } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import {
  id,
  type K8sObject,
  kubectl,
  kustomize,
  MANIFESTS_DIR,
  only,
  readObjects,
} from "./support/render.ts";
import { unknownFields, validateObject } from "./support/schema.ts";

const SECRET_TEMPLATE = `${MANIFESTS_DIR}secret.example.yaml`;

const deploymentOf = (o: K8sObject) => o as unknown as V1Deployment;
const containersOf = (o: K8sObject): V1Container[] => deploymentOf(o).spec?.template.spec?.containers ?? [];

const minimalDeployment = (): K8sObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "x" },
  spec: {
    selector: { matchLabels: { a: "b" } },
    template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } },
  },
});

/** A deep copy of `object` with the value at `path` replaced (undefined: removed). */
function withPath(object: K8sObject, path: (string | number)[], value: unknown): K8sObject {
  const copy = structuredClone(object);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

describe("the schema check itself", () => {
  it("accepts a minimal valid Deployment", async () => {
    expect(await validateObject(minimalDeployment())).toEqual([]);
  });

  const CONTAINER = ["spec", "template", "spec", "containers", 0];
  it.each([
    {
      name: "containers is not an array",
      path: CONTAINER.slice(0, -1),
      value: "x",
      problem: /containers must be array/,
    },
    {
      name: "a misspelt field (strict field validation)",
      path: [...CONTAINER, "readinesProbe"],
      value: { httpGet: { port: 80 } },
      problem: /spec\.template\.spec\.containers\[0\]\.readinesProbe: unknown field/,
    },
    {
      name: "a port given as a string",
      path: [...CONTAINER, "ports"],
      value: [{ containerPort: "80" }],
      problem: /containerPort must be integer/,
    },
    {
      name: "a required field missing",
      path: ["spec", "selector"],
      value: undefined,
      problem: /spec must have required property '?selector/,
    },
    {
      name: "an enum value that does not exist",
      path: ["spec", "strategy"],
      value: { type: "Recreated" },
      problem: /strategy\/type must be equal to one of the allowed values/,
    },
  ])("rejects a Deployment whose $name", async ({ path, value, problem }) => {
    const problems = await validateObject(withPath(minimalDeployment(), path, value));
    expect(problems.join("\n")).toMatch(problem);
  });

  it("rejects a kind the API does not have", async () => {
    expect(await validateObject({ ...minimalDeployment(), kind: "Deploymnet" })).toEqual([
      "apps/v1 Deploymnet is not a Kubernetes API type",
    ]);
  });

  it("finds unknown fields inside maps and arrays of objects", () => {
    const pod = {
      spec: { containers: [{ name: "a", resources: { limits: { memory: "1Gi" }, limit: {} } }] },
    };
    expect(unknownFields(pod, "V1Pod")).toEqual(["spec.containers[0].resources.limit"]);
  });
});

describe.skipIf(kubectl === null)("kubectl kustomize manifests", () => {
  let objects: K8sObject[];
  beforeAll(async () => {
    objects = await kustomize(MANIFESTS_DIR);
  });

  it("renders the whole base and no Secret (the real one is created out of band)", () => {
    expect(objects.map(id).sort()).toEqual([
      "ConfigMap/rdev-chatops/rdev-chatops",
      "Deployment/rdev-chatops/rdev-chatops-app",
      "Deployment/rdev-chatops/rdev-chatops-worker",
      "Namespace/rdev-chatops",
      "NetworkPolicy/rdev-chatops/rdev-chatops-app",
      "NetworkPolicy/rdev-chatops/rdev-chatops-worker",
      "PodDisruptionBudget/rdev-chatops/rdev-chatops-app",
      "PodDisruptionBudget/rdev-chatops/rdev-chatops-worker",
      "Role/default/rdev-chatops-worker-node-events",
      "Role/rdev/rdev-chatops-worker",
      "RoleBinding/default/rdev-chatops-worker-node-events",
      "RoleBinding/rdev/rdev-chatops-worker",
      "Service/rdev-chatops/rdev-chatops-app",
      "Service/rdev-chatops/rdev-chatops-worker",
      "ServiceAccount/rdev-chatops/rdev-chatops-app",
      "ServiceAccount/rdev-chatops/rdev-chatops-worker",
    ]);
  });

  it("every rendered object validates against the Kubernetes API schema", async () => {
    const problems = await Promise.all(
      objects.map(async (o) => ({ id: id(o), problems: await validateObject(o) })),
    );
    expect(problems.filter((p) => p.problems.length > 0)).toEqual([]);
  });

  it("the Secret template validates too and holds no real value", async () => {
    const [secret, ...rest] = readObjects(SECRET_TEMPLATE);
    if (!secret) throw new Error("secret.example.yaml is empty");
    expect(rest).toEqual([]);
    expect(await validateObject(secret)).toEqual([]);
    for (const value of Object.values(secret.stringData as Record<string, string>)) {
      expect(value).toContain("REPLACE-ME");
    }
  });

  it("every object is labelled part-of rdev-chatops; namespaced ones are in rdev-chatops or (RBAC) rdev, default", () => {
    for (const o of objects) {
      expect(o.metadata.labels?.["app.kubernetes.io/part-of"], id(o)).toBe("rdev-chatops");
      const clusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(o.kind);
      if (clusterScoped) expect(o.metadata.namespace, id(o)).toBeUndefined();
      else if (o.kind === "Role" || o.kind === "RoleBinding")
        expect(o.metadata.name === "rdev-chatops-worker-node-events" ? "default" : "rdev").toBe(
          o.metadata.namespace,
        );
      else expect(o.metadata.namespace, id(o)).toBe("rdev-chatops");
    }
  });

  describe("workloads", () => {
    const deployments = () => objects.filter((o) => o.kind === "Deployment");

    it("are the app (default image command) and the worker (dist/worker.js) on the kustomize image", () => {
      const byName = Object.fromEntries(deployments().map((d) => [d.metadata.name, containersOf(d)]));
      expect(byName["rdev-chatops-app"]?.map((c) => c.args)).toEqual([["dist/app.js"]]);
      expect(byName["rdev-chatops-worker"]?.map((c) => c.args)).toEqual([["dist/worker.js"]]);
      for (const c of Object.values(byName).flat()) {
        expect(c.image).toBe("registry.example.com/rdev-chatops:0.1.0");
      }
    });

    it("every pod and container runs restricted: non-root, no escalation, no capabilities, RuntimeDefault seccomp, read-only root", () => {
      for (const d of deployments()) {
        const pod = deploymentOf(d).spec?.template.spec;
        expect(pod?.securityContext?.runAsNonRoot, id(d)).toBe(true);
        expect(pod?.securityContext?.runAsUser, `${id(d)}: the Dockerfile's USER`).toBe(1000);
        expect(pod?.securityContext?.seccompProfile?.type, id(d)).toBe("RuntimeDefault");
        expect(pod?.hostNetwork ?? false).toBe(false);
        expect(pod?.hostPID ?? false).toBe(false);
        for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
          const where = `${id(d)} container ${c.name}`;
          expect(c.securityContext, where).toMatchObject({
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
          });
          expect(c.securityContext?.privileged ?? false, where).toBe(false);
          expect(c.securityContext?.capabilities?.add ?? [], where).toEqual([]);
        }
      }
    });

    it("every container requests CPU and memory and has a memory limit", () => {
      for (const d of deployments()) {
        for (const c of containersOf(d)) {
          expect(c.resources?.requests?.cpu, `${id(d)} ${c.name}`).toBeDefined();
          expect(c.resources?.requests?.memory, `${id(d)} ${c.name}`).toBeDefined();
          expect(c.resources?.limits?.memory, `${id(d)} ${c.name}`).toBeDefined();
        }
      }
    });

    it("every container has liveness, readiness and startup probes on a port it declares", () => {
      for (const d of deployments()) {
        for (const c of containersOf(d)) {
          const ports = (c.ports ?? []).flatMap((p) => [p.name, p.containerPort]);
          for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
            expect(probe?.httpGet, `${id(d)} ${c.name}`).toBeDefined();
            expect(ports, `${id(d)} ${c.name} probe port`).toContain(probe?.httpGet?.port);
          }
        }
      }
    });

    it("only the worker gets a ServiceAccount token", () => {
      const app = deploymentOf(only(objects, "Deployment", "rdev-chatops-app")).spec?.template.spec;
      const worker = deploymentOf(only(objects, "Deployment", "rdev-chatops-worker")).spec?.template.spec;
      expect(app?.serviceAccountName).toBe("rdev-chatops-app");
      expect(app?.automountServiceAccountToken).toBe(false);
      expect(only(objects, "ServiceAccount", "rdev-chatops-app").automountServiceAccountToken).toBe(false);
      expect(worker?.serviceAccountName).toBe("rdev-chatops-worker");
    });

    it("each Deployment has a PodDisruptionBudget that selects its pods and leaves one running", () => {
      for (const d of deployments()) {
        const labels = deploymentOf(d).spec?.template.metadata?.labels ?? {};
        const pdbs = objects.filter((o) => {
          if (o.kind !== "PodDisruptionBudget") return false;
          const match = (o.spec as { selector: { matchLabels: Record<string, string> } }).selector
            .matchLabels;
          return Object.entries(match).every(([k, v]) => labels[k] === v);
        });
        expect(pdbs.length, id(d)).toBe(1);
        const replicas = deploymentOf(d).spec?.replicas ?? 1;
        const spec = pdbs[0]?.spec as { maxUnavailable?: number; minAvailable?: number };
        const allowed = spec.maxUnavailable ?? replicas - (spec.minAvailable ?? replicas);
        expect(replicas - allowed, id(d)).toBeGreaterThanOrEqual(1);
        expect(allowed, `${id(d)}: a PDB that allows no eviction blocks node drains`).toBeGreaterThanOrEqual(
          1,
        );
      }
    });

    it("every Service selects a Deployment's pods and targets a named container port", () => {
      for (const s of objects.filter((o) => o.kind === "Service")) {
        const spec = s.spec as { selector: Record<string, string>; ports: { targetPort: string }[] };
        const target = deployments().find((d) => {
          const labels = deploymentOf(d).spec?.template.metadata?.labels ?? {};
          return Object.entries(spec.selector).every(([k, v]) => labels[k] === v);
        });
        if (!target) throw new Error(`${id(s)} selects no Deployment`);
        const names = containersOf(target).flatMap((c) => (c.ports ?? []).map((p) => p.name));
        for (const p of spec.ports) expect(names, id(s)).toContain(p.targetPort);
      }
    });
  });

  it("no Role or ClusterRole has a wildcard, and ClusterRoles only read", () => {
    for (const r of objects.filter((o) => o.kind === "Role" || o.kind === "ClusterRole")) {
      for (const rule of (r.rules ?? []) as V1PolicyRule[]) {
        const fields = [
          rule.apiGroups ?? [],
          rule.resources ?? [],
          rule.verbs,
          rule.resourceNames ?? [],
        ].flat();
        expect(fields, id(r)).not.toContain("*");
        if (r.kind === "ClusterRole")
          expect(rule.verbs.every((v) => ["get", "list", "watch"].includes(v))).toBe(true);
      }
    }
  });

  it("the namespace enforces the restricted Pod Security Standard", () => {
    expect(only(objects, "Namespace", "rdev-chatops").metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
    });
  });
});
