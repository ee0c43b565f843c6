import { readFileSync } from "node:fs";
import {
  AlertmanagerPayloadError,
  AlertmanagerWebhook,
  alertTime,
  parseAlertmanagerWebhook,
} from "@rdev/bot/intake/alertmanager.ts";
import { describe, expect, it } from "vitest";

const raw = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/alertmanager/${name}`, import.meta.url), "utf8"));

describe("AlertmanagerWebhook", () => {
  it.each([
    "rdev-high-memory-firing.json",
    "rdev-high-memory-resolved.json",
    "kube-pod-crash-looping-truncated.json",
  ])("parses the fixture %s", (name) => {
    const parsed = AlertmanagerWebhook.safeParse(raw(name));
    expect(parsed.success).toBe(true);
  });

  it("keeps the fields the incident logic uses", () => {
    const payload = parseAlertmanagerWebhook(raw("rdev-high-memory-firing.json"));
    expect(payload.version).toBe("4");
    expect(payload.status).toBe("firing");
    expect(payload.truncatedAlerts).toBe(0);
    expect(payload.groupLabels).toEqual({ alertname: "RdevAPIHighMemory", namespace: "rdev" });
    expect(payload.alerts.map((a) => a.labels.pod)).toEqual([
      "rdev-api-7d9f8b6c5d-x2k4q",
      "rdev-api-7d9f8b6c5d-m8zlp",
      "rdev-api-7d9f8b6c5d-q4wrt",
    ]);
    expect(payload.alerts[0]?.annotations.summary).toBe("Memory usage exceeds 80% of limit");
  });

  it("reports truncated alerts", () => {
    expect(parseAlertmanagerWebhook(raw("kube-pod-crash-looping-truncated.json")).truncatedAlerts).toBe(2);
  });

  it("defaults optional maps that older senders omit", () => {
    const body = raw("rdev-high-memory-firing.json");
    delete body.commonAnnotations;
    delete body.truncatedAlerts;
    const parsed = parseAlertmanagerWebhook(body);
    expect(parsed.commonAnnotations).toEqual({});
    expect(parsed.truncatedAlerts).toBe(0);
  });

  it.each([
    ["another version", { version: "3" }, /version/],
    ["a bad status", { status: "pending" }, /status/],
    ["alerts missing", { alerts: undefined }, /alerts/],
  ])("rejects %s with a message naming the field", (_label, patch, pattern) => {
    const body = { ...raw("rdev-high-memory-firing.json"), ...patch };
    expect(() => parseAlertmanagerWebhook(body)).toThrow(AlertmanagerPayloadError);
    expect(() => parseAlertmanagerWebhook(body)).toThrow(pattern);
    expect(() => parseAlertmanagerWebhook(body)).toThrow(/webhook_config/);
  });

  it("rejects a Grafana-style alert without a fingerprint", () => {
    const body = raw("rdev-high-memory-firing.json");
    const alerts = body.alerts as Record<string, unknown>[];
    delete alerts[0]?.fingerprint;
    expect(() => parseAlertmanagerWebhook(body)).toThrow(/alerts\.0\.fingerprint/);
  });
});

describe("alertTime", () => {
  it.each([
    ["0001-01-01T00:00:00Z", null],
    ["2026-11-26T02:51:03.157076523Z", Date.parse("2026-11-26T02:51:03.157Z")],
    ["2026-11-26T04:51:03+02:00", Date.parse("2026-11-26T02:51:03Z")],
    ["not a time", null],
  ])("%s -> %s", (input, expected) => {
    expect(alertTime(input)).toBe(expected);
  });
});
