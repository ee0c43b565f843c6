// The demo's built-in alert evaluator: pending -> firing after `for`, resolved when the pod drops
// below the threshold or disappears, one Alertmanager v4 group per rule, and the runner's POST.

import { once } from "node:events";
import { createServer } from "node:http";
import { AlertmanagerWebhook } from "@rdev/bot/intake/alertmanager.ts";
import {
  type AlertState,
  evaluateAlerts,
  HIGH_MEMORY_RULE,
  type PodReading,
  startAlertEvaluator,
  webhookBody,
} from "@rdev/demo/alerts.ts";
import { describe, expect, it } from "vitest";

const MI = 1024 * 1024;
const rule = { ...HIGH_MEMORY_RULE, forMs: 60_000 };
const at = (pod: string, percent: number | null): PodReading => ({
  pod,
  bytes: percent === null ? null : Math.round((percent / 100) * 512 * MI),
  limitBytes: 512 * MI,
});

describe("evaluateAlerts", () => {
  it("keeps a pod above the threshold pending until `for` has passed, then fires once", () => {
    let state: AlertState = {};
    const steps: [number, number][] = [
      [0, 85],
      [30_000, 88],
      [59_999, 90],
      [60_000, 91],
      [90_000, 93],
    ];
    const fired: number[] = [];
    for (const [t, pct] of steps) {
      const r = evaluateAlerts(state, [at("a", pct), at("b", 40)], t, rule);
      state = r.state;
      if (r.notification) {
        fired.push(t);
        expect(r.notification.firing.map((f) => [f.pod, f.startsAt])).toEqual([["a", 60_000]]);
        expect(r.notification.resolved).toEqual([]);
      }
    }
    expect(fired).toEqual([60_000]);
  });

  it("forgets a pending pod that dips below the threshold (the `for` starts again)", () => {
    let { state } = evaluateAlerts({}, [at("a", 85)], 0, rule);
    state = evaluateAlerts(state, [at("a", 79)], 30_000, rule).state;
    state = evaluateAlerts(state, [at("a", 85)], 40_000, rule).state;
    expect(evaluateAlerts(state, [at("a", 86)], 70_000, rule).notification).toBeNull();
    expect(evaluateAlerts(state, [at("a", 86)], 100_000, rule).notification?.firing).toHaveLength(1);
  });

  it("resolves a firing pod that is gone or below the threshold, listing the others still firing", () => {
    let state: AlertState = {};
    state = evaluateAlerts(state, [at("a", 90), at("b", 85)], 0, rule).state;
    state = evaluateAlerts(state, [at("a", 90), at("b", 85)], 60_000, rule).state;
    const gone = evaluateAlerts(state, [at("b", 85), at("c", 30)], 70_000, rule);
    expect(gone.notification?.resolved.map((r) => [r.pod, r.endsAt])).toEqual([["a", 70_000]]);
    expect(gone.notification?.firing.map((f) => f.pod)).toEqual(["b"]);
    const low = evaluateAlerts(gone.state, [at("b", 50)], 80_000, rule);
    expect(low.notification).toMatchObject({ firing: [], resolved: [{ pod: "b" }] });
    expect(low.state).toEqual({});
  });

  it("never fires for a pod without a figure or a limit", () => {
    const readings = [at("a", null), { pod: "b", bytes: 900 * MI, limitBytes: null }];
    const first = evaluateAlerts({}, readings, 0, rule);
    expect(evaluateAlerts(first.state, readings, 120_000, rule)).toEqual({ state: {}, notification: null });
  });
});

describe("webhookBody", () => {
  it("is a valid Alertmanager v4 webhook grouped by alertname, namespace and workload", () => {
    const body = webhookBody(rule, {
      firing: [{ pod: "rdev-api-1", percent: 91.25, startsAt: 1000, endsAt: null }],
      resolved: [{ pod: "rdev-api-2", percent: 50, startsAt: 0, endsAt: 2000 }],
    });
    const parsed = AlertmanagerWebhook.parse(body);
    expect(parsed.status).toBe("firing");
    expect(parsed.groupLabels).toEqual({
      alertname: "RdevAPIHighMemory",
      namespace: "rdev",
      workload: "rdev-api",
    });
    expect(parsed.alerts.map((a) => [a.labels.pod, a.status, a.endsAt])).toEqual([
      ["rdev-api-1", "firing", "0001-01-01T00:00:00Z"],
      ["rdev-api-2", "resolved", new Date(2000).toISOString()],
    ]);
    expect(parsed.alerts[0]?.annotations.description).toContain("91.3% of its memory limit");
  });
});

describe("startAlertEvaluator", () => {
  it("POSTs the notification with the bearer token", async () => {
    const received: { auth: string | undefined; body: AlertmanagerWebhook }[] = [];
    const server = createServer((req, res) => {
      let text = "";
      req.on("data", (c: Buffer) => {
        text += c.toString("utf8");
      });
      req.on("end", () => {
        received.push({ auth: req.headers.authorization, body: JSON.parse(text) as AlertmanagerWebhook });
        res.end("ok");
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as { port: number }).port;
    let now = 0;
    const evaluator = startAlertEvaluator({
      rules: [rule],
      readings: () => [at("a", 90)],
      now: () => now,
      url: `http://127.0.0.1:${port}/alertmanager`,
      token: "demo-token-0123456789",
      intervalMs: 3_600_000,
    });
    try {
      await evaluator.evaluate();
      now = 60_000;
      await evaluator.evaluate();
      expect(received.map((r) => [r.auth, r.body.status, r.body.alerts.length])).toEqual([
        ["Bearer demo-token-0123456789", "firing", 1],
      ]);
    } finally {
      evaluator.stop();
      server.close();
    }
  });
});
