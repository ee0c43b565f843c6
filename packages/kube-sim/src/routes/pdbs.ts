// POST and DELETE for policy/v1 PodDisruptionBudgets (get/list/watch are generic).
import { type Ctx, json, jsonBody, type Reply } from "../http.ts";
import { isoTime, type PodDisruptionBudget } from "../manifests.ts";
import { computePdbStatus } from "../pdb.ts";
import { alreadyExists, badRequest, invalid, notFound, successStatus } from "../status.ts";
import { validatePdb } from "../validation.ts";
import type { RouteEnv } from "./env.ts";

const GR = { group: "policy", resource: "poddisruptionbudgets" };

export function createPdb(ctx: Ctx, env: RouteEnv, namespace: string): Reply {
  const body = jsonBody(ctx) as PodDisruptionBudget | null;
  if (!body || typeof body !== "object" || !body.metadata)
    throw badRequest("Object 'metadata' is missing in the request body");
  const name = body.metadata.name;
  if (!name)
    throw invalid({ group: "policy", kind: "PodDisruptionBudget" }, "", [
      { type: "FieldValueRequired", field: "metadata.name", detail: "name or generateName is required" },
    ]);
  if (env.world.store.get(GR.resource, namespace, name)) throw alreadyExists(GR, name);
  if (!env.world.store.get("namespaces", undefined, namespace))
    throw notFound({ group: "", resource: "namespaces" }, namespace);
  const errs = validatePdb(body);
  if (errs.length > 0) throw invalid({ group: "policy", kind: "PodDisruptionBudget" }, name, errs);
  const pdb: PodDisruptionBudget = {
    ...structuredClone(body),
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: {
      ...body.metadata,
      namespace,
      uid: env.world.newUid(),
      resourceVersion: "",
      generation: 1,
      creationTimestamp: isoTime(ctx.now),
    },
    spec: { ...body.spec },
  };
  pdb.status = computePdbStatus(env.world, pdb);
  if (ctx.query.getAll("dryRun").includes("All")) return json(pdb, 201);
  env.world.store.create(GR.resource, pdb);
  env.world.markDirty();
  env.world.sync();
  return json(env.world.store.get(GR.resource, namespace, name) ?? pdb, 201);
}

export function deletePdb(ctx: Ctx, env: RouteEnv, namespace: string, name: string): Reply {
  const pdb = env.world.store.get<PodDisruptionBudget>(GR.resource, namespace, name);
  if (!pdb) throw notFound(GR, name);
  if (!ctx.query.getAll("dryRun").includes("All")) env.world.store.delete(GR.resource, namespace, name);
  return json({
    ...successStatus(200),
    details: { name, group: GR.group, kind: GR.resource, uid: pdb.metadata.uid },
  });
}
