import { readFileSync } from "node:fs";
import { parseAlertmanagerWebhook } from "@rdev/bot/intake/alertmanager.ts";
import {
  alertFamily,
  formatIncidentKey,
  incidentKey,
  incidentKeyParts,
  workloadFromPodName,
} from "@rdev/bot/intake/incident-key.ts";
import { describe, expect, it } from "vitest";

const fixture = (name: string) =>
  parseAlertmanagerWebhook(
    JSON.parse(readFileSync(new URL(`../fixtures/alertmanager/${name}`, import.meta.url), "utf8")),
  );

describe("workloadFromPodName", () => {
  it.each([
    ["rdev-api-7d9f8b6c5d-x2k4q", "rdev-api"], // Deployment: pod-template-hash + suffix
    ["rdev-api-59b7dd4f6-mz2lp", "rdev-api"], // 9-character hash
    ["redis-0", "redis"], // StatefulSet ordinal
    ["cockroachdb-12", "cockroachdb"],
    ["node-exporter-x2k4q", "node-exporter"], // DaemonSet suffix
    ["rdev-api", null], // hand-made pod: nothing to strip ("api" has vowels)
    ["standalone", null],
  ])("%s -> %s", (pod, workload) => {
    expect(workloadFromPodName(pod)).toBe(workload);
  });
});

describe("incidentKeyParts", () => {
  const base = { alertname: "RdevAPIHighMemory", namespace: "rdev" };
  it.each([
    [{ ...base, deployment: "rdev-api", pod: "other-5d8f9c7b6-abcde" }, "rdev-api", "deployment"],
    [{ ...base, statefulset: "redis", pod: "redis-1" }, "redis", "statefulset"],
    [{ ...base, workload: "rdev-api", workload_type: "deployment" }, "rdev-api", "workload"],
    [{ ...base, app_kubernetes_io_name: "rdev-api" }, "rdev-api", "app-label"],
    [{ ...base, app: "rdev-api", pod: "x-7d9f8b6c5d-x2k4q" }, "rdev-api", "app-label"],
    [{ ...base, label_app: "rdev-api" }, "rdev-api", "app-label"],
    [{ ...base, pod: "rdev-api-7d9f8b6c5d-x2k4q", container: "sidecar" }, "rdev-api", "pod-name"],
    [{ ...base, pod: "handmade", container: "rdev-api" }, "rdev-api", "container"],
    [{ ...base, container: "POD", job: "kubelet" }, "kubelet", "job"],
    [{ ...base, deployment: "  " }, null, "none"], // blank counts as unset
    [base, null, "none"],
  ] as const)("%j -> %s (%s)", (labels, workload, source) => {
    const parts = incidentKeyParts(labels);
    expect(parts.workload).toBe(workload);
    expect(parts.source).toBe(source);
    expect(parts.alertName).toBe("RdevAPIHighMemory");
    expect(parts.namespace).toBe("rdev");
  });

  it("falls back to exported_namespace and names unnamed alerts", () => {
    expect(incidentKeyParts({ exported_namespace: "rdev" })).toEqual({
      alertName: "unnamed-alert",
      namespace: "rdev",
      workload: null,
      source: "none",
    });
  });
});

describe("incidentKey", () => {
  it("puts every pod of one deployment's alert storm into one incident", () => {
    const payload = fixture("rdev-high-memory-firing.json");
    const fingerprints = new Set(payload.alerts.map((a) => a.fingerprint));
    const keys = new Set(payload.alerts.map((a) => incidentKey(a.labels)));
    expect(fingerprints.size).toBe(3);
    expect([...keys]).toEqual(["RdevAPIHighMemory/rdev/rdev-api"]);
  });

  it("keeps the resolved notification on the same key", () => {
    const [alert] = fixture("rdev-high-memory-resolved.json").alerts;
    expect(alert && incidentKey(alert.labels)).toBe("RdevAPIHighMemory/rdev/rdev-api");
  });

  it("folds the critical variant of an alert into the same incident", () => {
    const labels = { namespace: "rdev", pod: "rdev-api-7d9f8b6c5d-x2k4q", workload: "rdev-api" };
    expect(incidentKey({ ...labels, alertname: "RdevAPIHighMemoryCritical" })).toBe(
      incidentKey({ ...labels, alertname: "RdevAPIHighMemory" }),
    );
  });

  it.each([
    ["RdevAPIHighMemoryCritical", "RdevAPIHighMemory"],
    ["RdevAPIHighMemoryWarning", "RdevAPIHighMemory"],
    ["RdevAPIHighMemory", "RdevAPIHighMemory"],
    ["Critical", "Critical"],
    ["KubePodCrashLooping", "KubePodCrashLooping"],
  ])("alertFamily(%s) is %s", (name, family) => {
    expect(alertFamily(name)).toBe(family);
  });

  it("separates different alerts on the same workload", () => {
    const [crash] = fixture("kube-pod-crash-looping-truncated.json").alerts;
    expect(crash && incidentKey(crash.labels)).toBe("KubePodCrashLooping/rdev/rdev-api");
  });

  it.each([
    [{ alertName: "a/b", namespace: "n", workload: "w" }, "a%2Fb/n/w"],
    [{ alertName: "a", namespace: null, workload: null }, "a//"],
    [{ alertName: "job:rule:ratio", namespace: "n", workload: "w" }, "job%3Arule%3Aratio/n/w"],
  ])("encodes parts so labels cannot forge separators: %j", (parts, key) => {
    expect(formatIncidentKey(parts)).toBe(key);
  });
});
