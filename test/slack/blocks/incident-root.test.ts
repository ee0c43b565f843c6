// Builders added for the Slack app: snapshot-tested and checked against Slack's limits.
import { describe, expect, it } from "vitest";
import { summariseIncident } from "../../../src/history/summary.ts";
import type { Incident } from "../../../src/incidents/model.ts";
import {
  approvalModal,
  approvedLine,
  markDecided,
  refusalModal,
} from "../../../src/slack/blocks/approval.ts";
import { helpBlocks } from "../../../src/slack/blocks/help.ts";
import { historyBlocks } from "../../../src/slack/blocks/history.ts";
import { incidentRootBlocks, safeLink } from "../../../src/slack/blocks/incident-root.ts";
import { slackLimitViolations } from "../../../src/slack/blocks/limits.ts";

const T0 = Date.parse("2026-11-26T02:51:03Z");

function incident(overrides: Partial<Incident> = {}, pods = 3): Incident {
  const alerts = Array.from({ length: pods }, (_, i) => ({
    fingerprint: `fp${i}`,
    status: "firing" as const,
    pod: `rdev-api-7d9f8b6c5d-p${String(i).padStart(4, "0")}`,
    container: "rdev-api",
    startsAt: T0 + i * 1000,
    endsAt: null,
    lastSeenAt: T0 + 600_000,
  }));
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
    alerts,
    firingCount: pods,
    root: { channel: "C0RDEVALRT", ts: "1764125463.000100" },
    resolvedAt: null,
    resolvedBy: null,
    ...overrides,
  };
}

describe("incidentRootBlocks", () => {
  it("renders a firing incident", () => {
    const message = incidentRootBlocks(incident(), T0 + 720_000);
    expect(message.text).toBe(
      "[FIRING:3] RdevAPIHighMemory rdev/rdev-api: Memory usage exceeds 80% of limit",
    );
    expect(message).toMatchSnapshot();
    expect(slackLimitViolations(message)).toEqual([]);
  });

  it("renders a resolved incident", () => {
    const resolved = incident({
      status: "resolved",
      resolvedAt: T0 + 21 * 60_000,
      resolvedBy: "alertmanager",
      firingCount: 0,
    });
    const message = incidentRootBlocks(resolved, T0 + 30 * 60_000);
    expect(message.text).toMatch(/^\[RESOLVED\]/);
    expect(JSON.stringify(message.blocks)).toContain("after 21m");
    expect(message).toMatchSnapshot();
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
    const message = incidentRootBlocks(hostile, T0 + 60_000);
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
      problem: 'I do not know "<!channel>".',
    });
    expect(help).toMatchSnapshot();
    expect(JSON.stringify(help)).not.toContain("<!channel>");
    expect(slackLimitViolations(help)).toEqual([]);
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
    expect(refusalModal("You are not an approver.").title.text.length).toBeLessThanOrEqual(24);
  });
});
