// GET pods/{name}/log: the container's log, synthesised from the simulated process (the workload
// has no log contract): a start line, then every 15 s a Go slog-style line with the SSE and command
// gauges the app exports, so the runbook's `kubectl logs -l app=rdev-api | grep "SSE connection"`
// has something true to show. Honours container, tailLines, sinceSeconds, timestamps, previous.
import type { Ctx, Reply } from "../http.ts";
import type { Pod } from "../manifests.ts";
import { badRequest, notFound } from "../status.ts";
import type { AppProcess } from "../workload/types.ts";
import { RDEV_METRICS } from "../workload/types.ts";
import type { RouteEnv } from "./env.ts";

const EVERY_MS = 15_000;
const MAX_LINES = 5000;

function gauge(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)`, "m").exec(text);
  return m?.[1] ? Math.round(Number(m[1])) : 0;
}

function lineAt(app: AppProcess, t: number): string {
  const text = app.metricsText(t);
  const sse = gauge(text, RDEV_METRICS.sseConnections);
  const commands = gauge(text, RDEV_METRICS.commandsActive);
  const buffered = gauge(text, RDEV_METRICS.outputBuffered);
  return `level=INFO msg="SSE connection stats" active=${sse} commands_active=${commands} output_buffered_bytes=${buffered}`;
}

export function podLogs(ctx: Ctx, env: RouteEnv, namespace: string, name: string): Reply {
  const pod = env.world.store.get<Pod>("pods", namespace, name);
  if (!pod) throw notFound({ group: "", resource: "pods" }, name);
  const names = pod.spec.containers.map((c) => c.name);
  const wanted = ctx.query.get("container") ?? (names.length === 1 ? names[0] : null);
  if (!wanted) {
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${names.join(" ")}]`,
    );
  }
  const rt = env.world.kubelet.pods.get(pod.metadata.uid)?.containers.find((c) => c.name === wanted);
  if (!rt) throw badRequest(`container ${wanted} is not valid for pod ${name}`);
  const previous = ctx.query.get("previous") === "true";
  const app = previous ? rt.previousApp : rt.app;
  const from = previous ? rt.lastTerminated?.startedAtMs : rt.startedAtMs;
  const to = previous ? rt.lastTerminated?.finishedAtMs : ctx.now;
  if (!app || from === undefined || to === undefined) {
    throw badRequest(
      previous
        ? `previous terminated container "${wanted}" in pod "${name}" not found`
        : `container "${wanted}" in pod "${name}" is waiting to start: CrashLoopBackOff`,
    );
  }
  const since = Number(ctx.query.get("sinceSeconds") ?? "0");
  const start = since > 0 ? Math.max(from, to - since * 1000) : from;
  const tail = ctx.query.has("tailLines") ? Math.max(0, Number(ctx.query.get("tailLines"))) : MAX_LINES;
  const lines: { t: number; text: string }[] = [];
  if (start === from)
    lines.push({
      t: from,
      text: `level=INFO msg="rdev-api starting" addr=:8080 cache_ttl=${rt.env.CACHE_TTL ?? "5m"}`,
    });
  for (let t = from + EVERY_MS; t <= to; t += EVERY_MS) if (t >= start) lines.push({ t, text: "" });
  const picked = lines.slice(Math.max(0, lines.length - Math.min(tail, MAX_LINES)));
  const stamps = ctx.query.get("timestamps") === "true";
  const body = picked
    .map(({ t, text }) => {
      const iso = new Date(t).toISOString();
      const line = `time=${iso} ${text || lineAt(app, t)}`;
      return stamps ? `${iso} ${line}` : line;
    })
    .join("\n");
  return { kind: "raw", status: 200, body: body ? `${body}\n` : "", contentType: "text/plain" };
}
