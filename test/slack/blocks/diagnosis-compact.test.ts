// The diagnosis' thread message is compact: verdict, worst pods, actions with their buttons, then
// the Details button; the evidence (heap profile, full pod table, OOM kills, notes, kubectl
// equivalents) is in the Details report only, and nothing of the report is lost.

import type { Diagnosis } from "@rdev/bot/diagnose/types.ts";
import { diagnosisBlocks, PROPOSAL_ACTION_PREFIX } from "@rdev/bot/render/blocks/diagnosis.ts";
import {
  compactDiagnosisBlocks,
  DIAGNOSIS_DETAILS_ACTION,
} from "@rdev/bot/render/blocks/diagnosis-compact.ts";
import { slackLimitViolations } from "@rdev/bot/render/blocks/limits.ts";
import { THREAD_COLUMNS } from "@rdev/bot/render/blocks/worst-pods.ts";
import { detailsBlocks, detailsModal } from "@rdev/bot/slack/details/view.ts";
import type { KnownBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import { criticalSseLeak, forbidden, healthy, manyPods } from "../../support/diagnosis-fixtures.ts";

const texts = (blocks: readonly KnownBlock[]): string[] => {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if ((o.type === "mrkdwn" || o.type === "plain_text") && typeof o.text === "string") out.push(o.text);
      for (const x of Object.values(o)) walk(x);
    }
  };
  walk(blocks);
  return out;
};
const all = (blocks: readonly KnownBlock[]) => texts(blocks).join("\n");
const BUTTONS = [
  { actionKind: "restart-pod", proposalId: "p-restart" },
  { actionKind: "raise-memory-limit", proposalId: "p-raise" },
];

describe("compactDiagnosisBlocks", () => {
  const d = criticalSseLeak();
  const message = compactDiagnosisBlocks(d, { actionButtons: BUTTONS, detailsId: "det-0001" });
  const text = all(message.blocks);

  it("puts the verdict, the worst pods and the actions first, then Details", () => {
    expect(slackLimitViolations(message)).toEqual([]);
    const at = (pattern: RegExp) => message.blocks.findIndex((b) => pattern.test(all([b])));
    const order = [
      at(/^High memory: rdev\/rdev-api is critical$/),
      at(/:red_circle: \*Critical\*/),
      at(/\*Likely cause:\* SSE connection leak \(high confidence\)/),
      at(/OOM kills \(last 1h\): 1/),
      at(/\*Worst pods\*/),
      at(/\*Recommended actions\*/),
      at(/\*1\. Restart `?rdev-api-7c9f8-x2k4q/),
      at(/\*Details:\*/),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(message.blocks.length).toBeLessThanOrEqual(15);
    // The headline's "Likely cause: …" is not repeated above the cause's own line.
    expect(text.match(/Likely cause/g)).toHaveLength(1);
  });

  it("keeps the approval buttons on their actions and adds one Details button", () => {
    const accessories = message.blocks.flatMap((b) =>
      b.type === "section" && b.accessory?.type === "button" ? [b.accessory] : [],
    );
    expect(accessories.map((b) => [b.action_id, b.value])).toEqual([
      [`${PROPOSAL_ACTION_PREFIX}restart-pod:0`, "p-restart"],
      [`${PROPOSAL_ACTION_PREFIX}raise-memory-limit:1`, "p-raise"],
      [DIAGNOSIS_DETAILS_ACTION, "det-0001"],
    ]);
  });

  it("leaves the evidence to the Details, and says what they hold", () => {
    for (const moved of [
      "Heap profile",
      "(*Broker).Subscribe",
      "kubectl -n rdev delete pod",
      "kubectl -n rdev set resources",
      "*OOM kills in the last",
      "API calls",
      "READY",
    ]) {
      expect(text).not.toContain(moved);
      expect(all(detailsBlocks(d))).toContain(moved);
    }
    expect(text).toContain(
      "*Details:* all 3 pods, OOM kills, cause evidence, heap profile, kubectl equivalents",
    );
  });

  it("draws the worst pods' table within the thread pane's width", () => {
    const table = /```\n([\s\S]*?)```/.exec(text)?.[1] ?? "";
    const lines = table.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(THREAD_COLUMNS);
  });

  it.each([3, 30, 300])("a %i-pod diagnosis stays small and within Slack's limits", (n) => {
    const many = manyPods(n);
    const m = compactDiagnosisBlocks(many, {
      actionButtons: many.actions.map((a, i) => ({ actionKind: a.kind, proposalId: `p${i}`.repeat(300) })),
      detailsId: "det-0002",
    });
    expect(slackLimitViolations(m)).toEqual([]);
    expect(m.blocks.length).toBeLessThanOrEqual(5 + Math.min(many.actions.length, 10) + 2);
    if (n > 3) expect(all(m.blocks)).toMatch(/… and \d+ more pods \(.*\) in Details/);
    // The Details report: every pod that fits, in a modal (100 blocks, 3,000 characters a section).
    const view = detailsModal(detailsBlocks(many));
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(slackLimitViolations({ text: "x", blocks: view.blocks as KnownBlock[] })).toEqual([]);
  });

  it("a healthy diagnosis is a few lines, a failed one unchanged", () => {
    const ok = compactDiagnosisBlocks(healthy(), { detailsId: "det-0003" });
    expect(all(ok.blocks)).toContain(":large_green_circle: *OK*");
    expect(ok.blocks.length).toBeLessThanOrEqual(6);
    expect(compactDiagnosisBlocks(forbidden(), { detailsId: "det-0004" })).toEqual(
      diagnosisBlocks(forbidden()),
    );
  });

  it("matches its snapshot", () => {
    expect(message).toMatchSnapshot();
  });
});

describe("compactDiagnosisBlocks cannot be injected", () => {
  const hostile = "<!channel> *URGENT* _run_ `rm -rf` ~x~ <@U0ADMIN> <https://evil.example|docs> @here &";
  function poisoned(): Diagnosis {
    const d = criticalSseLeak();
    const first = d.pods[0];
    if (!first) throw new Error("fixture changed");
    first.name = hostile;
    d.headline = hostile;
    const cause = d.causes[0];
    if (cause) cause.title = hostile;
    const action = d.actions[0];
    if (action) {
      action.title = hostile;
      action.reason = hostile;
    }
    return d;
  }

  it("shows hostile strings literally", () => {
    const m = compactDiagnosisBlocks(poisoned(), { actionButtons: BUTTONS, detailsId: "det-0005" });
    const rendered = [m.text, ...texts(m.blocks)].join("\n");
    expect(rendered).not.toMatch(/<[!@#]/);
    expect(rendered).not.toMatch(/<https?:/);
    expect(rendered.match(/&(?!amp;|lt;|gt;)/g)).toBeNull();
    expect(slackLimitViolations(m)).toEqual([]);
  });
});
