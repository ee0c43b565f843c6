// Traefik in front of rdev-api, as the namespace shows it: an Ingress with Traefik's annotations,
// or Traefik's CRDs (IngressRoute and ServersTransport, traefik.io/v1alpha1) with an SSE route on
// its own ServersTransport, configured with or without timeouts.
//   none          no Ingress, no Traefik CRDs (traefik.io is not served)
//   ingress       an Ingress (class traefik, router annotations); no CRDs
//   crd           CRDs, IngressRoute rdev-api, ServersTransport rdev-api-sse with timeouts off (0s)
//   crd-timeouts  the same with dialTimeout 5s, responseHeaderTimeout 30s, idleConnTimeout 90s
import { isoTime, type KObject } from "./manifests.ts";
import { TRAEFIK_GROUP } from "./resources.ts";
import type { World } from "./world.ts";

export const TRAEFIK_SETUPS = ["none", "ingress", "crd", "crd-timeouts"] as const;
export type TraefikSetup = (typeof TRAEFIK_SETUPS)[number];

export const TRAEFIK = {
  host: "rdev.example.com",
  entryPoint: "websecure",
  ssePath: "/api/v1/events",
  transport: "rdev-api-sse",
} as const;

type Target = { namespace: string; service: string; port: number };

function meta(w: World, name: string, at: number, namespace?: string): KObject["metadata"] {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    uid: w.newUid(),
    resourceVersion: "",
    creationTimestamp: isoTime(at),
    generation: 1,
  };
}

function crd(w: World, plural: string, kind: string, at: number): KObject {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      ...meta(w, `${plural}.${TRAEFIK_GROUP}`, at),
      annotations: { "controller-gen.kubebuilder.io/version": "v0.16.1" },
    },
    spec: {
      group: TRAEFIK_GROUP,
      names: {
        kind,
        listKind: `${kind}List`,
        plural,
        singular: kind.toLowerCase(),
      },
      scope: "Namespaced",
      versions: [
        {
          name: "v1alpha1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
      ],
    },
    status: {
      acceptedNames: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      storedVersions: ["v1alpha1"],
      conditions: [
        {
          type: "Established",
          status: "True",
          reason: "InitialNamesAccepted",
          message: "the initial names have been accepted",
        },
      ],
    },
  };
}

function ingress(w: World, t: Target, at: number): KObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      ...meta(w, t.service, at, t.namespace),
      annotations: {
        "traefik.ingress.kubernetes.io/router.entrypoints": TRAEFIK.entryPoint,
        "traefik.ingress.kubernetes.io/router.tls": "true",
      },
    },
    spec: {
      ingressClassName: "traefik",
      rules: [
        {
          host: TRAEFIK.host,
          http: {
            paths: [
              {
                path: "/api",
                pathType: "Prefix",
                backend: { service: { name: t.service, port: { number: t.port } } },
              },
            ],
          },
        },
      ],
      tls: [{ hosts: [TRAEFIK.host], secretName: "rdev-tls" }],
    },
    status: { loadBalancer: { ingress: [{ ip: "10.0.0.200" }] } },
  };
}

function ingressRoute(w: World, t: Target, at: number): KObject {
  const host = `Host(\`${TRAEFIK.host}\`)`;
  return {
    apiVersion: `${TRAEFIK_GROUP}/v1alpha1`,
    kind: "IngressRoute",
    metadata: meta(w, t.service, at, t.namespace),
    spec: {
      entryPoints: [TRAEFIK.entryPoint],
      routes: [
        {
          match: `${host} && PathPrefix(\`/api\`)`,
          kind: "Rule",
          services: [{ name: t.service, port: t.port }],
        },
        {
          match: `${host} && PathPrefix(\`${TRAEFIK.ssePath}\`)`,
          kind: "Rule",
          services: [{ name: t.service, port: t.port, serversTransport: TRAEFIK.transport }],
        },
      ],
      tls: { secretName: "rdev-tls" },
    },
  };
}

function serversTransport(w: World, t: Target, at: number, timeouts: boolean): KObject {
  const forwardingTimeouts = timeouts
    ? { dialTimeout: "5s", responseHeaderTimeout: "30s", idleConnTimeout: "90s" }
    : { responseHeaderTimeout: "0s", idleConnTimeout: "0s" };
  return {
    apiVersion: `${TRAEFIK_GROUP}/v1alpha1`,
    kind: "ServersTransport",
    metadata: meta(w, TRAEFIK.transport, at, t.namespace),
    spec: { maxIdleConnsPerHost: 200, forwardingTimeouts },
  };
}

/** Stores the setup's objects; returns whether Traefik's CRDs are installed (served). */
export function bootstrapTraefik(w: World, setup: TraefikSetup, t: Target, at: number): boolean {
  if (setup === "none") return false;
  if (setup === "ingress") {
    w.store.create("ingresses", ingress(w, t, at));
    return false;
  }
  w.store.create("customresourcedefinitions", crd(w, "ingressroutes", "IngressRoute", at));
  w.store.create("customresourcedefinitions", crd(w, "serverstransports", "ServersTransport", at));
  w.store.create("ingressroutes", ingressRoute(w, t, at));
  w.store.create("serverstransports", serversTransport(w, t, at, setup === "crd-timeouts"));
  return true;
}
