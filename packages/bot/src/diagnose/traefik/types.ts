// What the Traefik routes in front of the workload say about its SSE streams (JSON-serialisable).

export type TraefikTimeout = {
  /** ServersTransport spec.forwardingTimeouts field, e.g. "idleConnTimeout". */
  field: string;
  value: string;
  /** "set" on the object; "default": Traefik's default because the field (or the transport) is absent. */
  source: "set" | "default";
  /** What the timeout ends, in a few words. */
  bounds: string;
};

export type TraefikRoute = {
  kind: "IngressRoute" | "Ingress";
  name: string;
  /** The rule: an IngressRoute match, or host + path of an Ingress rule. */
  rule: string;
  /** Empty: every entry point (Traefik's default). */
  entryPoints: string[];
  /** Index of the route and the service in an IngressRoute (for the exact field to change). */
  at: { route: number; service: number } | null;
  /** null: Traefik's default transport (default@internal, from its static configuration). */
  transport: { name: string; found: boolean } | null;
  timeouts: TraefikTimeout[];
  /** The route the SSE streams take (its path rule matches the streams' path in the log). */
  carriesSse: boolean;
};

export type TraefikFix = {
  /** "ServersTransport rdev/rdev-api-sse", "Traefik static configuration, entry point websecure". */
  object: string;
  field: string;
  value: string;
  why: string;
  /** Manifest-style YAML to apply. */
  yaml: string;
  kubectl: string | null;
};

export type TraefikReport = {
  /** "read": routes found; "no-routes": none sends to the workload; "unavailable": nothing could be read. */
  status: "read" | "no-routes" | "unavailable";
  routes: TraefikRoute[];
  ssePath: string | null;
  /** Idle keep-alive connections to the pods are never closed (idleConnTimeout 0s); null: unknown. */
  idleConnectionsForever: boolean | null;
  /** No timeout readable here ends an SSE stream once its headers are sent. */
  streamsUnbounded: boolean;
  verdict: string;
  fixes: TraefikFix[];
  notes: string[];
};
