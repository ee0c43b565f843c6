// Many clusters (manifests/clusters): the app alone with its cluster list, and one worker overlay per
// cluster. Each overlay is exactly the base's part for it; the app holds no cluster credentials;
// every worker overlay names its own cluster, and the app's CLUSTERS lists exactly those overlays.
import { readdirSync } from "node:fs";
import { loadAppConfig, loadWorkerConfig } from "@rdev/bot/config.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { containerEnv } from "./support/pod-env.ts";
import {
  id,
  type K8sObject,
  kubectl,
  kustomize,
  MANIFESTS_DIR,
  only,
  readObjects,
} from "./support/render.ts";
import { validateObject } from "./support/schema.ts";

const CLUSTERS_DIR = `${MANIFESTS_DIR}clusters/`;
const overlays = readdirSync(CLUSTERS_DIR).filter((d) => d !== "app" && d !== "worker");
const template = readObjects(`${MANIFESTS_DIR}secret.example.yaml`)[0]?.stringData as Record<string, string>;
const secrets = Object.fromEntries(
  Object.keys(template).map((k) => [k, `test-${k.toLowerCase()}-0123456789abcdef`]),
);
secrets.SLACK_BOT_TOKEN = "xoxb-1-test";
secrets.REDIS_URL = "redis://127.0.0.1:6379";

const env = (
  objects: K8sObject[],
  deployment: string,
  container: string,
  extra: Record<string, string> = {},
) =>
  containerEnv(only(objects, "Deployment", deployment), container, {
    configMaps: {
      "rdev-chatops": {
        ...(only(objects, "ConfigMap", "rdev-chatops").data as Record<string, string>),
        ...extra,
      },
    },
    secrets: { "rdev-chatops": secrets },
  });

const isWorkerPart = (o: K8sObject) => o.metadata.name.startsWith("rdev-chatops-worker");
const isAppPart = (o: K8sObject) => o.metadata.name === "rdev-chatops-app";

describe.skipIf(kubectl === null)("manifests/clusters", () => {
  let base: K8sObject[];
  let app: K8sObject[];
  const workers = new Map<string, K8sObject[]>();
  beforeAll(async () => {
    base = await kustomize(MANIFESTS_DIR);
    app = await kustomize(`${CLUSTERS_DIR}app`);
    for (const name of overlays) workers.set(name, await kustomize(`${CLUSTERS_DIR}${name}`));
  });

  it("has at least two cluster overlays, each a valid cluster name", () => {
    expect(overlays.length).toBeGreaterThanOrEqual(2);
    for (const name of overlays) expect(name).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
  });

  it("the app overlay is the base's app alone: no worker, no Role or binding, no token", async () => {
    expect(app.filter(isWorkerPart).map(id)).toEqual([]);
    expect(app.filter((o) => /Role|Binding/.test(o.kind)).map(id)).toEqual([]);
    expect(only(app, "ServiceAccount", "rdev-chatops-app").automountServiceAccountToken).toBe(false);
    for (const o of app.filter((x) => x.kind !== "ConfigMap"))
      expect(o).toEqual(only(base, o.kind, o.metadata.name));
    for (const o of app) expect(await validateObject(o), id(o)).toEqual([]);
  });

  it("the app serves exactly the clusters that have an overlay", () => {
    const config = loadAppConfig(env(app, "rdev-chatops-app", "app", { ALERT_CHANNEL: "C0123ABCD" }));
    expect([...config.clusters.names].sort()).toEqual([...overlays].sort());
    expect(config.clusters.label).toBe("cluster");
  });

  it("each cluster's overlay is the base's worker alone, named for its cluster, with only the worker's secrets", async () => {
    for (const [name, objects] of workers) {
      expect(objects.filter(isAppPart).map(id), name).toEqual([]);
      for (const o of objects.filter((x) => x.kind !== "ConfigMap"))
        expect(o, `${name} ${id(o)}`).toEqual(only(base, o.kind, o.metadata.name));
      for (const o of objects) expect(await validateObject(o), `${name} ${id(o)}`).toEqual([]);
      const workerEnv = env(objects, "rdev-chatops-worker", "worker");
      expect(loadWorkerConfig(workerEnv).cluster).toBe(name);
      expect(
        Object.keys(template)
          .filter((k) => k in workerEnv)
          .sort(),
      ).toEqual(["APPROVAL_SIGNING_KEY", "REDIS_URL", "SLACK_BOT_TOKEN"]);
    }
  });
});
