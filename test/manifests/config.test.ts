// The ConfigMap and the Secret template against the settings the processes read (packages/bot/src/config.ts):
// no misspelt or unknown key, every required setting provided, and the app and the worker start
// with exactly the environment their Deployments give them (ports matching the probes' ports).
import type { V1Deployment } from "@kubernetes/client-node";
import {
  AppEnvSchema,
  ConfigError,
  EnvSchema,
  loadAppConfig,
  loadWorkerConfig,
  WorkerEnvSchema,
} from "@rdev/bot/config.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { containerEnv, type Sources } from "./support/pod-env.ts";
import { type K8sObject, kubectl, kustomize, MANIFESTS_DIR, only, readObjects } from "./support/render.ts";

const SETTINGS = new Set([
  ...Object.keys(EnvSchema.shape),
  ...Object.keys(AppEnvSchema.shape),
  ...Object.keys(WorkerEnvSchema.shape),
]);

/** Test values for the Secret template's keys (a new key must be added here, on purpose). */
const TEST_SECRETS: Record<string, string> = {
  SLACK_BOT_TOKEN: "xoxb-1-test",
  SLACK_SIGNING_SECRET: "test-signing-secret",
  ALERTMANAGER_TOKEN: "test-alertmanager-token-0123456789",
  APPROVAL_SIGNING_KEY: "test-approval-signing-key-0123456789abcdef",
  REDIS_URL: "redis://127.0.0.1:6379",
};

const problemKeys = (fn: () => unknown): string[] => {
  try {
    fn();
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => p.split(":")[0] ?? p).sort();
  }
};

const secretTemplate = readObjects(`${MANIFESTS_DIR}secret.example.yaml`)[0] as K8sObject;
const templateKeys = Object.keys(secretTemplate.stringData as Record<string, string>).sort();

describe("secret.example.yaml", () => {
  it("names only settings the processes read, all of them secrets", () => {
    for (const key of templateKeys) {
      expect(SETTINGS.has(key), key).toBe(true);
      expect(TEST_SECRETS[key], `add a test value for ${key}`).toBeDefined();
    }
  });
});

describe.skipIf(kubectl === null)("the ConfigMap and the Deployments' environment", () => {
  let objects: K8sObject[];
  let data: Record<string, string>;
  const sources = (configMap: Record<string, string>): Sources => ({
    configMaps: { "rdev-chatops": configMap },
    secrets: { "rdev-chatops": Object.fromEntries(templateKeys.map((k) => [k, TEST_SECRETS[k] ?? ""])) },
  });
  const env = (deployment: string, container: string, configMap = data) =>
    containerEnv(only(objects, "Deployment", deployment), container, sources(configMap));
  const port = (deployment: string) =>
    (only(objects, "Deployment", deployment) as unknown as V1Deployment).spec?.template.spec?.containers[0]
      ?.ports?.[0]?.containerPort;

  beforeAll(async () => {
    objects = await kustomize(MANIFESTS_DIR);
    data = only(objects, "ConfigMap", "rdev-chatops").data as Record<string, string>;
  });

  it("has only keys that some process reads (a typo would be silently ignored)", () => {
    expect(Object.keys(data).filter((k) => !SETTINGS.has(k))).toEqual([]);
  });

  it("leaves only ALERT_CHANNEL to fill in: the app refuses to start without it", () => {
    expect(problemKeys(() => loadAppConfig(env("rdev-chatops-app", "app")))).toEqual(["ALERT_CHANNEL"]);
  });

  it("without the Secret, exactly the template's required keys are missing (the template lists every secret)", () => {
    const app = containerEnv(only(objects, "Deployment", "rdev-chatops-app"), "app", {
      configMaps: { "rdev-chatops": { ...data, ALERT_CHANNEL: "C0123ABCD" } },
      secrets: { "rdev-chatops": {} },
    });
    // APPROVAL_SIGNING_KEY is optional: derived from SLACK_BOT_TOKEN when absent.
    expect(problemKeys(() => loadAppConfig(app))).toEqual(
      templateKeys.filter((k) => k !== "APPROVAL_SIGNING_KEY"),
    );
  });

  it("the app starts with its Deployment's environment and listens on its containerPort", () => {
    const config = loadAppConfig(env("rdev-chatops-app", "app", { ...data, ALERT_CHANNEL: "C0123ABCD" }));
    expect(config.http.port).toBe(port("rdev-chatops-app"));
    expect(config.runbook.target).toMatchObject({ namespace: "rdev", deployment: "rdev-api" });
  });

  it("the worker starts with its Deployment's environment, which holds only the secrets it uses", () => {
    const workerEnv = env("rdev-chatops-worker", "worker");
    const config = loadWorkerConfig(workerEnv);
    expect(config.http.port).toBe(port("rdev-chatops-worker"));
    const secrets = templateKeys.filter((k) => k in workerEnv).sort();
    expect(secrets).toEqual(["APPROVAL_SIGNING_KEY", "REDIS_URL", "SLACK_BOT_TOKEN"]);
  });

  it("the app and the worker seal and check approvals with the same key from the Secret", () => {
    const app = loadAppConfig(env("rdev-chatops-app", "app", { ...data, ALERT_CHANNEL: "C0123ABCD" }));
    const worker = loadWorkerConfig(env("rdev-chatops-worker", "worker"));
    expect(worker.approvalSigningKey.equals(app.approvalSigningKey)).toBe(true);
    expect(worker.approval).toEqual(app.approval);
  });

  it("the worker's shutdown grace fits in the pod's termination grace period", () => {
    const config = loadWorkerConfig(env("rdev-chatops-worker", "worker"));
    const pod = (only(objects, "Deployment", "rdev-chatops-worker") as unknown as V1Deployment).spec?.template
      .spec;
    expect(config.shutdownGraceMs).toBeLessThan((pod?.terminationGracePeriodSeconds ?? 30) * 1000);
  });
});
