// The dashboard link: the template filled with the incident's namespace, pod and time range, every
// value URI-encoded (a label value cannot change the URL's shape). Pure.

import { loadConfig } from "@rdev/bot/config.ts";
import { dashboardLink } from "@rdev/bot/intake/dashboard.ts";
import type { Incident } from "@rdev/bot/intake/model.ts";
import { describe, expect, it } from "vitest";

const T0 = Date.parse("2026-12-06T03:00:00Z");
const incident = (over: Partial<Incident> = {}): Incident =>
  ({
    namespace: "rdev",
    workload: "rdev-api",
    status: "open",
    startsAt: T0,
    createdAt: T0 + 1000,
    resolvedAt: null,
    pods: [{ pod: "rdev-api-7d9f8b6c5d-x2k4q", firing: ["RdevAPIHighMemory"], severity: "warning" }],
    ...over,
  }) as Incident;

describe("dashboardLink", () => {
  const template =
    "https://grafana.example.com/d/rdev?ns={namespace}&d={deployment}&pod={pod}&from={from}&to={to}";

  it("fills the template: 30 min before the start, to now while open", () => {
    expect(dashboardLink(template, incident(), T0 + 600_000)).toBe(
      `https://grafana.example.com/d/rdev?ns=rdev&d=rdev-api&pod=rdev-api-7d9f8b6c5d-x2k4q&from=${T0 - 1_800_000}&to=${T0 + 600_000}`,
    );
  });

  it("ends 15 min after a resolution, and encodes hostile values", () => {
    const link = dashboardLink(
      template,
      incident({ status: "resolved", resolvedAt: T0 + 60_000, namespace: "a&b=c#d" }),
      T0 + 9_999_999,
    );
    expect(link).toContain("ns=a%26b%3Dc%23d&");
    expect(link).toContain(`to=${T0 + 60_000 + 900_000}`);
  });

  it("is off without a template, and the setting refuses what is not an http(s) URL", () => {
    expect(dashboardLink(null, incident(), T0)).toBeNull();
    expect(() => loadConfig({ DASHBOARD_URL: "javascript:alert(1)" })).toThrow(/DASHBOARD_URL/);
    expect(loadConfig({ DASHBOARD_URL: template }).dashboardUrl).toBe(template);
  });
});
