// A Deployment's rollout history (its ReplicaSets: revision, template, creation time, change-cause)
// and `kubectl rollout undo --to-revision=N`, done the way kubectl does it: read the Deployment,
// list its ReplicaSets, and JSON-patch /spec/template (and the annotations) back to the revision's.
import {
  type AppsV1Api,
  PatchStrategy,
  type V1Deployment,
  type V1PodTemplateSpec,
  type V1ReplicaSet,
} from "@kubernetes/client-node";
import { literalEnv, memoryOf, RESTARTED_AT_ANNOTATION } from "./convert.ts";
import { KubeError } from "./errors.ts";
import type { Runner } from "./request.ts";
import type { CallOptions, Cluster, ReplicaSetInfo, RollbackResult } from "./types.ts";

export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
export const CHANGE_CAUSE_ANNOTATION = "kubernetes.io/change-cause";
const TEMPLATE_HASH = "pod-template-hash";
/** What kubectl rollout undo keeps from the Deployment and never copies from the ReplicaSet. */
const SKIP = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION_ANNOTATION,
  "deployment.kubernetes.io/revision-history",
  "deployment.kubernetes.io/desired-replicas",
  "deployment.kubernetes.io/max-replicas",
  "deprecated.deployment.rollback.to",
]);

export function toReplicaSetInfo(rs: V1ReplicaSet): ReplicaSetInfo {
  const meta = rs.metadata ?? {};
  const template = rs.spec?.template;
  const owner = (meta.ownerReferences ?? []).find((o) => o.controller && o.kind === "Deployment");
  const revision = Number(meta.annotations?.[REVISION_ANNOTATION] ?? "0");
  return {
    namespace: meta.namespace ?? "",
    name: meta.name ?? "",
    uid: meta.uid ?? "",
    revision: Number.isInteger(revision) ? revision : 0,
    createdAt: meta.creationTimestamp ? new Date(meta.creationTimestamp) : new Date(0),
    replicas: rs.spec?.replicas ?? 0,
    readyReplicas: rs.status?.readyReplicas ?? 0,
    owner: owner ? { name: owner.name, uid: owner.uid } : null,
    changeCause: meta.annotations?.[CHANGE_CAUSE_ANNOTATION] ?? null,
    restartedAt: template?.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] ?? null,
    containers: (template?.spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? "",
      memoryLimit: memoryOf(c.resources?.limits),
      memoryRequest: memoryOf(c.resources?.requests),
      env: literalEnv(c.env),
    })),
  };
}

/** The template without the controller's pod-template-hash label (what the Deployment holds). */
function withoutHash(t: V1PodTemplateSpec | undefined): V1PodTemplateSpec {
  const copy = structuredClone(t ?? {}) as V1PodTemplateSpec;
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[TEMPLATE_HASH];
  }
  return copy;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The JSON patch `kubectl rollout undo` sends: the revision's template and the merged annotations. */
export function rollbackPatch(d: V1Deployment, rs: V1ReplicaSet): object[] {
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) if (SKIP.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(rs.metadata?.annotations ?? {})) if (!SKIP.has(k)) annotations[k] = v;
  return [
    { op: "replace", path: "/spec/template", value: withoutHash(rs.spec?.template) },
    { op: "replace", path: "/metadata/annotations", value: annotations },
  ];
}

type RolloutReads = Pick<Cluster, "listReplicaSets" | "rollbackDeployment">;

export function rolloutReads({ run, apps }: { run: Runner; apps: AppsV1Api }): RolloutReads {
  const listRaw = async (namespace: string, labelSelector: string, opts?: CallOptions) =>
    (
      await run(
        { verb: "list", resource: "replicasets.apps", namespace, name: null },
        ({ configuration }) => apps.listNamespacedReplicaSet({ namespace, labelSelector }, configuration),
        opts,
      )
    ).items;
  const ownedBy = (d: V1Deployment) => (rs: V1ReplicaSet) =>
    (rs.metadata?.ownerReferences ?? []).some((o) => o.controller && o.uid === d.metadata?.uid);
  const selectorOf = (d: V1Deployment) =>
    Object.entries(d.spec?.selector.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(",");

  return {
    listReplicaSets: async (namespace, labelSelector, opts) =>
      (await listRaw(namespace, labelSelector, opts)).map(toReplicaSetInfo),

    rollbackDeployment: async (namespace, name, toRevision, opts): Promise<RollbackResult> => {
      const d = await run(
        { verb: "get", resource: "deployments.apps", namespace, name },
        ({ configuration }) => apps.readNamespacedDeployment({ namespace, name }, configuration),
        opts,
      );
      const fromRevision = Number(d.metadata?.annotations?.[REVISION_ANNOTATION] ?? "0");
      const history = (await listRaw(namespace, selectorOf(d), opts)).filter(ownedBy(d));
      const rs = history.find((r) => Number(r.metadata?.annotations?.[REVISION_ANNOTATION]) === toRevision);
      if (!rs) {
        const have = history.map((r) => r.metadata?.annotations?.[REVISION_ANNOTATION]).join(", ");
        throw new KubeError({
          code: "not_found",
          status: null,
          verb: "list",
          resource: "replicasets.apps",
          namespace,
          name: null,
          apiMessage: `unable to find the specified revision ${toRevision} of deployment/${name} (revisions: ${have || "none"})`,
        });
      }
      if (same(withoutHash(rs.spec?.template), withoutHash(d.spec?.template)))
        return { status: "already", fromRevision, toRevision };
      await run(
        { verb: "patch", resource: "deployments.apps", namespace, name },
        ({ configuration }) =>
          apps.patchNamespacedDeployment({ namespace, name, body: rollbackPatch(d, rs) }, configuration),
        { ...opts, contentType: PatchStrategy.JsonPatch },
      );
      return { status: "rolled-back", fromRevision, toRevision };
    },
  };
}
