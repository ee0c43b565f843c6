// The history views' Block Kit and the postmortem Markdown: snapshot-tested, within Slack's limits
// (50 blocks per message, 100 per Home view), and hostile text from the cluster stays inert.

import { summariseIncident } from "@rdev/bot/history/summary.ts";
import { historyBlocks } from "@rdev/bot/render/blocks/history.ts";
import { HOME_MAX_BLOCKS, homeView, type OpenIncident } from "@rdev/bot/render/blocks/home.ts";
import { slackLimitViolations } from "@rdev/bot/render/blocks/limits.ts";
import { postmortemMarkdown } from "@rdev/bot/render/blocks/postmortem.ts";
import { incidentTimelineBlocks, packLines } from "@rdev/bot/render/blocks/timeline.ts";
import type { KnownBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import { realisticRecord } from "../../support/history.ts";

const NOW = Date.parse("2026-11-26T04:00:00Z");
const resolved = summariseIncident(realisticRecord(), NOW);
const open = summariseIncident(realisticRecord({ resolved: false, permalink: null }), NOW);

/** Home views may hold 100 blocks; the message checker counts 50, so check the rest of the rules. */
const homeViolations = (blocks: KnownBlock[]) =>
  slackLimitViolations({ text: "", blocks }).filter((v) => !/^\d+ blocks/.test(v));

describe("/rdev incident timeline", () => {
  it("renders an incident's figures, actions and whole timeline, with the export button", () => {
    const message = incidentTimelineBlocks(resolved);
    expect(message).toMatchSnapshot();
    expect(slackLimitViolations(message)).toEqual([]);
    const json = JSON.stringify(message);
    expect(json).toContain("Approved: Raise the memory limit to 768Mi (<@U0LEAD0001>)");
    expect(json).toContain("Verification passed after Raise the memory limit: 93.4% → 54.2%");
    expect(json).toContain("history:export-postmortem");
  });

  it("stays within a message with thousands of entries, keeping the newest", () => {
    const record = realisticRecord();
    const many = {
      ...record,
      timeline: Array.from({ length: 3000 }, (_, i) => ({
        ...record.timeline[i % 12],
        at: record.incident.createdAt + i * 1000,
      })),
    };
    const message = incidentTimelineBlocks(summariseIncident(many as typeof record, NOW));
    expect(slackLimitViolations(message)).toEqual([]);
    expect(JSON.stringify(message)).toMatch(/… \d+ earlier entries/);
  });

  it("escapes hostile text and offers no export without a thread", () => {
    const record = realisticRecord({ resolved: false });
    const hostile = {
      ...record,
      incident: { ...record.incident, alertName: "<!channel> *boom*", workload: "<@U123>", root: null },
      timeline: [
        ...record.timeline,
        {
          at: NOW,
          type: "action_failed",
          by: "worker",
          data: { proposalId: "p", action: "restart-pod", message: "<!here> `rm -rf`" },
        },
      ],
    };
    const message = incidentTimelineBlocks(summariseIncident(hostile, NOW));
    const mrkdwn = JSON.stringify(message.blocks.slice(1));
    expect(mrkdwn).not.toContain("<!channel>");
    expect(mrkdwn).not.toContain("<!here>");
    expect(mrkdwn).not.toContain("<@U123>");
    expect(mrkdwn).not.toContain("history:export-postmortem");
  });

  it("packs lines into sections, summing up what does not fit", () => {
    expect(packLines(["a", "b", "c"], 3, 5)).toEqual(["a\nb", "c"]);
    expect(packLines(["aaaa", "bbbb", "cccc"], 4, 2)).toEqual([
      "_… 2 earlier entries (the postmortem export has them all)_",
      "cccc",
    ]);
  });
});

describe("/rdev mem history", () => {
  it("renders peak, cause, actions and outcome per incident", () => {
    const message = historyBlocks([open, resolved], { days: 90, limit: 10 });
    expect(message).toMatchSnapshot();
    expect(slackLimitViolations(message)).toEqual([]);
    const text = JSON.stringify(message);
    expect(text).toContain("peak 93.4%");
    expect(text).toContain("cause: SSE connection leak (high)");
    expect(text).toContain("Raise the memory limit to 768Mi by <@U0LEAD0001> → done, verification passed");
    expect(text).toContain("Outcome: *fixed (verified)*");
  });
});

describe("App Home", () => {
  const openIncident: OpenIncident = {
    summary: open,
    firing: 2,
    pods: 3,
    pending: [
      {
        proposalId: "p-heap",
        title: "Capture a heap profile of rdev-api-7d9f8b6c5d-x2k4q",
        requestedBy: "alertmanager",
        expiresAt: NOW + 25 * 60_000,
      },
    ],
  };

  it("shows open incidents with pending approvals, then recent history", () => {
    const view = homeView({
      open: [openIncident],
      recent: [resolved],
      target: "rdev/rdev-api",
      now: NOW,
      days: 90,
    });
    expect(view).toMatchSnapshot();
    expect(homeViolations(view.blocks as KnownBlock[])).toEqual([]);
    expect(JSON.stringify(view)).toContain("Waiting for approval");
    expect(JSON.stringify(view)).toContain("expires in 25m");
  });

  it("stays within 100 blocks however much there is", () => {
    const view = homeView({
      open: Array.from({ length: 40 }, () => openIncident),
      recent: Array.from({ length: 200 }, () => resolved),
      target: "rdev/rdev-api",
      now: NOW,
      days: 90,
    });
    expect(view.blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
    expect(homeViolations(view.blocks as KnownBlock[])).toEqual([]);
    expect(JSON.stringify(view)).toContain("and 28 more open incidents");
    expect(JSON.stringify(view)).toMatch(/and \d+ more: /);
  });

  it("says so when nothing happened", () => {
    const view = homeView({ open: [], recent: [], target: "rdev/rdev-api", now: NOW, days: 90 });
    expect(JSON.stringify(view)).toContain("Nothing open.");
    expect(view.blocks.length).toBeLessThan(10);
  });
});

describe("postmortem draft", () => {
  it("has the timeline, the figures and the runbook's checklist with what is known", () => {
    const markdown = postmortemMarkdown(resolved, {
      now: NOW,
      runbookUrl: "https://gitea.example.com/runbook",
      names: new Map([
        ["U0LEAD0001", { id: "U0LEAD0001", name: "Lee Lead" }],
        ["U0DEVANNA1", { id: "U0DEVANNA1", name: "anna" }],
      ]),
    });
    expect(markdown).toMatchSnapshot();
    for (const item of [
      "1. [ ] Analyze heap profile for memory leaks",
      "2. [ ] Review SSE connection lifecycle",
      "3. [ ] Consider implementing output size limits",
      "4. [ ] Update memory limits based on findings",
      "5. [ ] Consider adding memory-based HPA",
    ]) {
      expect(markdown).toContain(item);
    }
    expect(markdown).toContain("`bufio.NewWriterSize` 41.0%");
    expect(markdown).toContain("4,812 active SSE connections");
    expect(markdown).toContain("Raised to 768Mi by Lee Lead");
    expect(markdown).not.toMatch(/U0LEAD0001|U0DEVANNA1|Slack user id/);
    expect(markdown).toContain("one pod stood out");
  });

  it("says what is missing when nothing was diagnosed, and escapes Markdown", () => {
    const record = realisticRecord({ resolved: false });
    const bare = {
      ...record,
      incident: { ...record.incident, alertName: "Alert|with*stars_" },
      timeline: [],
    };
    const markdown = postmortemMarkdown(summariseIncident(bare, NOW), { now: NOW, runbookUrl: null });
    expect(markdown).toContain("# Postmortem draft: Alert\\|with\\*stars\\_ on rdev/rdev-api");
    expect(markdown).toContain("No heap profile was captured");
    expect(markdown).toContain("No diagnosis was recorded.");
    expect(markdown).toContain("| Resolved | still open |");
  });
});
