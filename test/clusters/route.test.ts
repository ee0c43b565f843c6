import { DEFAULT_CLUSTER, queueName, storedCluster, withCluster } from "@rdev/bot/clusters/names.ts";
import { alertCluster, commandCluster } from "@rdev/bot/clusters/route.ts";
import { summariseIncident } from "@rdev/bot/history/summary.ts";
import type { Alert } from "@rdev/bot/intake/alertmanager.ts";
import { formatIncidentKey, incidentKey } from "@rdev/bot/intake/incident-key.ts";
import { clusterLabelOf, incidentMatchers } from "@rdev/bot/intake/silences/matchers.ts";
import { historyText } from "@rdev/bot/render/blocks/history.ts";
import { incidentRootBlocks } from "@rdev/bot/render/blocks/incident-root.ts";
import { postmortemMarkdown } from "@rdev/bot/render/blocks/postmortem.ts";
import { routeAlerts } from "@rdev/bot/slack/alerts/handle-notification.ts";
import { parseRdevCommand } from "@rdev/bot/slack/commands/parse.ts";
import { describe, expect, it } from "vitest";
import { realisticRecord } from "../support/history.ts";

const labels = {
  alertname: "RdevAPIHighMemoryCritical",
  namespace: "rdev",
  pod: "rdev-api-7d9f8b6c5d-x2k4q",
};

describe("cluster names", () => {
  it("keeps the single-cluster queue names for the default cluster and suffixes the others", () => {
    expect(queueName("diagnose", DEFAULT_CLUSTER)).toBe("rdev-diagnose");
    expect(queueName("remediate", "prod-eu")).toBe("rdev-remediate.prod-eu");
    expect(queueName("verify", "b")).toBe("rdev-verify.b");
    expect(() => queueName("diagnose", "Prod:EU")).toThrow(/cluster name/);
  });

  it("stores no cluster for the default one", () => {
    expect(storedCluster(DEFAULT_CLUSTER)).toBeNull();
    expect(storedCluster(null)).toBeNull();
    expect(storedCluster("b")).toBe("b");
    expect(withCluster({ namespace: "rdev", deployment: "rdev-api" }, "b")).toEqual({
      namespace: "rdev",
      deployment: "rdev-api",
      cluster: "b",
    });
    expect(withCluster({ namespace: "rdev", deployment: "rdev-api", cluster: "b" }, DEFAULT_CLUSTER)).toEqual(
      {
        namespace: "rdev",
        deployment: "rdev-api",
      },
    );
  });

  it("puts the cluster in the incident key, except the default cluster's", () => {
    expect(incidentKey(labels)).toBe("RdevAPIHighMemory/rdev/rdev-api");
    expect(incidentKey(labels, DEFAULT_CLUSTER)).toBe("RdevAPIHighMemory/rdev/rdev-api");
    expect(incidentKey(labels, "b")).toBe("b/RdevAPIHighMemory/rdev/rdev-api");
    expect(incidentKey(labels, "a")).not.toBe(incidentKey(labels, "b"));
    expect(formatIncidentKey({ alertName: "X", namespace: null, workload: "w" }, "b")).toBe("b/X//w");
  });
});

describe("which cluster an alert is about", () => {
  const two = { names: ["a", "b"], label: "cluster" };
  it("reads the configured label", () => {
    expect(alertCluster({ ...labels, cluster: "b" }, two)).toEqual({ ok: true, cluster: "b" });
    expect(
      alertCluster({ ...labels, k8s_cluster: "a" }, { names: ["a", "b"], label: "k8s_cluster" }),
    ).toEqual({
      ok: true,
      cluster: "a",
    });
  });

  it("takes the only cluster for an alert without the label", () => {
    expect(alertCluster(labels, { names: ["prod-eu"], label: "cluster" })).toEqual({
      ok: true,
      cluster: "prod-eu",
    });
  });

  it("says why when it cannot tell", () => {
    expect(alertCluster(labels, two)).toEqual({
      ok: false,
      reason: expect.stringContaining("no cluster label and this app serves several clusters (a, b)"),
    });
    expect(alertCluster({ ...labels, cluster: "c" }, two)).toEqual({
      ok: false,
      reason: expect.stringContaining('its cluster label is "c", not one of the clusters this app serves'),
    });
  });

  it("groups a notification by cluster and key, setting apart what it cannot route", () => {
    const alert = (l: Record<string, string>, fp: string): Alert =>
      ({
        status: "firing",
        labels: l,
        annotations: {},
        startsAt: "",
        endsAt: "",
        generatorURL: "",
        fingerprint: fp,
      }) as Alert;
    const { groups, unrouted } = routeAlerts(
      [
        alert({ ...labels, cluster: "a" }, "1"),
        alert({ ...labels, cluster: "b" }, "2"),
        alert({ ...labels, cluster: "b" }, "3"),
        alert(labels, "4"),
      ],
      two,
    );
    expect([...groups].map(([k, g]) => [k, g.cluster, g.alerts.map((x) => x.fingerprint)])).toEqual([
      ["a/RdevAPIHighMemory/rdev/rdev-api", "a", ["1"]],
      ["b/RdevAPIHighMemory/rdev/rdev-api", "b", ["2", "3"]],
    ]);
    expect(unrouted.map((u) => u.alert.fingerprint)).toEqual(["4"]);
  });
});

describe("which cluster a command is about", () => {
  it("the one named, the only one, or a clear list", () => {
    expect(commandCluster("b", ["a", "b"])).toEqual({ ok: true, cluster: "b" });
    expect(commandCluster(undefined, ["only"])).toEqual({ ok: true, cluster: "only" });
    expect(commandCluster(undefined, ["a", "b"])).toEqual({
      ok: false,
      reason: "Which cluster? This bot serves 2: `a`, `b`. Ask for one, e.g. `/rdev mem status a`.",
    });
    expect(commandCluster("c", ["a", "b"])).toEqual({
      ok: false,
      reason: "There is no cluster `c`. Clusters: `a`, `b`.",
    });
  });
});

describe("/rdev mem status with a cluster", () => {
  const allowed = { namespace: "rdev", deployment: "rdev-api" };
  it.each([
    ["mem status b", { kind: "status", target: allowed, cluster: "b" }],
    ["mem status rdev/rdev-api b", { kind: "status", target: allowed, cluster: "b" }],
    ["mem status a rdev-api", { kind: "status", target: allowed, cluster: "a" }],
    ["mem status cluster=zz", { kind: "status", target: allowed, cluster: "zz" }],
    ["mem status", { kind: "status", target: allowed }],
  ])("%j", (text, expected) => expect(parseRdevCommand(text, allowed, ["a", "b"])).toEqual(expected));

  it("refuses two clusters", () => {
    expect(parseRdevCommand("mem status a b", allowed, ["a", "b"])).toMatchObject({
      kind: "help",
      problem: expect.stringMatching(/Too many arguments/),
    });
  });
});

describe("an incident's cluster in what people read", () => {
  it("history, timeline and postmortem say where: rdev/rdev-api in b", () => {
    const record = realisticRecord();
    const inB = { ...record, incident: { ...record.incident, cluster: "b" } };
    const now = Date.parse("2026-11-26T04:00:00Z");
    expect(summariseIncident(inB, now).where).toBe("rdev/rdev-api in b");
    expect(summariseIncident(record, now).where).toBe("rdev/rdev-api");
    expect(historyText(summariseIncident(inB, now))).toContain("rdev/rdev-api in b");
    expect(postmortemMarkdown(summariseIncident(inB, now), { now, runbookUrl: null })).toContain(
      "on rdev/rdev-api in b",
    );
    const root = incidentRootBlocks(inB, now);
    expect(root.text).toContain("rdev/rdev-api in b");
  });
});

describe("a silence of one cluster's incident", () => {
  it("matches the cluster label when the app serves several clusters, and not with one", () => {
    const { incident } = realisticRecord({ resolved: false });
    const inB = { ...incident, cluster: "b" };
    expect(clusterLabelOf({ clusters: { names: ["a", "b"], label: "k8s_cluster" } })).toBe("k8s_cluster");
    expect(clusterLabelOf({ clusters: { names: ["prod-eu"], label: "cluster" } })).toBeNull();
    expect(incidentMatchers(inB, "k8s_cluster")).toContainEqual({
      name: "k8s_cluster",
      value: "b",
      isRegex: false,
      isEqual: true,
    });
    expect(incidentMatchers(inB, null).map((m) => m.name)).not.toContain("cluster");
    expect(incidentMatchers(incident, "cluster").map((m) => m.name)).not.toContain("cluster");
  });
});
