// Ingresses (networking.k8s.io/v1) and Traefik's IngressRoute and ServersTransport
// (traefik.io/v1alpha1) as the plain types of types.ts. Custom objects are untyped JSON: zod
// checks the fields the diagnosis reads and ignores the rest.
import type { V1Ingress } from "@kubernetes/client-node";
import { z } from "zod";
import type { IngressInfo, IngressRouteInfo, ServersTransportInfo } from "./types.ts";

const Meta = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
const Port = z.union([z.number(), z.string()]).optional();

const IngressRoute = z.object({
  metadata: Meta,
  spec: z
    .object({
      entryPoints: z.array(z.string()).optional(),
      routes: z
        .array(
          z.object({
            match: z.string().default(""),
            kind: z.string().optional(),
            services: z
              .array(
                z.object({
                  name: z.string(),
                  namespace: z.string().optional(),
                  port: Port,
                  kind: z.string().optional(),
                  serversTransport: z.string().optional(),
                }),
              )
              .optional(),
          }),
        )
        .optional(),
    })
    .default({}),
});

const ServersTransport = z.object({
  metadata: Meta,
  spec: z
    .object({
      forwardingTimeouts: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    })
    .default({}),
});

export const IngressRouteList = z.object({ items: z.array(IngressRoute) });
export const ServersTransportList = z.object({ items: z.array(ServersTransport) });

export function toIngressRoute(o: z.infer<typeof IngressRoute>, namespace: string): IngressRouteInfo {
  return {
    namespace: o.metadata.namespace ?? namespace,
    name: o.metadata.name,
    entryPoints: o.spec.entryPoints ?? [],
    routes: (o.spec.routes ?? []).map((r) => ({
      match: r.match,
      services: (r.services ?? [])
        .filter((s) => s.kind === undefined || s.kind === "Service")
        .map((s) => ({
          name: s.name,
          namespace: s.namespace ?? null,
          port: s.port ?? null,
          serversTransport: s.serversTransport ?? null,
        })),
    })),
  };
}

export function toServersTransport(
  o: z.infer<typeof ServersTransport>,
  namespace: string,
): ServersTransportInfo {
  const timeouts: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.spec.forwardingTimeouts ?? {})) timeouts[k] = String(v);
  return {
    namespace: o.metadata.namespace ?? namespace,
    name: o.metadata.name,
    forwardingTimeouts: timeouts,
  };
}

export function toIngressInfo(i: V1Ingress, namespace: string): IngressInfo {
  return {
    namespace: i.metadata?.namespace ?? namespace,
    name: i.metadata?.name ?? "",
    className: i.spec?.ingressClassName ?? null,
    annotations: { ...(i.metadata?.annotations ?? {}) },
    rules: (i.spec?.rules ?? []).map((r) => ({
      host: r.host ?? null,
      paths: (r.http?.paths ?? []).map((p) => ({
        path: p.path ?? "/",
        pathType: p.pathType,
        service: p.backend.service?.name ?? null,
        port: p.backend.service?.port?.number ?? p.backend.service?.port?.name ?? null,
      })),
    })),
  };
}
