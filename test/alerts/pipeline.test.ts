// The alert pipeline end to end with the real daemons: a loopback /metrics (renderKubeMetrics over
// pod state this test mutates) -> real Prometheus (rules.yaml) -> real Alertmanager
// (alertmanager-receiver.yaml) -> a loopback webhook. Both manifests run as shipped except for
// these rewrites (test/alerts/rewrite.ts), which only make it take seconds instead of minutes:
//   rules.yaml:                  for: 5m -> 3s (warning), for: 1m -> 2s (critical)
//   alertmanager-receiver.yaml:  url -> the loopback sink, credentials_file -> a temp token file,
//                                group_wait 30s -> 1s, group_interval 1m -> 1s, repeat_interval 4h -> 1m
// Prometheus scrapes and evaluates every second. Skipped only when the binaries are not installed.
// UPDATE_ALERTMANAGER_FIXTURES=1 rewrites test/fixtures/alertmanager/real-{firing,resolved}.json from
// this run; otherwise the live payloads must have the same shape as those fixtures.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { parseAlertmanagerWebhook } from "@rdev/bot/intake/alertmanager.ts";
import { incidentKeyParts } from "@rdev/bot/intake/incident-key.ts";
import { type KubeMetricsPod, renderKubeMetrics } from "@rdev/kube-sim/kube-metrics.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  alertmanagerBinary,
  alertmanagerDir,
  startAlertmanager,
  type TestAlertmanager,
} from "../support/alertmanager.ts";
import { prometheusBinary, startPrometheus, type TestPrometheus } from "../support/prometheus.ts";
import { type ReceivedRequest, startWebhookSink, type WebhookSink } from "../support/webhook-sink.ts";
import { setYamlValues, shortenFor } from "./rewrite.ts";
import { RECEIVER_FILE, readRules } from "./tools.ts";

const WARNING_FOR_MS = 3000;
const LIMIT = 512 * 1024 * 1024;
const FIXTURES = new URL("../fixtures/alertmanager/", import.meta.url);
const POD_A = "rdev-api-7d9f8b6c5d-x2k4q";
const POD_B = "rdev-api-7d9f8b6c5d-m8zlp";
const POD_C = "rdev-api-7d9f8b6c5d-q4wrt";

const missing = [
  prometheusBinary() === null ? "prometheus" : null,
  alertmanagerBinary() === null ? "prometheus-alertmanager" : null,
].filter((name) => name !== null);
const skipReason =
  missing.length > 0
    ? ` (skipped: ${missing.join(", ")} not installed; apt-get install ${missing.join(" ")})`
    : "";

const podState = (pod: string, fraction: number): KubeMetricsPod => ({
  namespace: "rdev",
  pod,
  container: "rdev-api",
  node: "node-a",
  image: "registry.example.com/rdev-api:1.4.2",
  workingSetBytes: Math.round(fraction * LIMIT),
  limitBytes: LIMIT,
  requestBytes: LIMIT / 2,
  restarts: 0,
  lastTerminatedReason: null,
});

type Payload = {
  version: string;
  status: string;
  receiver: string;
  groupLabels: Record<string, string>;
  alerts: {
    status: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    endsAt: string;
  }[];
};

const payload = (r: ReceivedRequest): Payload => r.body as Payload;
const podsIn = (r: ReceivedRequest): string[] =>
  payload(r)
    .alerts.map((a) => a.labels.pod ?? "")
    .sort();

/** Keys and value types, recursively (arrays by their first element): what consumers rely on. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, shape(v)]),
    );
  }
  return typeof value;
}

/** Writes the fixture when asked to; otherwise checks the live payload has the fixture's shape. */
function checkFixture(name: string, body: unknown): void {
  const file = new URL(name, FIXTURES);
  if (process.env.UPDATE_ALERTMANAGER_FIXTURES === "1") {
    writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  const fixture: unknown = JSON.parse(readFileSync(file, "utf8"));
  expect(shape(body), `${name} is stale: rerun with UPDATE_ALERTMANAGER_FIXTURES=1`).toEqual(shape(fixture));
}

describe.skipIf(missing.length > 0)(
  `RdevAPIHighMemory through real Prometheus and Alertmanager${skipReason}`,
  () => {
    let pods: KubeMetricsPod[] = [podState(POD_A, 0.4), podState(POD_B, 0.4), podState(POD_C, 0.4)];
    const token = `pipeline-${randomBytes(12).toString("hex")}`;
    let metrics: Server | undefined;
    let sink: WebhookSink | undefined;
    let alertmanager: TestAlertmanager | undefined;
    let prometheus: TestPrometheus | undefined;

    const diagnostics = async (): Promise<string> => {
      const promAlerts = await prometheus?.alerts().catch((e: unknown) => String(e));
      const amAlerts = await alertmanager?.alerts().catch((e: unknown) => String(e));
      return [
        `prometheus alerts: ${JSON.stringify(promAlerts)}`,
        `alertmanager alerts: ${JSON.stringify(amAlerts)}`,
        `prometheus log:\n${prometheus?.output()}`,
        `alertmanager log:\n${alertmanager?.output()}`,
      ].join("\n");
    };

    beforeAll(async () => {
      metrics = createServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
        res.end(renderKubeMetrics(pods, Date.now()));
      });
      metrics.listen(0, "127.0.0.1");
      await once(metrics, "listening");
      const address = metrics.address();
      if (address === null || typeof address === "string") throw new Error("metrics server has no port");

      sink = await startWebhookSink();
      const dir = await alertmanagerDir();
      alertmanager = await startAlertmanager(dir, {
        config: setYamlValues(readFileSync(RECEIVER_FILE, "utf8"), {
          url: `${sink.url}/alertmanager`,
          credentials_file: join(dir, "token"),
          group_wait: "1s",
          group_interval: "1s",
          repeat_interval: "1m",
        }),
        // A trailing newline, as `kubectl create secret --from-file` would keep: Alertmanager trims it.
        files: { token: `${token}\n` },
        externalUrl: "http://alertmanager-main.monitoring.svc:9093",
      });
      prometheus = await startPrometheus({
        scrapeTargets: [`127.0.0.1:${address.port}`],
        ruleFiles: {
          "rules.yaml": shortenFor(readRules(), { RdevAPIHighMemory: "3s", RdevAPIHighMemoryCritical: "2s" }),
        },
        alertmanager: `127.0.0.1:${alertmanager.port}`,
        externalLabels: { prometheus: "monitoring/k8s" },
        externalUrl: "http://prometheus-k8s.monitoring.svc:9090",
      });
    });

    afterAll(async () => {
      await prometheus?.stop();
      await alertmanager?.stop();
      await sink?.close();
      if (metrics) {
        metrics.closeAllConnections();
        metrics.close();
      }
    });

    it("scrapes the rendered kube metrics", async () => {
      const deadline = Date.now() + 15_000;
      let targets = await prometheus?.targets();
      while (!targets?.some((t) => t.health === "up") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        targets = await prometheus?.targets();
      }
      expect(targets?.map((t) => [t.health, t.lastError])).toEqual([["up", ""]]);
    });

    it("notifies firing above 80% once `for` has elapsed, one group for the workload, with the bearer token", async () => {
      const raisedAt = Date.now();
      pods = [podState(POD_A, 0.86), podState(POD_B, 0.83), podState(POD_C, 0.4)];
      const firing = await (sink as WebhookSink).waitFor(
        (r) => payload(r).status === "firing" && podsIn(r).includes(POD_A) && podsIn(r).includes(POD_B),
        30_000,
        diagnostics,
      );
      const body = payload(firing);

      expect(firing.receivedAt - raisedAt).toBeGreaterThanOrEqual(WARNING_FOR_MS);
      expect(firing.method).toBe("POST");
      expect(firing.path).toBe("/alertmanager");
      expect(firing.headers.authorization).toBe(`Bearer ${token}`);
      expect(body.version).toBe("4");
      expect(body.receiver).toBe("rdev-chatops");
      expect(body.groupLabels).toEqual({
        alertname: "RdevAPIHighMemory",
        namespace: "rdev",
        workload: "rdev-api",
      });
      expect(podsIn(firing)).toEqual([POD_B, POD_A].sort());
      for (const alert of body.alerts) {
        expect(alert.status).toBe("firing");
        expect(alert.labels).toEqual({
          alertname: "RdevAPIHighMemory",
          namespace: "rdev",
          pod: alert.labels.pod,
          container: "rdev-api",
          workload: "rdev-api",
          severity: "warning",
          prometheus: "monitoring/k8s",
        });
        expect(alert.annotations.runbook_url).toMatch(/high-memory\.md$/);
      }
      const a = body.alerts.find((alert) => alert.labels.pod === POD_A);
      expect(a?.annotations.description).toContain(
        `${POD_A} (container rdev-api) uses 86% of its memory limit`,
      );

      // The bot's own parser and grouping accept the real thing: one incident for both pods.
      const parsed = parseAlertmanagerWebhook(firing.body);
      const keys = new Set(parsed.alerts.map((alert) => JSON.stringify(incidentKeyParts(alert.labels))));
      expect([...keys].map((k) => JSON.parse(k))).toEqual([
        { alertName: "RdevAPIHighMemory", namespace: "rdev", workload: "rdev-api", source: "workload" },
      ]);
      checkFixture("real-firing.json", firing.body);
    });

    it("notifies resolved once memory drops below 80%", async () => {
      pods = [podState(POD_A, 0.5), podState(POD_B, 0.5), podState(POD_C, 0.4)];
      const resolved = await (sink as WebhookSink).waitFor(
        (r) => payload(r).status === "resolved",
        30_000,
        diagnostics,
      );
      const body = payload(resolved);
      expect(resolved.headers.authorization).toBe(`Bearer ${token}`);
      expect(body.version).toBe("4");
      expect(podsIn(resolved)).toEqual([POD_B, POD_A].sort());
      for (const alert of body.alerts) {
        expect(alert.status).toBe("resolved");
        expect(Date.parse(alert.endsAt)).toBeGreaterThan(0);
      }
      expect(parseAlertmanagerWebhook(resolved.body).status).toBe("resolved");
      checkFixture("real-resolved.json", resolved.body);

      // Pod C never crossed 80%, and nothing crossed 95%: neither was ever sent.
      const everything = (sink as WebhookSink).received.flatMap((r) => payload(r).alerts);
      expect(everything.some((alert) => alert.labels.pod === POD_C)).toBe(false);
      expect(everything.some((alert) => alert.labels.alertname === "RdevAPIHighMemoryCritical")).toBe(false);
    });
  },
);
