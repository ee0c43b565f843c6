// The NetworkPolicies, evaluated (support/netpol.ts) for the connections each pod must make and
// a few it must not: app -> Slack 443, Redis, DNS only (never the API server); worker -> API server
// 443/6443, Slack 443, Redis, DNS; ingress only on the ports the containers serve.
import type { V1Deployment } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { allows, type Flow, inCidr } from "./support/netpol.ts";
import { type K8sObject, kubectl, kustomize, MANIFESTS_DIR, only } from "./support/render.ts";

const SLACK = "52.4.5.6"; // a public address (Slack's API is on public AWS ranges)
const API_SERVER_SERVICE = "10.96.0.1"; // the kubernetes Service's ClusterIP
const API_SERVER = "10.0.0.5"; // a control-plane node (kubeadm: 6443)
const REDIS = "10.244.1.7";
const DNS = "10.96.0.10";
const METADATA = "169.254.169.254"; // cloud instance metadata: credentials live there
const RDEV_API_POD = "10.244.2.9";

const out = (ip: string, port: number, protocol: "TCP" | "UDP" = "TCP"): Flow => ({
  direction: "Egress",
  ip,
  port,
  protocol,
});
/** Redis: the pods labelled app.kubernetes.io/name=redis in rdev-chatops. */
const redis = (
  labels: Record<string, string> = { "app.kubernetes.io/name": "redis" },
  namespace = "rdev-chatops",
): Flow => ({
  ...out(REDIS, 6379),
  pod: { namespace, labels },
});
const into = (port: number): Flow => ({ direction: "Ingress", ip: "10.244.3.3", port, protocol: "TCP" });
const show = (f: Flow) => `${f.direction} ${f.ip}:${f.port}/${f.protocol ?? "TCP"}`;

describe("the evaluator", () => {
  it.each([
    ["10.1.2.3", "10.0.0.0/8", true],
    ["11.0.0.1", "10.0.0.0/8", false],
    ["172.31.255.255", "172.16.0.0/12", true],
    ["172.32.0.0", "172.16.0.0/12", false],
    ["52.4.5.6", "0.0.0.0/0", true],
    ["52.4.5.6", "::/0", false],
  ] as const)("%s in %s: %s", (ip, cidr, expected) => {
    expect(inCidr(ip, cidr)).toBe(expected);
  });

  it("a pod no policy selects is not isolated; one selected for Egress only is still open for Ingress", () => {
    const policy = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "p", namespace: "n" },
      spec: { podSelector: { matchLabels: { a: "b" } }, policyTypes: ["Egress"], egress: [] },
    } satisfies K8sObject;
    expect(allows([policy], "n", { a: "c" }, out(SLACK, 443))).toBe(true);
    expect(allows([policy], "n", { a: "b" }, out(SLACK, 443))).toBe(false);
    expect(allows([policy], "n", { a: "b" }, into(80))).toBe(true);
  });
});

describe.skipIf(kubectl === null)("manifests/base/networkpolicy.yaml", () => {
  let objects: K8sObject[];
  const podOf = (name: string) => {
    const d = only(objects, "Deployment", name) as unknown as V1Deployment;
    const labels = d.spec?.template.metadata?.labels ?? {};
    const port = d.spec?.template.spec?.containers[0]?.ports?.[0]?.containerPort ?? 0;
    return { labels, port };
  };
  const check = (name: string, flows: Flow[], expected: boolean) => {
    const { labels } = podOf(name);
    const wrong = flows.filter((f) => allows(objects, "rdev-chatops", labels, f) !== expected);
    expect(wrong.map(show), `${name}: ${expected ? "must be allowed" : "must be denied"}`).toEqual([]);
  };

  beforeAll(async () => {
    objects = await kustomize(MANIFESTS_DIR);
  });

  it("the app: in on its port; out to Slack, Redis and DNS", () => {
    const { port } = podOf("rdev-chatops-app");
    check(
      "rdev-chatops-app",
      [into(port), out(SLACK, 443), redis(), out(DNS, 53, "UDP"), out(DNS, 53)],
      true,
    );
  });

  it("the app: never the API server, the metadata service, the rdev-api pods or other ports", () => {
    check(
      "rdev-chatops-app",
      [
        into(9091),
        into(22),
        out(API_SERVER_SERVICE, 443),
        out(API_SERVER, 6443),
        out(METADATA, 80),
        out(METADATA, 443),
        out(RDEV_API_POD, 8080),
        out(SLACK, 80),
      ],
      false,
    );
  });

  it("the worker: in on its metrics port; out to the API server, Slack, Redis and DNS", () => {
    const { port } = podOf("rdev-chatops-worker");
    check(
      "rdev-chatops-worker",
      [
        into(port),
        out(API_SERVER_SERVICE, 443),
        out(API_SERVER, 6443),
        out(SLACK, 443),
        redis(),
        out(DNS, 53, "UDP"),
        out(DNS, 53),
      ],
      true,
    );
  });

  it("the worker: nothing else (rdev-api pods are reached through the API server's proxy)", () => {
    check(
      "rdev-chatops-worker",
      [into(3000), into(22), out(RDEV_API_POD, 8080), out(METADATA, 80), out(SLACK, 80), out(SLACK, 22)],
      false,
    );
  });

  it("both pods: port 6379 only on the Redis pods, not anywhere", () => {
    for (const name of ["rdev-chatops-app", "rdev-chatops-worker"]) {
      check(
        name,
        [
          out(REDIS, 6379),
          out(SLACK, 6379),
          out(METADATA, 6379),
          redis({ "app.kubernetes.io/name": "rdev-api" }),
          redis({ "app.kubernetes.io/name": "redis" }, "rdev"),
        ],
        false,
      );
    }
  });

  it("both pods are isolated in both directions", () => {
    for (const name of ["rdev-chatops-app", "rdev-chatops-worker"]) {
      const policy = objects.find((o) => {
        const spec = o.spec as { podSelector?: { matchLabels?: Record<string, string> } } | undefined;
        return (
          o.kind === "NetworkPolicy" && spec?.podSelector?.matchLabels?.["app.kubernetes.io/name"] === name
        );
      });
      if (!policy) throw new Error(`no NetworkPolicy selects ${name}`);
      const types = (policy.spec as { policyTypes?: string[] }).policyTypes ?? [];
      expect([...types].sort(), name).toEqual(["Egress", "Ingress"]);
    }
  });
});
