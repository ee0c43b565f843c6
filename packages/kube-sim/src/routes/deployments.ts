// PATCH (JSON patch, merge patch, strategic merge patch), PUT and POST for apps/v1 Deployments:
// the same decode → default → validate → store pipeline as the API server, with its errors.
import { defaultDeploymentSpec } from "../defaults.ts";
import { type Ctx, json, jsonBody, type Reply } from "../http.ts";
import { applyJsonPatch, applyMergePatch, PatchError, parseJsonPatch } from "../json-patch.ts";
import { type Deployment, isoTime } from "../manifests.ts";
import {
  alreadyExists,
  badRequest,
  conflict,
  failure,
  invalid,
  notFound,
  unprocessablePatch,
} from "../status.ts";
import { applyStrategicMergePatch, StrategicMergeError } from "../strategic-merge.ts";
import { canonicalizeResources, validateDeployment } from "../validation.ts";
import type { RouteEnv } from "./env.ts";

const GR = { group: "apps", resource: "deployments" };
const KIND = { group: "apps", kind: "Deployment" };
const PATCH_TYPES =
  "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json";

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function patched(ctx: Ctx, current: Deployment): unknown {
  const type = ctx.contentType.split(";")[0]?.trim() ?? "";
  const body = jsonBody(ctx);
  try {
    if (type === "application/json-patch+json") {
      let ops: ReturnType<typeof parseJsonPatch>;
      try {
        ops = parseJsonPatch(body);
      } catch (err) {
        throw badRequest((err as Error).message);
      }
      return applyJsonPatch(current, ops);
    }
    if (type === "application/merge-patch+json") {
      if (!isObject(body))
        throw badRequest("json: cannot unmarshal array into Go value of type map[string]interface {}");
      return applyMergePatch(current, body);
    }
    if (type === "application/strategic-merge-patch+json") return applyStrategicMergePatch(current, body);
  } catch (err) {
    if (err instanceof PatchError) throw unprocessablePatch(err.message);
    if (err instanceof StrategicMergeError) throw badRequest(err.message);
    throw err;
  }
  throw failure(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES}`,
  );
}

/** Validates, defaults and stores `next` as the new version of `current`; returns the reply. */
function commit(ctx: Ctx, env: RouteEnv, current: Deployment, candidate: unknown): Reply {
  const name = current.metadata.name;
  if (!isObject(candidate) || !isObject(candidate.metadata))
    throw invalid(KIND, name, [{ type: "FieldValueRequired", field: "metadata" }]);
  const next = structuredClone(candidate) as Deployment;
  if (next.metadata.name !== undefined && next.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  if (next.metadata.namespace !== undefined && next.metadata.namespace !== current.metadata.namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  if (next.metadata.uid && next.metadata.uid !== current.metadata.uid) {
    throw conflict(
      GR,
      name,
      `Precondition failed: UID in precondition: ${next.metadata.uid}, UID in object meta: ${current.metadata.uid}`,
    );
  }
  if (next.metadata.resourceVersion && next.metadata.resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(
      GR,
      name,
      "the object has been modified; please apply your changes to the latest version and try again",
    );
  }
  const errs = validateDeployment(next, current);
  if (errs.length > 0) throw invalid(KIND, name, errs);
  const defaulted = defaultDeploymentSpec(next);
  canonicalizeResources(defaulted);
  const specChanged = JSON.stringify(defaulted.spec) !== JSON.stringify(current.spec);
  const result: Deployment = {
    ...defaulted,
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      ...defaulted.metadata,
      name,
      namespace: current.metadata.namespace,
      uid: current.metadata.uid,
      resourceVersion: current.metadata.resourceVersion,
      creationTimestamp: current.metadata.creationTimestamp,
      generation: (current.metadata.generation ?? 1) + (specChanged ? 1 : 0),
    },
    status: current.status,
  };
  if (JSON.stringify(result) === JSON.stringify(current)) return json(current);
  if (ctx.query.getAll("dryRun").includes("All")) return json(result);
  env.world.store.update("deployments", result);
  env.world.markDirty();
  env.world.sync();
  return json(env.world.store.get<Deployment>("deployments", current.metadata.namespace, name) ?? result);
}

export function patchDeployment(ctx: Ctx, env: RouteEnv, namespace: string, name: string): Reply {
  const current = env.world.store.get<Deployment>("deployments", namespace, name);
  if (!current) throw notFound(GR, name);
  return commit(ctx, env, current, patched(ctx, current));
}

export function replaceDeployment(ctx: Ctx, env: RouteEnv, namespace: string, name: string): Reply {
  const current = env.world.store.get<Deployment>("deployments", namespace, name);
  if (!current) throw notFound(GR, name);
  const body = jsonBody(ctx);
  if (isObject(body) && isObject(body.metadata) && !body.metadata.resourceVersion) {
    // Deployments allow unconditional updates: a missing resourceVersion means "whatever is there".
    body.metadata.resourceVersion = current.metadata.resourceVersion;
  }
  return commit(ctx, env, current, body);
}

export function createDeployment(ctx: Ctx, env: RouteEnv, namespace: string): Reply {
  const body = jsonBody(ctx);
  if (!isObject(body) || !isObject(body.metadata))
    throw badRequest("Object 'metadata' is missing in the request body");
  const d = structuredClone(body) as Deployment;
  const name = d.metadata.name;
  if (!name)
    throw invalid(KIND, "", [
      { type: "FieldValueRequired", field: "metadata.name", detail: "name or generateName is required" },
    ]);
  if (env.world.store.get("deployments", namespace, name)) throw alreadyExists(GR, name);
  if (!env.world.store.get("namespaces", undefined, namespace))
    throw notFound({ group: "", resource: "namespaces" }, namespace);
  const errs = validateDeployment(d);
  if (errs.length > 0) throw invalid(KIND, name, errs);
  const defaulted = defaultDeploymentSpec(d);
  canonicalizeResources(defaulted);
  const created: Deployment = {
    ...defaulted,
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      ...defaulted.metadata,
      namespace,
      uid: env.world.newUid(),
      resourceVersion: "",
      generation: 1,
      creationTimestamp: isoTime(ctx.now),
    },
    status: {},
  };
  if (ctx.query.getAll("dryRun").includes("All")) return json(created, 201);
  env.world.store.create("deployments", created);
  env.world.markDirty();
  env.world.sync();
  return json(env.world.store.get("deployments", namespace, name) ?? created, 201);
}
