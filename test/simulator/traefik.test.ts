// Traefik in front of rdev-api, as kubectl lists it from the simulator: an Ingress with Traefik's
// annotations, Traefik's CRDs, IngressRoute and ServersTransport with and without timeouts, and a
// cluster without the CRDs (traefik.io is not served).

import { ManualClock } from "@rdev/bot/clock.ts";
import { type Simulator, startSimulator, type TraefikSetup } from "@rdev/kube-sim/index.ts";
import { afterEach, describe, expect, it } from "vitest";
import { type Kubectl, kubectlFor, table } from "./support/kubectl.ts";

let sim: Simulator | undefined;
let kubectl: Kubectl | undefined;
afterEach(async () => {
  await kubectl?.cleanup();
  await sim?.close();
  sim = undefined;
  kubectl = undefined;
});

async function setup(traefik: TraefikSetup) {
  sim = await startSimulator({ clock: new ManualClock(), traefik });
  kubectl = await kubectlFor(sim);
  return kubectl;
}

describe("kubectl and Traefik's resources in the simulator", () => {
  it("crd: the CRDs are listed and the IngressRoute and ServersTransport read back, timeouts off", async () => {
    const k = await setup("crd");
    const crds = await k("get", "crd");
    expect(crds.stderr).toBe("");
    const [header, ...rows] = table(crds.stdout);
    expect(header).toEqual(["NAME", "CREATED AT"]);
    expect(rows.map((r) => r[0]).sort()).toEqual([
      "ingressroutes.traefik.io",
      "serverstransports.traefik.io",
    ]);

    const routes = await k("-n", "rdev", "get", "ingressroutes");
    expect(table(routes.stdout)).toEqual([
      ["NAME", "AGE"],
      ["rdev-api", "2d"],
    ]);
    const route = JSON.parse(
      (await k("-n", "rdev", "get", "ingressroute.traefik.io", "rdev-api", "-o", "json")).stdout,
    );
    expect(route.apiVersion).toBe("traefik.io/v1alpha1");
    expect(route.spec.entryPoints).toEqual(["websecure"]);
    expect(route.spec.routes[1].match).toBe("Host(`rdev.example.com`) && PathPrefix(`/api/v1/events`)");
    expect(route.spec.routes[1].services[0]).toEqual({
      name: "rdev-api",
      port: 8080,
      serversTransport: "rdev-api-sse",
    });

    const transport = await k(
      "-n",
      "rdev",
      "get",
      "serverstransports",
      "rdev-api-sse",
      "-o",
      "jsonpath={.spec.forwardingTimeouts}",
    );
    expect(JSON.parse(transport.stdout)).toEqual({ responseHeaderTimeout: "0s", idleConnTimeout: "0s" });
    expect(
      (await k("api-resources", "--api-group=traefik.io", "-o", "name")).stdout.trim().split("\n").sort(),
    ).toEqual(["ingressroutes.traefik.io", "serverstransports.traefik.io"]);
  });

  it("crd-timeouts: the ServersTransport sets dial, response-header and idle-connection timeouts", async () => {
    const k = await setup("crd-timeouts");
    const r = await k(
      "-n",
      "rdev",
      "get",
      "serverstransports.traefik.io",
      "-o",
      "jsonpath={.items[0].spec.forwardingTimeouts}",
    );
    expect(JSON.parse(r.stdout)).toEqual({
      dialTimeout: "5s",
      responseHeaderTimeout: "30s",
      idleConnTimeout: "90s",
    });
  });

  it("ingress: an Ingress with Traefik's annotations; without the CRDs, traefik.io is unknown to kubectl", async () => {
    const k = await setup("ingress");
    const ing = await k("-n", "rdev", "get", "ingress");
    expect(table(ing.stdout)).toEqual([
      ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"],
      ["rdev-api", "traefik", "rdev.example.com", "10.0.0.200", "80, 443", "2d"],
    ]);
    const annotations = await k(
      "-n",
      "rdev",
      "get",
      "ingress",
      "rdev-api",
      "-o",
      "jsonpath={.metadata.annotations}",
    );
    expect(JSON.parse(annotations.stdout)).toMatchObject({
      "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
    });
    const routes = await k("-n", "rdev", "get", "ingressroutes");
    expect(routes.code).not.toBe(0);
    expect(routes.stderr).toContain('the server doesn\'t have a resource type "ingressroutes"');
    expect(table((await k("get", "crd")).stdout)).toEqual([]);
  });
});
