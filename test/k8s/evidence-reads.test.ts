// createCluster's evidence reads against the simulator: bounded container logs (pods/log) and the
// routes in front of rdev-api (Ingress, Traefik's IngressRoute and ServersTransport), with a
// missing CRD (404) and RBAC refusals (403) as KubeErrors that say what is missing.

import { KubeError } from "@rdev/bot/k8s/errors.ts";
import { describe, expect, it } from "vitest";
import { CONTAINER, NS, setup } from "./sim-setup.ts";

const lines = (text: string) => text.split("\n").filter(Boolean);

describe("readPodLog", () => {
  it("passes tailLines, sinceSeconds and limitBytes, and reports the bytes read", async () => {
    const { sim, cluster, requests } = await setup({ scenario: "sse-leak" });
    sim.advance(5 * 60_000);
    const pod = sim.pods()[0]?.name ?? "";
    const tail = await cluster.readPodLog(NS, pod, { container: CONTAINER, tailLines: 25 });
    expect(lines(tail.text)).toHaveLength(25);
    expect(tail.bytes).toBe(Buffer.byteLength(tail.text));
    const since = await cluster.readPodLog(NS, pod, { container: CONTAINER, sinceSeconds: 30 });
    const now = sim.clock.now();
    for (const l of lines(since.text)) {
      expect(Date.parse(/^time=(\S+)/.exec(l)?.[1] ?? "")).toBeGreaterThanOrEqual(now - 30_000);
    }
    const cut = await cluster.readPodLog(NS, pod, { container: CONTAINER, tailLines: 500, limitBytes: 2000 });
    expect(cut.bytes).toBe(2000);
    expect(requests.at(-1)).toMatchObject({ verb: "get", resource: "pods/log", namespace: NS, status: 200 });
  });

  it("reads the previous container after an OOM kill; none before is an invalid request", async () => {
    const { sim, cluster } = await setup({ scenario: "sse-leak" });
    sim.advance(14 * 60_000);
    const oomed = sim.pods().find((p) => p.restartCount > 0);
    const prev = await cluster.readPodLog(NS, oomed?.name ?? "", {
      container: CONTAINER,
      previous: true,
      tailLines: 5,
    });
    expect(lines(prev.text)).toHaveLength(5);
    const fresh = sim.pods().find((p) => p.restartCount === 0)?.name ?? "";
    const err = await cluster
      .readPodLog(NS, fresh, { container: CONTAINER, previous: true, tailLines: 5 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(KubeError);
    expect((err as KubeError).code).toBe("invalid");
    expect((err as KubeError).apiMessage).toContain("previous terminated container");
  });
});

describe("routes in front of rdev-api", () => {
  it("crd-timeouts: the IngressRoute's SSE route and its ServersTransport's timeouts", async () => {
    const { cluster } = await setup({ traefik: "crd-timeouts" });
    const [route] = await cluster.listIngressRoutes(NS);
    expect(route).toEqual({
      namespace: NS,
      name: "rdev-api",
      entryPoints: ["websecure"],
      routes: [
        {
          match: "Host(`rdev.example.com`) && PathPrefix(`/api`)",
          services: [{ name: "rdev-api", namespace: null, port: 8080, serversTransport: null }],
        },
        {
          match: "Host(`rdev.example.com`) && PathPrefix(`/api/v1/events`)",
          services: [{ name: "rdev-api", namespace: null, port: 8080, serversTransport: "rdev-api-sse" }],
        },
      ],
    });
    expect(await cluster.listServersTransports(NS)).toEqual([
      {
        namespace: NS,
        name: "rdev-api-sse",
        forwardingTimeouts: { dialTimeout: "5s", responseHeaderTimeout: "30s", idleConnTimeout: "90s" },
      },
    ]);
    expect(await cluster.listIngresses(NS)).toEqual([]);
  });

  it("ingress: the Ingress with its Traefik annotations; the CRDs missing are a not_found KubeError", async () => {
    const { cluster } = await setup({ traefik: "ingress" });
    const [ing] = await cluster.listIngresses(NS);
    expect(ing).toMatchObject({
      name: "rdev-api",
      className: "traefik",
      annotations: { "traefik.ingress.kubernetes.io/router.entrypoints": "websecure" },
      rules: [
        {
          host: "rdev.example.com",
          paths: [{ path: "/api", pathType: "Prefix", service: "rdev-api", port: 8080 }],
        },
      ],
    });
    const err = await cluster.listIngressRoutes(NS).catch((e) => e);
    expect(err).toBeInstanceOf(KubeError);
    expect((err as KubeError).code).toBe("not_found");
    expect((err as KubeError).resource).toBe("ingressroutes.traefik.io");
  });

  it("a 403 on the Traefik CRDs names the resource to grant", async () => {
    const { sim, cluster } = await setup({ traefik: "crd" });
    sim.faults.add({ path: /\/serverstransports$/, status: 403 });
    const err = await cluster.listServersTransports(NS).catch((e) => e);
    expect((err as KubeError).code).toBe("forbidden");
    expect((err as KubeError).message).toContain(
      'Grant verb "list" on resource "serverstransports.traefik.io"',
    );
  });
});
