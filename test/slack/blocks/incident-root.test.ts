// Builders added for the Slack app: snapshot-tested and checked against Slack's limits.

import { DiagnosisData, ENTRY } from "@rdev/bot/history/entries.ts";
import { summariseIncident } from "@rdev/bot/history/summary.ts";
import { type Incident, type IncidentAlert, podsOf, type TimelineEntry } from "@rdev/bot/intake/model.ts";
import { approvalModal, approvedLine, markDecided } from "@rdev/bot/render/blocks/approval.ts";
import { helpBlocks } from "@rdev/bot/render/blocks/help.ts";
import { historyBlocks } from "@rdev/bot/render/blocks/history.ts";
import { incidentRootBlocks, safeLink } from "@rdev/bot/render/blocks/incident-root.ts";
import { slackLimitViolations } from "@rdev/bot/render/blocks/limits.ts";
import { describe, expect, it } from "vitest";
import { sseLeakSnapshot } from "../../support/history.ts";

const T0 = Date.parse("2026-11-26T02:51:03Z");
const MIN = 60_000;

function incident(overrides: Partial<Incident> = {}, pods = 3): Incident {
  const alerts: IncidentAlert[] = Array.from({ length: pods }, (_, i) => ({
    fingerprint: `fp${i}`,
    status: "firing" as const,
    alertName: "RdevAPIHighMemory",
    severity: "warning",
    pod: `rdev-api-7d9f8b6c5d-p${String(i).padStart(4, "0")}`,
    container: "rdev-api",
    startsAt: T0 + i * 1000,
    endsAt: null,
    lastSeenAt: T0 + 600_000,
  }));
  const merged = { alerts, ...overrides };
  const podList = podsOf(merged.alerts);
  return {
    id: "4f1d2c3b-5a6e-4f70-8b9c-0d1e2f3a4b5c",
    key: "RdevAPIHighMemory/rdev/rdev-api",
    alertName: "RdevAPIHighMemory",
    namespace: "rdev",
    workload: "rdev-api",
    status: "open",
    severity: "warning",
    summary: "Memory usage exceeds 80% of limit",
    runbookUrl: "https://gitea.example.com/rdev/rdev/src/branch/main/docs/operations/runbooks/high-memory.md",
    createdAt: T0 + 5000,
    updatedAt: T0 + 600_000,
    startsAt: T0,
    notifications: 42,
    firingCount: merged.alerts.filter((a) => a.status === "firing").length,
    pods: podList,
    firingPods: podList.filter((p) => p.firing.length > 0).length,
    root: { channel: "C0RDEVALRT", ts: "1764125463.000100" },
    resolvedAt: null,
    resolvedBy: null,
    reopened: 0,
    suppressed: false,
    alertsDropped: 0,
    ...merged,
  };
}

const root = (i: Incident, timeline: TimelineEntry[] = [], now = T0 + 720_000) =>
  incidentRootBlocks({ incident: i, timeline }, now);
const json = (m: { blocks: unknown[] }) => JSON.stringify(m.blocks);

const approved = (at: number, id: string, action: string, params: Record<string, string>): TimelineEntry => ({
  at,
  type: ENTRY.proposalApproved,
  by: "U0ONCALL01",
  data: { proposalId: id, action, params, jobId: `remediate-${id}` },
});

describe("incidentRootBlocks", () => {
  it("renders a firing incident", () => {
    const message = root(incident());
    expect(message.text).toBe(
      "[FIRING:3] RdevAPIHighMemory rdev/rdev-api: Memory usage exceeds 80% of limit",
    );
    expect(message).toMatchSnapshot();
    expect(slackLimitViolations(message)).toEqual([]);
  });

  it("counts pods, not alerts: a warning and a critical alert on one pod are one pod", () => {
    const pod = "rdev-api-7d9f8b6c5d-lq6s8";
    const base = {
      status: "firing" as const,
      pod,
      container: "rdev-api",
      startsAt: T0,
      endsAt: null,
      lastSeenAt: T0,
    };
    const alerts: IncidentAlert[] = [
      { ...base, fingerprint: "w", alertName: "RdevAPIHighMemory", severity: "warning" },
      { ...base, fingerprint: "c", alertName: "RdevAPIHighMemoryCritical", severity: "critical" },
    ];
    const message = root(incident({ alerts, severity: "critical", summary: "Memory above 95%" }));
    expect(message.text).toMatch(/^\[FIRING:1\] .*Memory above 95%/);
    const text = json(message);
    expect(text).toContain("Firing* on 1 of 1 pod for");
    expect(text).toContain(`\`${pod}\` RdevAPIHighMemory, RdevAPIHighMemoryCritical`);
    expect(text.split(pod).length - 1).toBe(1);
    expect(text).toContain("*Severity*\\ncritical");
  });

  it("shows the actions with their owner, wherever they were approved, and the verification", () => {
    const timeline: TimelineEntry[] = [
      {
        ...approved(T0 + 3 * MIN, "p1", "raise-memory-limit", { memoryLimit: "1Gi" }),
        data: {
          proposalId: "p1",
          action: "raise-memory-limit",
          params: { memoryLimit: "1Gi" },
          threadTs: "1764125999.000200",
        },
      },
      {
        at: T0 + 4 * MIN,
        type: ENTRY.actionApplied,
        by: "worker",
        data: { proposalId: "p1", action: "raise-memory-limit" },
      },
      {
        at: T0 + 10 * MIN,
        type: ENTRY.verificationPassed,
        by: "worker",
        data: { proposalId: "p1", action: "raise-memory-limit", before: 96.1, after: 48.2, checks: [] },
      },
    ];
    const text = json(root(incident(), timeline));
    expect(text).toContain(
      "Raise the memory limit to 1Gi by <@U0ONCALL01> (from a status thread): applied, :white_check_mark: verified",
    );
    expect(text).toContain(
      "*Fix verified* at 03:01 UTC: Raise the memory limit to 1Gi (memory 96.1% → 48.2%)",
    );
    expect(text).toContain("*Fix owner*\\n<@U0ONCALL01>");
  });

  it("renders a resolved incident: checking why, then why it ended", () => {
    const resolved = incident(
      { status: "resolved", resolvedAt: T0 + 21 * MIN, resolvedBy: "alertmanager" },
      0,
    );
    const checking = root(resolved, [], T0 + 30 * MIN);
    expect(checking.text).toMatch(/^\[RESOLVED\]/);
    expect(json(checking)).toContain("after 21m");
    expect(json(checking)).toContain("checking the cluster for why");
    const ended = root(
      resolved,
      [
        {
          at: T0 + 22 * MIN,
          type: ENTRY.outcome,
          by: "worker",
          data: {
            kind: "oom_kill",
            pod: "rdev-api-7d9f8b6c5d-lq6s8",
            at: T0 + 19 * MIN,
            restartCount: 1,
            notes: [],
          },
        },
      ],
      T0 + 30 * MIN,
    );
    expect(ended.text).toContain("ended by an OOM kill");
    expect(json(ended)).toContain("`rdev-api-7d9f8b6c5d-lq6s8` was OOM-killed at 03:10 UTC, restart count 1");
    expect(json(ended)).not.toContain("on its own");
    expect(ended).toMatchSnapshot();
  });

  it("keeps the failed verification's next step on the root after the resolution", () => {
    const resolved = incident({ status: "resolved", resolvedAt: T0 + 21 * MIN }, 0);
    const timeline: TimelineEntry[] = [
      approved(T0 + 3 * MIN, "p1", "restart-pod", { pod: "rdev-api-x" }),
      {
        at: T0 + 4 * MIN,
        type: ENTRY.actionApplied,
        by: "worker",
        data: { proposalId: "p1", action: "restart-pod" },
      },
      {
        at: T0 + 10 * MIN,
        type: ENTRY.verificationFailed,
        by: "worker",
        data: {
          proposalId: "p1",
          action: "restart-pod",
          before: 97,
          after: 91,
          checks: [],
          nextSteps: [{ kind: "raise-memory-limit", proposalId: "p2" }],
        },
      },
      {
        at: T0 + 22 * MIN,
        type: ENTRY.outcome,
        by: "worker",
        data: {
          kind: "action",
          proposalId: "p1",
          action: "restart-pod",
          actionText: "Restart pod rdev-api-x",
          approvedBy: "U0ONCALL01",
          at: T0 + 4 * MIN,
          verification: "failed",
          notes: [],
        },
      },
    ];
    const text = json(root(resolved, timeline, T0 + 30 * MIN));
    expect(text).toContain("but verification failed: the fix did not hold");
    expect(text).toContain("Next step offered in the thread, waiting for approval: Raise the memory limit");
  });

  it("stays within Slack's limits and escapes hostile label values", () => {
    const hostile = incident(
      {
        alertName: `<!channel> ${"A".repeat(400)}`,
        summary: `*bold* <@U123> ${"x".repeat(5000)}`,
        severity: "<!here>",
        runbookUrl: "javascript:alert(1)|x",
      },
      500,
    );
    const message = root(hostile, [], T0 + 60_000);
    expect(slackLimitViolations(message)).toEqual([]);
    // plain_text (the header) shows text literally; mrkdwn and the fallback text must be escaped.
    const json = JSON.stringify({ ...message, blocks: message.blocks.slice(1) });
    expect(json).not.toContain("<!channel>");
    expect(json).not.toContain("<!here>");
    expect(json).not.toContain("<@U123>");
    expect(json).not.toContain("javascript:");
    expect(json).toContain("and 490 more");
  });

  it("links only plain http(s) URLs", () => {
    expect(safeLink("https://a.example/x?a=1&b=2", "Runbook")).toBe(
      "<https://a.example/x?a=1&amp;b=2|Runbook>",
    );
    expect(safeLink("https://a.example/x|y", "Runbook")).toBeNull();
    expect(safeLink("ftp://a.example", "Runbook")).toBeNull();
    expect(safeLink(null, "Runbook")).toBeNull();
  });
});

describe("help and history", () => {
  it("renders help, with the problem first when there is one", () => {
    const help = helpBlocks({
      command: "/rdev",
      target: "rdev/rdev-api",
      problem: 'I do not know "&lt;!channel&gt;".', // mrkdwn, as parseRdevCommand escapes it
    });
    expect(help).toMatchSnapshot();
    expect(JSON.stringify(help)).not.toContain("<!channel>");
    expect(slackLimitViolations(help)).toEqual([]);
    // One cluster: no cluster argument to explain; several: status names them.
    expect(JSON.stringify(help)).not.toContain("mem status &lt;cluster&gt;");
    const many = JSON.stringify(
      helpBlocks({
        command: "/rdev",
        target: "rdev/rdev-api",
        problem: null,
        clusters: ["prod-eu", "staging"],
      }),
    );
    expect(many).toContain("mem status &lt;cluster&gt;");
    expect(many).toContain("`prod-eu`, `staging`");
    expect(many).toContain("*Undo*");
  });

  it("renders history rows and keeps long lists within a message", () => {
    const now = T0 + 7_200_000;
    const rows = [
      summariseIncident(
        {
          incident: incident(),
          timeline: [],
          permalink: "https://rdev.slack.com/archives/C0RDEVALRT/p1764125463000100",
        },
        now,
      ),
      summariseIncident(
        {
          incident: incident({ status: "resolved", resolvedAt: T0 + 3_600_000 }),
          timeline: [],
          permalink: null,
        },
        now,
      ),
    ];
    const history = historyBlocks(rows, { days: 90, limit: 10 });
    expect(history).toMatchSnapshot();
    const many = historyBlocks(
      Array.from({ length: 200 }, () => rows[0] as (typeof rows)[number]),
      { days: 90, limit: 200 },
    );
    expect(slackLimitViolations(many)).toEqual([]);
    expect(JSON.stringify(many)).toMatch(/and \d+ more/);
  });
});

describe("approval views", () => {
  const blocks = [
    {
      type: "section",
      text: { type: "mrkdwn", text: "*1. Restart*" },
      accessory: { type: "button", value: "p1", action_id: "proposal:restart-pod:0" },
    },
    {
      type: "section",
      text: { type: "mrkdwn", text: "*2. Raise*" },
      accessory: { type: "button", value: "p2", action_id: "proposal:raise-memory-limit:1" },
    },
    {
      type: "actions",
      elements: [
        { type: "button", value: "p3" },
        { type: "button", value: "p4" },
      ],
    },
  ];

  it("replaces the decided button by who approved it, keeping the others", () => {
    const line = approvedLine({
      userIds: ["U0LEAD0001"],
      title: "Restart pod rdev-api-x",
      at: T0,
      jobId: "remediate-p1",
    });
    const out = markDecided(blocks, "p1", line);
    expect(out).toMatchSnapshot();
    expect(JSON.stringify(out)).not.toContain('"value":"p1"');
    expect(JSON.stringify(out)).toContain('"value":"p2"');
    const fromActions = markDecided(blocks, "p3", "done");
    expect(JSON.stringify(fromActions)).not.toContain('"value":"p3"');
    expect(JSON.stringify(fromActions)).toContain('"value":"p4"');
  });

  it("renders the modal prefilled and the refusal", () => {
    const modal = approvalModal({
      kind: "raise-memory-limit",
      title: "Raise the memory limit of rdev/rdev-api to 768Mi",
      initialValue: "768Mi",
      hint: "A quantity like 1Gi, at most 4Gi",
      privateMetadata: '{"p":"x"}',
    });
    expect(modal).toMatchSnapshot();
    expect(modal.title.text.length).toBeLessThanOrEqual(24);
  });
});

describe("the root's time to OOM (from the latest diagnosis snapshot)", () => {
  const diagnosisEntry = (at: number, forecast: string | null, change: string | null): TimelineEntry => ({
    at,
    type: ENTRY.diagnosis,
    by: "alertmanager",
    data: DiagnosisData.parse({
      snapshot: { ...sseLeakSnapshot(new Date(at).toISOString()), at, forecast, change },
      requestedBy: "alertmanager",
      proposals: [],
    }),
  });

  it("shows the latest forecast and what changed, dated, while open", () => {
    const forecast =
      "at this rate rdev-api-776bb57b9d-9xxw8 reaches its 512Mi limit in about 6 min (5 min–7 min)";
    const change =
      "Memory began climbing 1m after the rollout of revision 2: image rdev-api:1.8.3 → rdev-api:1.9.0.";
    const m = root(incident(), [
      diagnosisEntry(T0 + MIN, "No pod is climbing.", null),
      diagnosisEntry(T0 + 5 * MIN, forecast, change),
    ]);
    const text = json(m);
    expect(text).toContain("*Time to OOM* (diagnosis of 2026-11-26 02:56 UTC)");
    expect(text).toContain("in about 6 min");
    expect(text).toContain("revision 2");
    expect(text).not.toContain("No pod is climbing");
    expect(slackLimitViolations(m)).toEqual([]);
  });

  it("none without a forecast, and none once resolved", () => {
    expect(json(root(incident(), [diagnosisEntry(T0 + MIN, null, null)]))).not.toContain("Time to OOM");
    const resolved = incident({ status: "resolved", resolvedAt: T0 + 10 * MIN });
    expect(json(root(resolved, [diagnosisEntry(T0 + MIN, "No pod is climbing.", null)]))).not.toContain(
      "Time to OOM",
    );
  });
});
