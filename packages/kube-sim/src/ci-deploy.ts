// A deploy as Woodpecker CI makes it: one update of the Deployment's pod template (a new image tag)
// with kubernetes.io/change-cause set, at a planned simulated time. The controllers then roll it
// out like any other change (new ReplicaSet, next revision, rolling update).
import type { Deployment } from "./manifests.ts";
import type { World } from "./world.ts";

export type CiDeploy = {
  namespace: string;
  deployment: string;
  container: string;
  image: string;
  changeCause: string;
};

export function applyDeploy(w: World, deploy: CiDeploy): void {
  const current = w.store.get<Deployment>("deployments", deploy.namespace, deploy.deployment);
  if (!current) return;
  const next = structuredClone(current);
  next.metadata.generation = (next.metadata.generation ?? 1) + 1;
  next.metadata.annotations = {
    ...next.metadata.annotations,
    "kubernetes.io/change-cause": deploy.changeCause,
  };
  next.spec.template.spec.containers = next.spec.template.spec.containers.map((c) =>
    c.name === deploy.container ? { ...c, image: deploy.image } : c,
  );
  w.store.update("deployments", next);
  w.markDirty();
}

export function scheduleDeploy(w: World, at: number, deploy: CiDeploy): void {
  w.schedule(at, () => applyDeploy(w, deploy));
}
