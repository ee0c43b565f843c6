// The Traefik finding: the timeouts that apply to the workload's SSE route, whether idle
// connections and open streams can live forever, and the exact object and field to change, with
// the YAML to apply. Reads that failed (CRDs not installed: 404; RBAC: 403) become notes. Pure.
import { KubeError } from "../../k8s/errors.ts";
import type { IngressInfo, IngressRouteInfo, ServersTransportInfo } from "../../k8s/types.ts";
import { describeFailure } from "../failure.ts";
import { formatDuration } from "../format.ts";
import type { Settled } from "../limit.ts";
import { durationMs, routesToService } from "./routes.ts";
import type { TraefikFix, TraefikReport, TraefikRoute } from "./types.ts";

export type TraefikInput = {
  namespace: string;
  service: string;
  ingresses: Settled<IngressInfo[]>;
  ingressRoutes: Settled<IngressRouteInfo[]>;
  transports: Settled<ServersTransportInfo[]>;
  /** The SSE streams' path, from the log (null when the log was not read). */
  ssePath: string | null;
  /** The longest normal stream that closed in the log: a writeTimeout must not cut those. */
  longestStreamMs: number | null;
};

const LADDER_MS = [10, 15, 30, 60, 120, 240].map((m) => m * 60_000);

/** A writeTimeout that leaves every normal stream seen in the log alone: 10m, 15m, 30m, 1h, 2h, 4h. */
export function proposedWriteTimeout(longestStreamMs: number | null): string {
  const need = longestStreamMs ?? 60 * 60_000;
  const ms = LADDER_MS.find((l) => l >= need) ?? LADDER_MS[LADDER_MS.length - 1] ?? 3_600_000;
  return ms >= 3_600_000 ? `${ms / 3_600_000}h` : `${ms / 60_000}m`;
}

function readNote(what: string, r: Settled<unknown>, rbac: string): string | null {
  if (r.ok) return null;
  const e = r.error;
  if (e instanceof KubeError && e.code === "not_found")
    return `${what}: not served by this cluster (Traefik's CRDs are not installed).`;
  if (e instanceof KubeError && e.code === "forbidden")
    return `${what}: forbidden; grant ${rbac} in the worker's Role (manifests/base/rbac.yaml).`;
  return `${what} not read: ${describeFailure(e)}`;
}

function transportYaml(namespace: string, name: string, timeouts: Record<string, string>): string {
  const lines = Object.entries(timeouts).map(([k, v]) => `    ${k}: ${v}`);
  return [
    "apiVersion: traefik.io/v1alpha1",
    "kind: ServersTransport",
    "metadata:",
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    "spec:",
    "  forwardingTimeouts:",
    ...lines,
  ].join("\n");
}

function fixesFor(route: TraefikRoute | null, input: TraefikInput, sse: TraefikRoute[]): TraefikFix[] {
  const fixes: TraefikFix[] = [];
  const ns = input.namespace;
  const idle = route?.timeouts.find((t) => t.field === "idleConnTimeout");
  const header = route?.timeouts.find((t) => t.field === "responseHeaderTimeout");
  const wanted = { responseHeaderTimeout: "30s", idleConnTimeout: "90s" };
  if (
    route?.transport?.found &&
    (durationMs(idle?.value ?? "90s") === 0 || (header?.source === "set" && durationMs(header.value) === 0))
  ) {
    const name = route.transport.name;
    fixes.push({
      object: `ServersTransport ${ns}/${name}`,
      field: "spec.forwardingTimeouts.idleConnTimeout",
      value: wanted.idleConnTimeout,
      why: `0s means idle connections to the pods are never closed; ${wanted.idleConnTimeout} is Traefik's default (responseHeaderTimeout ${wanted.responseHeaderTimeout} stops pods that never answer).`,
      yaml: transportYaml(ns, name, wanted),
      kubectl: `kubectl -n ${ns} patch serverstransports.traefik.io ${name} --type=merge -p '{"spec":{"forwardingTimeouts":${JSON.stringify(wanted)}}}'`,
    });
  } else if (route?.kind === "IngressRoute" && route.transport === null && route.at) {
    const name = `${input.service}-sse`;
    fixes.push({
      object: `IngressRoute ${ns}/${route.name}`,
      field: `spec.routes[${route.at.route}].services[${route.at.service}].serversTransport`,
      value: name,
      why: "the SSE route uses Traefik's default transport (static configuration); a ServersTransport of its own makes its timeouts visible and per-service.",
      yaml: `${transportYaml(ns, name, wanted)}\n---\n# in IngressRoute ${route.name}, spec.routes[${route.at.route}].services[${route.at.service}]:\nserversTransport: ${name}`,
      kubectl: null,
    });
  }
  const eps = [...new Set(sse.flatMap((r) => r.entryPoints))];
  const ep = eps[0] ?? "websecure";
  const write = proposedWriteTimeout(input.longestStreamMs);
  const seen =
    input.longestStreamMs !== null
      ? `the longest normal stream in the log lasted ${formatDuration(input.longestStreamMs)}`
      : "no normal stream duration was read";
  fixes.push({
    object: `Traefik static configuration, entry point ${ep}${eps.length > 1 ? ` (also ${eps.slice(1).join(", ")})` : ""}`,
    field: `entryPoints.${ep}.transport.respondingTimeouts.writeTimeout`,
    value: write,
    why: `the only Traefik timeout that ends an open SSE stream (default 0s: never); ${seen}, so ${write} ends stuck streams without cutting normal ones. It applies to every response on ${ep}; EventSource clients reconnect.`,
    yaml: [
      "# Traefik static configuration (traefik.yml), or Helm values ports." +
        ep +
        ".transport.respondingTimeouts",
      "entryPoints:",
      `  ${ep}:`,
      "    transport:",
      "      respondingTimeouts:",
      `        writeTimeout: ${write}`,
    ].join("\n"),
    kubectl: null,
  });
  return fixes;
}

export function analyseTraefik(input: TraefikInput): TraefikReport {
  const notes = [
    readNote("Ingresses", input.ingresses, 'list on "ingresses" (networking.k8s.io)'),
    readNote("IngressRoutes (traefik.io)", input.ingressRoutes, 'list on "ingressroutes" (traefik.io)'),
    readNote("ServersTransports (traefik.io)", input.transports, 'list on "serverstransports" (traefik.io)'),
  ].filter((n): n is string => n !== null);
  const nothingRead = !input.ingresses.ok && !input.ingressRoutes.ok;
  const { routes, notes: routeNotes } = routesToService({
    namespace: input.namespace,
    service: input.service,
    ingresses: input.ingresses.ok ? input.ingresses.value : [],
    ingressRoutes: input.ingressRoutes.ok ? input.ingressRoutes.value : [],
    transports: input.transports.ok ? input.transports.value : [],
    ssePath: input.ssePath,
  });
  notes.push(...routeNotes);
  const base = { routes, ssePath: input.ssePath, notes };
  if (routes.length === 0) {
    return {
      ...base,
      status: nothingRead ? "unavailable" : "no-routes",
      idleConnectionsForever: null,
      streamsUnbounded: true,
      verdict: nothingRead
        ? "Traefik's routes could not be read; see the notes."
        : `No Traefik route (Ingress or IngressRoute) in ${input.namespace} sends to Service ${input.service}.`,
      fixes: [],
    };
  }
  const sse = routes.filter((r) => r.carriesSse);
  const lead = sse[0] ?? null;
  const considered = sse.length > 0 ? sse : routes;
  const idleZero = considered.some(
    (r) => durationMs(r.timeouts.find((t) => t.field === "idleConnTimeout")?.value ?? "90s") === 0,
  );
  const unknownTransport = considered.some((r) => r.transport !== null && !r.transport.found);
  const where = lead
    ? `${lead.kind} ${lead.name} (${lead.rule})`
    : `${routes.length} route(s) to ${input.service} (the SSE path is unknown)`;
  const via = lead?.transport ? `ServersTransport ${lead.transport.name}` : "Traefik's default transport";
  const idleText = idleZero
    ? "idle connections to the pods are never closed (idleConnTimeout 0s)"
    : unknownTransport
      ? "the transport's idle timeout is unknown"
      : "idle connections to the pods close after idleConnTimeout";
  return {
    ...base,
    status: "read",
    idleConnectionsForever: idleZero ? true : unknownTransport ? null : false,
    streamsUnbounded: true,
    verdict: `SSE streams take ${where} via ${via}: ${idleText}, and no timeout readable in the cluster ends an open stream (responseHeaderTimeout stops at the first headers; the entry point's writeTimeout, default 0s, is static configuration). Stuck SSE connections can live forever.`,
    fixes: fixesFor(lead, input, considered),
  };
}
