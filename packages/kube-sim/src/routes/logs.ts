// GET pods/{name}/log: the container's log as the kubelet serves it, from the simulated rdev-api
// process (workload/app-log.ts): SSE connections opening and closing, commands starting, writing
// and finishing, periodic stats lines. PodLogOptions as the API server validates them (422) and
// the kubelet applies them: container, previous, sinceSeconds | sinceTime, tailLines (the last N
// lines of what since keeps), timestamps (RFC3339Nano prefix), limitBytes (the first N bytes of
// the selected output, possibly ending mid-line).
import type { Ctx, Reply } from "../http.ts";
import type { Pod } from "../manifests.ts";
import { badRequest, type FieldError, invalid, notFound } from "../status.ts";
import type { RouteEnv } from "./env.ts";

const POD_LOG_OPTIONS = { group: "", kind: "PodLogOptions" };

function intParam(ctx: Ctx, name: string): number | null {
  const raw = ctx.query.get(name);
  if (raw === null || raw === "") return null;
  if (!/^-?\d+$/.test(raw)) {
    throw badRequest(
      `couldn't parse "${raw}" as ${name}: strconv.ParseInt: parsing "${raw}": invalid syntax`,
    );
  }
  return Number(raw);
}

type LogOptions = {
  container: string | null;
  previous: boolean;
  sinceSeconds: number | null;
  sinceTimeMs: number | null;
  tailLines: number | null;
  limitBytes: number | null;
  timestamps: boolean;
};

/** Parses and validates PodLogOptions like the API server (ValidatePodLogOptions). */
export function logOptions(ctx: Ctx, name: string): LogOptions {
  const sinceTime = ctx.query.get("sinceTime");
  const sinceTimeMs = sinceTime ? Date.parse(sinceTime) : null;
  if (sinceTime && (sinceTimeMs === null || Number.isNaN(sinceTimeMs))) {
    throw badRequest(`parsing time "${sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
  }
  const o: LogOptions = {
    container: ctx.query.get("container") || null,
    previous: ctx.query.get("previous") === "true",
    sinceSeconds: intParam(ctx, "sinceSeconds"),
    sinceTimeMs,
    tailLines: intParam(ctx, "tailLines"),
    limitBytes: intParam(ctx, "limitBytes"),
    timestamps: ctx.query.get("timestamps") === "true",
  };
  const errs: FieldError[] = [];
  const bad = (field: string, value: number, detail: string) =>
    errs.push({ type: "FieldValueInvalid", field, value, detail });
  if (o.tailLines !== null && o.tailLines < 0)
    bad("tailLines", o.tailLines, "must be greater than or equal to 0");
  if (o.limitBytes !== null && o.limitBytes < 1) bad("limitBytes", o.limitBytes, "must be greater than 0");
  if (o.sinceSeconds !== null && o.sinceTimeMs !== null) {
    errs.push({
      type: "FieldValueForbidden",
      field: "",
      detail: "at most one of `sinceTime` or `sinceSeconds` may be specified",
    });
  } else if (o.sinceSeconds !== null && o.sinceSeconds < 1) {
    bad("sinceSeconds", o.sinceSeconds, "must be greater than 0");
  }
  if (errs.length > 0) throw invalid(POD_LOG_OPTIONS, name, errs);
  return o;
}

/** CRI log timestamps: RFC3339Nano, nanoseconds from the line's millisecond. */
const criTime = (t: number) => new Date(t).toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");

export function podLogs(ctx: Ctx, env: RouteEnv, namespace: string, name: string): Reply {
  const pod = env.world.store.get<Pod>("pods", namespace, name);
  if (!pod) throw notFound({ group: "", resource: "pods" }, name);
  const o = logOptions(ctx, name);
  const names = pod.spec.containers.map((c) => c.name);
  const wanted = o.container ?? (names.length === 1 ? names[0] : null);
  if (!wanted) {
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${names.join(" ")}]`,
    );
  }
  const rt = env.world.kubelet.pods.get(pod.metadata.uid)?.containers.find((c) => c.name === wanted);
  if (!rt) throw badRequest(`container ${wanted} is not valid for pod ${name}`);
  const app = o.previous ? rt.previousApp : rt.app;
  const from = o.previous ? rt.lastTerminated?.startedAtMs : rt.startedAtMs;
  const to = o.previous ? rt.lastTerminated?.finishedAtMs : ctx.now;
  if (!app || from === undefined || to === undefined) {
    throw badRequest(
      o.previous
        ? `previous terminated container "${wanted}" in pod "${name}" not found`
        : `container "${wanted}" in pod "${name}" is waiting to start: CrashLoopBackOff`,
    );
  }
  let start = from;
  if (o.sinceSeconds !== null) start = Math.max(from, ctx.now - o.sinceSeconds * 1000);
  if (o.sinceTimeMs !== null) start = Math.max(from, o.sinceTimeMs);
  const lines = start <= to ? app.logLines(start, to) : [];
  const picked = o.tailLines === null ? lines : lines.slice(Math.max(0, lines.length - o.tailLines));
  const text = picked.map(({ t, text }) => `${o.timestamps ? `${criTime(t)} ` : ""}${text}\n`).join("");
  const bytes = Buffer.from(text, "utf8");
  const body = o.limitBytes !== null && bytes.length > o.limitBytes ? bytes.subarray(0, o.limitBytes) : bytes;
  return { kind: "raw", status: 200, body, contentType: "text/plain" };
}
