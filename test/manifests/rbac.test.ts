// The worker's RBAC grants each call the worker makes and nothing more, derived from the code:
// every Cluster method (the only way the bot touches Kubernetes) is driven against the simulator,
// each API request is recorded as the API server sees it, and the rendered Role/ClusterRole rules
// are evaluated with a small RBAC matcher (support/rbac.ts).

import { loadConfig, WorkerEnvSchema } from "@rdev/bot/config.ts";
import { runDiagnosis } from "@rdev/bot/diagnose/run-diagnosis.ts";
import type { Cluster } from "@rdev/bot/k8s/types.ts";
import { highMemoryRunbook } from "@rdev/bot/runbooks/high-memory/index.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  atoms,
  describeRequest,
  type Grant,
  grantAllows,
  grantsFor,
  type Request,
  ruleAllows,
} from "./support/rbac.ts";
import {
  clientAttributes,
  drivers,
  type MethodName,
  type MethodRecord,
  type Recording,
  startRecording,
} from "./support/record.ts";
import { type K8sObject, kubectl, kustomize, MANIFESTS_DIR, only } from "./support/render.ts";

const WORKER = { kind: "ServiceAccount", name: "rdev-chatops-worker", namespace: "rdev-chatops" } as const;
const APP = { kind: "ServiceAccount", name: "rdev-chatops-app", namespace: "rdev-chatops" } as const;

const req = (r: Partial<Request>): Request => ({
  verb: "get",
  apiGroup: "",
  resource: "pods",
  subresource: "",
  namespace: "rdev",
  name: "",
  ...r,
});

describe("the RBAC matcher", () => {
  const pods = { apiGroups: [""], resources: ["pods"], verbs: ["list"] };
  const proxy = { apiGroups: [""], resources: ["pods/proxy"], verbs: ["get"] };
  const rdevApi = {
    apiGroups: ["apps"],
    resources: ["deployments"],
    resourceNames: ["rdev-api"],
    verbs: ["get"],
  };
  const deployment = (r: Partial<Request>) => req({ apiGroup: "apps", resource: "deployments", ...r });
  const cases: {
    name: string;
    rule: Parameters<typeof ruleAllows>[0];
    request: Request;
    allowed: boolean;
  }[] = [
    { name: "the verb matches", rule: pods, request: req({ verb: "list" }), allowed: true },
    { name: "another verb", rule: pods, request: req({ verb: "get" }), allowed: false },
    {
      name: "another API group",
      rule: { ...pods, apiGroups: ["apps"] },
      request: req({ verb: "list" }),
      allowed: false,
    },
    {
      name: "pods does not grant the pods/proxy subresource",
      rule: { ...proxy, resources: ["pods"] },
      request: req({ subresource: "proxy", name: "p" }),
      allowed: false,
    },
    { name: "pods/proxy", rule: proxy, request: req({ subresource: "proxy", name: "p" }), allowed: true },
    {
      name: "*/proxy",
      rule: { ...proxy, resources: ["*/proxy"] },
      request: req({ subresource: "proxy", name: "p" }),
      allowed: true,
    },
    {
      name: "a listed resourceName",
      rule: rdevApi,
      request: deployment({ name: "rdev-api" }),
      allowed: true,
    },
    { name: "another resourceName", rule: rdevApi, request: deployment({ name: "other" }), allowed: false },
    {
      name: "resourceNames never grant a list",
      rule: { ...rdevApi, verbs: ["list"] },
      request: deployment({ verb: "list" }),
      allowed: false,
    },
    {
      name: "wildcards grant everything",
      rule: { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
      request: req({ verb: "delete", name: "p" }),
      allowed: true,
    },
  ];
  it.each(cases)("$name: $allowed", ({ rule, request, allowed }) => {
    expect(ruleAllows(rule, request)).toBe(allowed);
  });

  it("a Role holds in its namespace only; a ClusterRoleBinding everywhere, all namespaces included", () => {
    const rule = { apiGroups: [""], resources: ["events"], verbs: ["list"] };
    const namespaced: Grant = { source: "Role/x", namespace: "rdev", rule };
    const clusterWide: Grant = { source: "ClusterRole/x", namespace: null, rule };
    const inRdev = req({ verb: "list", resource: "events" });
    const everywhere = req({ verb: "list", resource: "events", namespace: "" });
    expect(grantAllows(namespaced, inRdev)).toBe(true);
    expect(grantAllows(namespaced, everywhere)).toBe(false);
    expect(grantAllows(namespaced, { ...inRdev, namespace: "default" })).toBe(false);
    expect(grantAllows(clusterWide, everywhere)).toBe(true);
  });
});

describe.skipIf(kubectl === null)("manifests/ RBAC against every call the worker makes", () => {
  let rendered: K8sObject[];
  let grants: Grant[];
  let rec: Recording;
  const records: MethodRecord[] = [];
  let diagnosisRequests: Request[] = [];
  let allowDeleteFallback = false;

  beforeAll(async () => {
    rendered = await kustomize(MANIFESTS_DIR);
    grants = grantsFor(rendered, WORKER);
    const data = only(rendered, "ConfigMap", "rdev-chatops").data as Record<string, string>;
    const config = loadConfig(data);
    allowDeleteFallback = WorkerEnvSchema.shape.ALLOW_DELETE_FALLBACK.parse(
      data.ALLOW_DELETE_FALLBACK || undefined,
    );
    rec = await startRecording();
    // The real diagnosis, configured from the ConfigMap, with a heap profile.
    const diagnosis = await rec.record((cluster) =>
      runDiagnosis({ cluster, clock: rec.sim.clock }, { runbook: highMemoryRunbook(config), heap: "always" }),
    );
    diagnosisRequests = diagnosis.server;
    // Then every Cluster method, one at a time.
    const driven = drivers(config.target, rec.sim);
    for (const method of Object.keys(driven) as MethodName[]) {
      records.push({ method, ...(await rec.record(driven[method])) });
    }
  });
  afterAll(async () => {
    await rec?.close();
  });

  const allowed = (r: Request) => grants.some((g) => grantAllows(g, r));
  const requestsOf = (method: MethodName) =>
    records.filter((r) => r.method === method).flatMap((r) => r.server);
  /**
   * Restarting a pod (packages/bot/src/remediate/actions/restart-pod.ts) evicts it; it deletes it instead only
   * when the eviction is forbidden and ALLOW_DELETE_FALLBACK is on. So exactly one of evictPod and
   * deletePod must be granted: eviction, unless the ConfigMap opts into the delete fallback and the
   * Role withholds eviction. Every other method is always reachable.
   */
  const restartMethod = (): MethodName =>
    allowDeleteFallback && !requestsOf("evictPod").every(allowed) ? "deletePod" : "evictPod";
  const required = () =>
    records
      .filter((r) => (r.method !== "evictPod" && r.method !== "deletePod") || r.method === restartMethod())
      .flatMap((r) => r.server);

  it("drives every method of the Cluster createCluster returns, each making at least one successful request", () => {
    const methods = Object.keys(rec.cluster satisfies Cluster).sort();
    expect(records.map((r) => r.method).sort()).toEqual(methods);
    for (const r of records) {
      expect(r.server.length, `${r.method} made no API request`).toBeGreaterThan(0);
      for (const s of r.server) expect(s.status, `${r.method}: ${describeRequest(s)}`).toBeLessThan(300);
    }
  });

  it("what the client reports (onRequest) is what the API server served", () => {
    for (const r of records) {
      const client = r.client.map((c) => ({
        verb: c.verb,
        ...clientAttributes(c),
        namespace: c.namespace ?? "",
      }));
      const server = r.server.map(({ verb, apiGroup, resource, subresource, namespace }) => ({
        verb,
        apiGroup,
        resource,
        subresource,
        namespace,
      }));
      expect(client, r.method).toEqual(server);
    }
  });

  it("grants every request of every method the worker can reach with this configuration", () => {
    expect(
      required()
        .filter((r) => !allowed(r))
        .map(describeRequest),
    ).toEqual([]);
  });

  it("grants only the pod restart in use (eviction, or delete with ALLOW_DELETE_FALLBACK), not both", () => {
    const unused = restartMethod() === "evictPod" ? "deletePod" : "evictPod";
    expect(requestsOf(unused).filter(allowed).map(describeRequest)).toEqual([]);
  });

  it("grants every request of a real diagnosis configured from the ConfigMap", () => {
    expect(diagnosisRequests.length).toBeGreaterThan(3);
    const denied = diagnosisRequests.filter((r) => !allowed(r));
    expect(denied.map(describeRequest)).toEqual([]);
  });

  it("grants nothing more: every single permission (verb x resource x name) is used by some request", () => {
    const requests = required();
    const unused = grants.flatMap(atoms).filter((a) => !requests.some((r) => grantAllows(a, r)));
    expect(unused.map((a) => a.source)).toEqual([]);
  });

  it("every rule is needed: without it some request is denied", () => {
    const requests = required();
    for (const g of grants) {
      const rest = grants.filter((x) => x !== g);
      const denied = requests.filter((r) => !rest.some((x) => grantAllows(x, r)));
      expect(denied.length, `${g.source} is redundant`).toBeGreaterThan(0);
    }
  });

  it("has no wildcard and nothing cluster-wide: the workload's namespace, and node events in default", () => {
    for (const g of grants) {
      const fields = [g.rule.apiGroups ?? [], g.rule.resources ?? [], g.rule.verbs].flat();
      expect(fields, g.source).not.toContain("*");
      expect(g.namespace, g.source).not.toBeNull();
      if (g.namespace !== "rdev") {
        expect(g.namespace, g.source).toBe("default");
        expect(g.rule).toMatchObject({ apiGroups: [""], resources: ["events"], verbs: ["list"] });
      }
    }
    expect(rendered.filter((o) => o.kind === "ClusterRole" || o.kind === "ClusterRoleBinding")).toEqual([]);
  });

  it("no request of the worker lists or reads anything across all namespaces", () => {
    const everywhere = [...required(), ...diagnosisRequests].filter((r) => r.namespace === "");
    expect(everywhere.map(describeRequest)).toEqual([]);
  });

  it("the app's ServiceAccount holds no permission at all", () => {
    expect(grantsFor(rendered, APP)).toEqual([]);
  });
});
