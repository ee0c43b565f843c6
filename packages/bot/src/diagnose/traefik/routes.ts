// The routes that send traffic to the workload's Service, from Ingresses (Traefik's annotations)
// and IngressRoutes, each with the ServersTransport timeouts that apply and whether it carries the
// SSE streams (its path rule is the longest that matches the streams' path from the log). Pure.

import type { IngressInfo, IngressRouteInfo, ServersTransportInfo } from "../../k8s/types.ts";
import { parseGoDuration } from "../../units/duration.ts";
import type { TraefikRoute, TraefikTimeout } from "./types.ts";

export const ENTRYPOINTS_ANNOTATION = "traefik.ingress.kubernetes.io/router.entrypoints";

/** Traefik's forwardingTimeouts defaults and what each one ends. */
export const FORWARDING_TIMEOUTS = [
  { field: "dialTimeout", default: "30s", bounds: "connecting to a pod" },
  {
    field: "responseHeaderTimeout",
    default: "0s",
    bounds: "waiting for response headers, not an open stream",
  },
  { field: "idleConnTimeout", default: "90s", bounds: "idle keep-alive connections to the pods" },
  { field: "readIdleTimeout", default: "0s", bounds: "HTTP/2 health pings to the pods" },
  { field: "pingTimeout", default: "15s", bounds: "an HTTP/2 ping's answer" },
] as const;

/**
 * A Traefik duration to ms: plain seconds ("90") or a Go duration ("90s", "1m30s", "0s"), as
 * Traefik's ptypes.Duration reads it (the one Go parser, packages/bot/src/units/duration.ts); null when unreadable.
 */
export function durationMs(value: string): number | null {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  return parseGoDuration(value.trim());
}

/** PathPrefix(`/x`) and Path(`/x`) of a Traefik rule, with how they match. */
function pathRules(match: string): { path: string; prefix: boolean }[] {
  const out: { path: string; prefix: boolean }[] = [];
  for (const m of match.matchAll(/\b(PathPrefix|Path)\(\s*[`"]([^`"]+)[`"]\s*\)/g)) {
    out.push({ path: m[2] ?? "", prefix: m[1] === "PathPrefix" });
  }
  return out;
}

/** How specific a match of `path` is: the rule's length, or -1 when it does not match. */
function matchLength(rules: { path: string; prefix: boolean }[], path: string): number {
  if (rules.length === 0) return 0;
  let best = -1;
  for (const r of rules) {
    const ok = r.prefix
      ? path === r.path || path.startsWith(r.path.endsWith("/") ? r.path : `${r.path}/`) || r.path === "/"
      : path === r.path;
    if (ok) best = Math.max(best, r.path.length);
  }
  return best;
}

function timeoutsOf(transport: ServersTransportInfo | undefined): TraefikTimeout[] {
  return FORWARDING_TIMEOUTS.filter(
    (t) =>
      transport?.forwardingTimeouts[t.field] !== undefined ||
      t.field === "dialTimeout" ||
      t.field === "responseHeaderTimeout" ||
      t.field === "idleConnTimeout",
  ).map((t) => {
    const set = transport?.forwardingTimeouts[t.field];
    return {
      field: t.field,
      value: set ?? t.default,
      source: set === undefined ? "default" : "set",
      bounds: t.bounds,
    };
  });
}

type Candidate = TraefikRoute & { rules: { path: string; prefix: boolean }[] };

export function routesToService(input: {
  namespace: string;
  service: string;
  ingresses: IngressInfo[];
  ingressRoutes: IngressRouteInfo[];
  transports: ServersTransportInfo[];
  ssePath: string | null;
}): { routes: TraefikRoute[]; notes: string[] } {
  const notes: string[] = [];
  const candidates: Candidate[] = [];
  for (const ir of input.ingressRoutes) {
    ir.routes.forEach((r, ri) => {
      r.services.forEach((s, si) => {
        if (s.name !== input.service || (s.namespace !== null && s.namespace !== input.namespace)) return;
        let transport: TraefikRoute["transport"] = null;
        let found: ServersTransportInfo | undefined;
        if (s.serversTransport) {
          const name = s.serversTransport;
          found = input.transports.find((t) => t.name === name && t.namespace === input.namespace);
          transport = { name, found: found !== undefined };
          if (!found)
            notes.push(
              `IngressRoute ${ir.name} names ServersTransport "${name}", which is not in namespace ${input.namespace} (another namespace or provider: not read).`,
            );
        }
        candidates.push({
          kind: "IngressRoute",
          name: ir.name,
          rule: r.match,
          entryPoints: ir.entryPoints,
          at: { route: ri, service: si },
          transport,
          timeouts: transport && !found ? [] : timeoutsOf(found),
          carriesSse: false,
          rules: pathRules(r.match),
        });
      });
    });
  }
  for (const ing of input.ingresses) {
    const traefik =
      ing.className === "traefik" ||
      Object.keys(ing.annotations).some((a) => a.startsWith("traefik.ingress.kubernetes.io/"));
    if (!traefik) continue;
    const eps = (ing.annotations[ENTRYPOINTS_ANNOTATION] ?? "")
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean);
    for (const rule of ing.rules) {
      for (const p of rule.paths) {
        if (p.service !== input.service) continue;
        candidates.push({
          kind: "Ingress",
          name: ing.name,
          rule: `${rule.host ?? "*"}${p.path} (${p.pathType})`,
          entryPoints: eps,
          at: null,
          transport: null,
          timeouts: timeoutsOf(undefined),
          carriesSse: false,
          rules: [{ path: p.path, prefix: p.pathType !== "Exact" }],
        });
      }
    }
    notes.push(
      `Ingress ${ing.name}: a ServersTransport for it is set on the Service (annotation traefik.ingress.kubernetes.io/service.serverstransport), which is not read; Traefik's default transport is assumed.`,
    );
  }
  if (input.ssePath !== null && candidates.length > 0) {
    const path = input.ssePath;
    const best = Math.max(...candidates.map((c) => matchLength(c.rules, path)));
    if (best >= 0) for (const c of candidates) c.carriesSse = matchLength(c.rules, path) === best;
  }
  return { routes: candidates.map(({ rules: _r, ...route }) => route), notes };
}
