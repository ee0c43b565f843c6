// Small pure pieces: request parsing, ages, the TLS certificate, kubeconfig, names and hashes.
import { X509Certificate } from "node:crypto";
import { humanDuration } from "@rdev/kube-sim/human-duration.ts";
import { kubeconfigYaml } from "@rdev/kube-sim/kubeconfig.ts";
import { createRng, podTemplateHash, randomSuffix, uuid } from "@rdev/kube-sim/rand.ts";
import { parseRequestInfo } from "@rdev/kube-sim/request-info.ts";
import { parseProxyTarget } from "@rdev/kube-sim/routes/proxy.ts";
import { selfSignedCertificate } from "@rdev/kube-sim/tls-cert.ts";
import { describe, expect, it } from "vitest";

const info = (method: string, path: string) => {
  const url = new URL(path, "http://x");
  return parseRequestInfo(method, url.pathname, url.searchParams);
};

describe("parseRequestInfo", () => {
  it.each([
    [
      "GET",
      "/api/v1/namespaces/rdev/pods",
      { verb: "list", apiGroup: "", namespace: "rdev", resource: "pods", name: "" },
    ],
    ["GET", "/api/v1/namespaces/rdev/pods?watch=true", { verb: "watch", resource: "pods" }],
    ["GET", "/api/v1/pods", { verb: "list", namespace: "", resource: "pods" }],
    ["DELETE", "/api/v1/namespaces/rdev/pods/p1", { verb: "delete", name: "p1" }],
    [
      "POST",
      "/api/v1/namespaces/rdev/pods/p1/eviction",
      { verb: "create", name: "p1", subresource: "eviction" },
    ],
    [
      "GET",
      "/api/v1/namespaces/rdev/pods/p1:8080/proxy/debug/pprof/heap",
      { verb: "get", name: "p1:8080", subresource: "proxy", rest: ["debug", "pprof", "heap"] },
    ],
    [
      "PATCH",
      "/apis/apps/v1/namespaces/rdev/deployments/rdev-api",
      { verb: "patch", apiGroup: "apps", apiVersion: "v1", resource: "deployments", name: "rdev-api" },
    ],
    ["GET", "/api/v1/namespaces/rdev", { verb: "get", resource: "namespaces", name: "rdev", namespace: "" }],
    [
      "GET",
      "/apis/metrics.k8s.io/v1beta1/namespaces/rdev/pods",
      { verb: "list", apiGroup: "metrics.k8s.io", apiVersion: "v1beta1" },
    ],
  ])("%s %s", (method, path, want) => {
    expect(info(method, path)).toMatchObject({ isResourceRequest: true, ...want });
  });

  it("treats discovery and other paths as non-resource requests", () => {
    for (const p of ["/api", "/apis", "/api/v1", "/apis/apps/v1", "/version", "/openapi/v2"]) {
      expect(info("GET", p).isResourceRequest).toBe(false);
    }
  });
});

describe("humanDuration (kubectl ages)", () => {
  it.each([
    [-5000, "<invalid>"],
    [500, "0s"],
    [65_000, "65s"],
    [150_000, "2m30s"],
    [300_000, "5m"],
    [45 * 60_000, "45m"],
    [4 * 3600_000 + 5 * 60_000, "4h5m"],
    [30 * 3600_000, "30h"],
    [3 * 86_400_000 + 3600_000, "3d1h"],
    [30 * 86_400_000, "30d"],
    [3 * 365 * 86_400_000, "3y"],
  ])("%d ms -> %s", (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe("TLS certificate and kubeconfig", () => {
  it("is a CA certificate for 127.0.0.1 signed by its own key", () => {
    const c = selfSignedCertificate("test", Date.parse("2026-01-01T00:00:00Z"));
    const x = new X509Certificate(c.certPem);
    expect(x.ca).toBe(true);
    expect(x.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.subject).toBe("CN=test");
    expect(Date.parse(x.validTo)).toBeGreaterThan(Date.parse("2035-01-01T00:00:00Z"));
  });

  it("writes a kubeconfig with the CA, the token and namespace rdev as current context", () => {
    const yaml = kubeconfigYaml("https://127.0.0.1:1234", "tok", "-----BEGIN CERTIFICATE-----\nX\n");
    expect(yaml).toContain('server: "https://127.0.0.1:1234"');
    expect(yaml).toContain(
      `certificate-authority-data: ${Buffer.from("-----BEGIN CERTIFICATE-----\nX\n").toString("base64")}`,
    );
    expect(yaml).toContain('token: "tok"');
    expect(yaml).toContain('namespace: "rdev"');
    expect(yaml).toMatch(/^current-context: rdev-sim$/m);
  });
});

describe("names", () => {
  it("are deterministic for a seed and use the Kubernetes alphabet", () => {
    const a = createRng(7);
    const b = createRng(7);
    expect(uuid(a)).toBe(uuid(b));
    expect(randomSuffix(a)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(podTemplateHash({ a: 1, b: 2 })).toBe(podTemplateHash({ b: 2, a: 1 }));
    expect(podTemplateHash({ a: 1 })).not.toBe(podTemplateHash({ a: 2 }));
    expect(podTemplateHash({ a: 1 })).toMatch(/^[4-9bcdf]+$/);
  });

  it("parses pod proxy targets", () => {
    expect(parseProxyTarget("p")).toEqual({ scheme: "", name: "p", port: "" });
    expect(parseProxyTarget("p:8080")).toEqual({ scheme: "", name: "p", port: "8080" });
    expect(parseProxyTarget("https:p:8443")).toEqual({ scheme: "https", name: "p", port: "8443" });
  });
});
