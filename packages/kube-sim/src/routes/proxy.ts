// GET /api/v1/namespaces/{ns}/pods/{name}[:{port}]/proxy/{path}: the API server's pod proxy,
// forwarding to the simulated rdev-api process in the pod's container listening on that port.
import type { Ctx, Reply } from "../http.ts";
import type { Pod } from "../manifests.ts";
import { containerReady } from "../pod-status.ts";
import { badRequest, notFound, serviceUnavailable } from "../status.ts";
import type { RouteEnv } from "./env.ts";

const TEXT = "text/plain; charset=utf-8";

/** "name", "name:port" or "scheme:name:port" as the proxy subresource accepts them. */
export function parseProxyTarget(target: string): { name: string; port: string; scheme: string } {
  const parts = target.split(":");
  if (parts.length === 3) return { scheme: parts[0] ?? "", name: parts[1] ?? "", port: parts[2] ?? "" };
  if (parts.length === 2) return { scheme: "", name: parts[0] ?? "", port: parts[1] ?? "" };
  if (parts.length === 1) return { scheme: "", name: target, port: "" };
  throw badRequest(`invalid pod proxy target "${target}"`);
}

const PPROF_INDEX = `<html>
<head><title>/debug/pprof/</title></head>
<body>
/debug/pprof/<br>
<br>
Types of profiles available:
<table>
<thead><td>Count</td><td>Profile</td></thead>
<tr><td>1</td><td><a href='heap?debug=1'>heap</a></td></tr>
</table>
</body>
</html>
`;

export function proxyToPod(ctx: Ctx, env: RouteEnv, namespace: string, target: string): Reply {
  const { name, port: portText, scheme } = parseProxyTarget(target);
  const pod = env.world.store.get<Pod>("pods", namespace, name);
  if (!pod) throw notFound({ group: "", resource: "pods" }, name);
  const runtime = env.world.kubelet.pods.get(pod.metadata.uid);
  const named = pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === portText);
  const port = portText === "" ? 80 : named ? named.containerPort : Number(portText);
  const ip = pod.status.podIP ?? "";
  const container = runtime?.containers.find((c) => c.ports.includes(port));
  if (container?.state !== "running" || !container.app || scheme === "https") {
    const why =
      scheme === "https"
        ? "tls: first record does not look like a TLS handshake"
        : "connect: connection refused";
    throw serviceUnavailable(`error trying to reach service: dial tcp ${ip}:${port}: ${why}`);
  }
  const marker = ctx.url.pathname.indexOf("/proxy");
  const path = ctx.url.pathname.slice(marker + "/proxy".length) || "/";
  const app = container.app;
  const now = Math.max(ctx.now, container.startedAtMs);
  if (ctx.method !== "GET" && ctx.method !== "HEAD") {
    return { kind: "raw", status: 405, body: "Method Not Allowed\n", contentType: TEXT };
  }
  switch (path) {
    case "/metrics":
      return {
        kind: "raw",
        status: 200,
        body: app.metricsText(now),
        contentType: "text/plain; version=0.0.4; charset=utf-8; escaping=underscores",
      };
    case "/ready":
      return containerReady(container, now)
        ? { kind: "raw", status: 200, body: "ok", contentType: TEXT }
        : { kind: "raw", status: 503, body: "not ready", contentType: TEXT };
    case "/debug/pprof/heap":
      return {
        kind: "raw",
        status: 200,
        body: app.heapProfile(now),
        contentType: "application/octet-stream",
        headers: {
          "Content-Disposition": 'attachment; filename="heap"',
          "X-Content-Type-Options": "nosniff",
        },
      };
    case "/debug/pprof/":
      return { kind: "raw", status: 200, body: PPROF_INDEX, contentType: "text/html; charset=utf-8" };
    default:
      return { kind: "raw", status: 404, body: "404 page not found\n", contentType: TEXT };
  }
}
