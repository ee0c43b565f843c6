// DELETE pods/{name} (with preconditions and grace period) and POST pods/{name}/eviction
// (policy/v1 Eviction honouring PodDisruptionBudgets).
import { type Ctx, json, jsonBody, type Reply } from "../http.ts";
import { isoTime, type Pod } from "../manifests.ts";
import { evictionVerdict } from "../pdb.ts";
import { badRequest, conflict, internalError, notFound, successStatus, tooManyRequests } from "../status.ts";
import type { RouteEnv } from "./env.ts";

const PODS = { group: "", resource: "pods" };

type DeleteOptions = {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
};

function deleteOptions(ctx: Ctx): DeleteOptions {
  const fromBody = ctx.raw.length > 0 ? (jsonBody(ctx) as DeleteOptions | null) : null;
  const opts: DeleteOptions = { ...(fromBody ?? {}) };
  const grace = ctx.query.get("gracePeriodSeconds");
  if (grace !== null) {
    if (!/^-?\d+$/.test(grace)) throw badRequest(`invalid gracePeriodSeconds: ${grace}`);
    opts.gracePeriodSeconds = Number(grace);
  }
  if (ctx.query.getAll("dryRun").length > 0) opts.dryRun = ctx.query.getAll("dryRun");
  return opts;
}

/** 409 when the pod is not the one the caller meant (a replacement with the same name, or changed). */
export function checkPreconditions(pod: Pod, pre: DeleteOptions["preconditions"]): void {
  if (pre?.uid && pre.uid !== pod.metadata.uid) {
    throw conflict(
      PODS,
      pod.metadata.name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${pod.metadata.uid}`,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== pod.metadata.resourceVersion) {
    throw conflict(
      PODS,
      pod.metadata.name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${pod.metadata.resourceVersion}`,
    );
  }
}

export function deletePod(ctx: Ctx, env: RouteEnv, namespace: string, name: string): Reply {
  const { world } = env;
  const pod = world.store.get<Pod>("pods", namespace, name);
  if (!pod) throw notFound(PODS, name);
  const opts = deleteOptions(ctx);
  checkPreconditions(pod, opts.preconditions);
  const grace = Math.max(0, opts.gracePeriodSeconds ?? Number(pod.spec.terminationGracePeriodSeconds ?? 30));
  const shown: Pod = {
    ...pod,
    metadata: {
      ...pod.metadata,
      deletionTimestamp: isoTime(ctx.now + grace * 1000),
      deletionGracePeriodSeconds: grace,
    },
  };
  if (opts.dryRun?.includes("All")) return json(shown);
  world.deletePod(namespace, name, ctx.now);
  world.sync();
  return json(shown);
}

type Eviction = {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: DeleteOptions;
};

export function evictPod(ctx: Ctx, env: RouteEnv, namespace: string, name: string): Reply {
  const { world } = env;
  const body = jsonBody(ctx) as Eviction | null;
  if (!body || typeof body !== "object")
    throw badRequest("the body of the request must be a policy/v1 Eviction");
  if (body.metadata?.name && body.metadata.name !== name) {
    throw badRequest(`name in URL does not match name in Eviction object`);
  }
  const pod = world.store.get<Pod>("pods", namespace, name);
  if (!pod) throw notFound(PODS, name);
  checkPreconditions(pod, body.deleteOptions?.preconditions);
  const verdict = evictionVerdict(world, pod);
  if (!verdict.allowed && verdict.code === 429) {
    throw tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", {
      causes: [
        {
          reason: "DisruptionBudget",
          message: `The disruption budget ${verdict.pdb.metadata.name} needs ${verdict.needs} healthy pods and has ${verdict.has} currently`,
        },
      ],
    });
  }
  if (!verdict.allowed) throw internalError(verdict.message);
  if (!(body.deleteOptions?.dryRun ?? ctx.query.getAll("dryRun")).includes("All")) {
    world.deletePod(namespace, name, ctx.now);
    world.sync();
  }
  return json(successStatus(201), 201);
}
