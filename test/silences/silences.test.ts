// The pure parts of silences: the incident's matchers, the resolved alerts the watch folds in for
// alerts Alertmanager no longer holds, and what the root says while silenced.

import { ENTRY } from "@rdev/bot/history/entries.ts";
import { type Incident, type IncidentAlert, podsOf } from "@rdev/bot/intake/model.ts";
import { incidentMatchers } from "@rdev/bot/intake/silences/matchers.ts";
import { incidentRootBlocks } from "@rdev/bot/render/blocks/incident-root.ts";
import { goneAlerts } from "@rdev/bot/slack/alerts/silence-watch.ts";
import { describe, expect, it } from "vitest";

const T0 = Date.parse("2026-12-06T03:00:00Z");
const alert = (fp: string, pod: string, status: "firing" | "resolved" = "firing"): IncidentAlert => ({
  fingerprint: fp,
  status,
  alertName: "RdevAPIHighMemory",
  severity: "warning",
  pod,
  container: "rdev-api",
  startsAt: T0,
  endsAt: null,
  lastSeenAt: T0,
});
const incident = (alerts: IncidentAlert[]): Incident => ({
  id: "inc-1",
  key: "RdevAPIHighMemory/rdev/rdev-api",
  alertName: "RdevAPIHighMemory",
  namespace: "rdev",
  workload: "rdev-api",
  status: "open",
  severity: "warning",
  summary: "Memory usage exceeds 80% of limit",
  runbookUrl: null,
  createdAt: T0,
  updatedAt: T0,
  startsAt: T0,
  notifications: 1,
  alerts,
  firingCount: alerts.filter((a) => a.status === "firing").length,
  pods: podsOf(alerts),
  firingPods: podsOf(alerts).filter((p) => p.firing.length > 0).length,
  root: { channel: "C1", ts: "1.1" },
  resolvedAt: null,
  resolvedBy: null,
  reopened: 0,
  suppressed: false,
  alertsDropped: 0,
});

describe("silences", () => {
  it("match the alert family, the namespace and the one container", () => {
    expect(incidentMatchers(incident([alert("a", "p-1"), alert("b", "p-2")]))).toEqual([
      {
        name: "alertname",
        value: "RdevAPIHighMemory(Critical|Warning|Info|Page|Ticket)?",
        isRegex: true,
        isEqual: true,
      },
      { name: "namespace", value: "rdev", isRegex: false, isEqual: true },
      { name: "container", value: "rdev-api", isRegex: false, isEqual: true },
    ]);
    const odd = incident([alert("a", "p-1")]);
    expect(incidentMatchers({ ...odd, alertName: "a.b(c)" })[0]?.value).toBe(
      "a\\.b\\(c\\)(Critical|Warning|Info|Page|Ticket)?",
    );
  });

  it("fold in, as resolved, only the firing alerts Alertmanager no longer holds", () => {
    const i = incident([alert("a", "p-1"), alert("b", "p-2"), alert("c", "p-3", "resolved")]);
    const gone = goneAlerts(i, new Set(["b"]), T0 + 60_000);
    expect(gone.map((g) => [g.fingerprint, g.status, g.labels.pod, g.labels.alertname, g.endsAt])).toEqual([
      ["a", "resolved", "p-1", "RdevAPIHighMemory", new Date(T0 + 60_000).toISOString()],
    ]);
  });

  it("show on the root who silenced until when, with Unsilence instead of Silence", () => {
    const i = incident([alert("a", "p-1")]);
    const silenced = [
      {
        at: T0 + 1000,
        type: ENTRY.silenceCreated,
        by: "U0LEAD0001",
        data: { silenceId: "s1", until: T0 + 3_600_000, untilResolved: false },
      },
    ];
    const on = JSON.stringify(
      incidentRootBlocks({ incident: i, timeline: silenced }, T0 + 60_000, { silences: true }).blocks,
    );
    expect(on).toContain(":no_bell: *Silenced* by <@U0LEAD0001> until 04:00 UTC");
    expect(on).toContain("incident_unsilence");
    expect(on).not.toContain('incident_silence"');
    // Past its end, or lifted, it is gone from the root.
    const later = JSON.stringify(
      incidentRootBlocks({ incident: i, timeline: silenced }, T0 + 3_700_000, { silences: true }).blocks,
    );
    expect(later).not.toContain("Silenced");
    const lifted = [
      ...silenced,
      {
        at: T0 + 2000,
        type: ENTRY.silenceRemoved,
        by: "U0LEAD0001",
        data: { silenceId: "s1", reason: "unsilenced" },
      },
    ];
    expect(
      JSON.stringify(
        incidentRootBlocks({ incident: i, timeline: lifted }, T0 + 60_000, { silences: true }).blocks,
      ),
    ).toContain("incident_silence");
    // Without ALERTMANAGER_URL there is no Silence control at all.
    expect(JSON.stringify(incidentRootBlocks({ incident: i, timeline: [] }, T0, {}).blocks)).not.toContain(
      "incident_silence",
    );
  });
});
