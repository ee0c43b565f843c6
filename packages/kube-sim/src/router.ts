// Dispatches a request (already authenticated, past injected faults) to discovery or to the
// handler for its resource, subresource and verb.
import { discovery } from "./discovery.ts";
import { type Ctx, json, type Reply } from "./http.ts";
import { findResource, type ResourceDef, served } from "./resources.ts";
import { createDeployment, patchDeployment, replaceDeployment } from "./routes/deployments.ts";
import type { RouteEnv } from "./routes/env.ts";
import { podLogs } from "./routes/logs.ts";
import { nodeMetricsReply, podMetricsReply } from "./routes/metrics.ts";
import { createPdb, deletePdb } from "./routes/pdbs.ts";
import { deletePod, evictPod } from "./routes/pods.ts";
import { proxyToPod } from "./routes/proxy.ts";
import { listReply, objectReply } from "./routes/read.ts";
import { watchReply } from "./routes/watch.ts";
import { methodNotSupported, noSuchResource, notFound } from "./status.ts";

const TEXT_404: Reply = {
  kind: "raw",
  status: 404,
  body: "404 page not found\n",
  contentType: "text/plain; charset=utf-8",
};

function nonResource(ctx: Ctx, env: RouteEnv): Reply {
  const path = ctx.url.pathname;
  if (path === "/healthz" || path === "/livez" || path === "/readyz") {
    return { kind: "raw", status: 200, body: "ok", contentType: "text/plain; charset=utf-8" };
  }
  if (ctx.method !== "GET" && ctx.method !== "HEAD")
    throw methodNotSupported({ group: "", resource: "" }, ctx.method);
  const doc = discovery(path, {
    metricsApi: env.faults.metricsApi,
    traefikCrds: env.faults.traefikCrds,
    serverAddress: env.serverAddress,
  });
  if (doc !== null) return json(doc);
  if (path.startsWith("/api")) throw noSuchResource();
  return TEXT_404;
}

function read(ctx: Ctx, env: RouteEnv, def: ResourceDef, namespace: string | undefined, name: string): Reply {
  const { store } = env.world;
  if (ctx.info.verb === "watch") return watchReply(ctx, def, store, namespace, name);
  if (name) return objectReply(ctx, def, store.get(def.resource, namespace, name), name);
  return listReply(ctx, def, store.list(def.resource, namespace), store.resourceVersion);
}

export function route(ctx: Ctx, env: RouteEnv): Reply {
  const info = ctx.info;
  if (!info.isResourceRequest) return nonResource(ctx, env);
  const metricsGroup = info.apiGroup === "metrics.k8s.io";
  const def = findResource(info.apiGroup, info.apiVersion, info.resource);
  if (!def || !served(def, env.faults)) throw noSuchResource();
  if (def.namespaced === false && info.namespace) throw noSuchResource();
  const ns = def.namespaced ? info.namespace || undefined : undefined;
  if (def.namespaced && ns === undefined && info.name) throw noSuchResource();
  const gr = { group: def.group, resource: def.resource };
  const { verb, name, subresource } = info;

  if (metricsGroup) {
    if (verb !== "get" && verb !== "list") throw methodNotSupported(gr, verb);
    return def.resource === "pods"
      ? podMetricsReply(ctx, env.world, ns, name)
      : nodeMetricsReply(ctx, env.world, name);
  }

  if (subresource) {
    const key = `${def.resource}/${subresource}`;
    if (key === "pods/proxy") return proxyToPod(ctx, env, ns ?? "", name);
    if (key === "pods/log" && verb === "get") return podLogs(ctx, env, ns ?? "", name);
    if (key === "pods/eviction" && verb === "create") return evictPod(ctx, env, ns ?? "", name);
    if ((key === "pods/status" || key === "deployments/status") && verb === "get") {
      return objectReply(ctx, def, env.world.store.get(def.resource, ns, name), name);
    }
    if (key === "pods/eviction" || key === "pods/status" || key === "deployments/status") {
      throw methodNotSupported({ group: def.group, resource: key }, verb);
    }
    throw noSuchResource();
  }

  if (verb === "get" || verb === "list" || verb === "watch") return read(ctx, env, def, ns, name);
  const supported = def.verbs.includes(verb);
  if (!supported) throw methodNotSupported(gr, verb);
  if (ns !== undefined && verb === "create" && !env.world.store.get("namespaces", undefined, ns)) {
    throw notFound({ group: "", resource: "namespaces" }, ns);
  }
  switch (`${def.resource} ${verb}`) {
    case "pods delete":
      return deletePod(ctx, env, ns ?? "", name);
    case "deployments patch":
      return patchDeployment(ctx, env, ns ?? "", name);
    case "deployments update":
      return replaceDeployment(ctx, env, ns ?? "", name);
    case "deployments create":
      return createDeployment(ctx, env, ns ?? "");
    case "poddisruptionbudgets create":
      return createPdb(ctx, env, ns ?? "");
    case "poddisruptionbudgets delete":
      return deletePdb(ctx, env, ns ?? "", name);
    default:
      throw methodNotSupported(gr, verb);
  }
}
