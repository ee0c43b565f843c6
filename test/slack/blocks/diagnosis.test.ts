import type { Diagnosis } from "@rdev/bot/diagnose/types.ts";
import { diagnosisBlocks, PROPOSAL_ACTION_PREFIX } from "@rdev/bot/render/blocks/diagnosis.ts";
import { slackLimitViolations } from "@rdev/bot/render/blocks/limits.ts";
import type { KnownBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import {
  criticalSseLeak,
  forbidden,
  healthy,
  manyPods,
  metricsServerMissing,
} from "../../support/diagnosis-fixtures.ts";

/** Every string in the message of the given text type ("mrkdwn" is parsed by Slack, "plain_text" is not). */
function texts(blocks: KnownBlock[], type: "mrkdwn" | "plain_text" | "any" = "any"): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      const isText = o.type === "mrkdwn" || o.type === "plain_text";
      if (isText && (type === "any" || o.type === type) && typeof o.text === "string") out.push(o.text);
      for (const x of Object.values(o)) walk(x);
    }
  };
  walk(blocks);
  return out;
}

/** mrkdwn with code spans and blocks removed: where formatting characters would take effect. */
const outsideCode = (mrkdwn: string) => mrkdwn.replace(/```[\s\S]*?```/g, "").replace(/`[^`]*`/g, "");

describe("diagnosisBlocks snapshots", () => {
  it("critical SSE leak with proposal buttons", () => {
    const d = criticalSseLeak();
    const message = diagnosisBlocks(d, {
      actionButtons: [
        { actionKind: "restart-pod", proposalId: "prop_01HZX3" },
        { actionKind: "raise-memory-limit", proposalId: "prop_01HZX4" },
      ],
    });
    expect(slackLimitViolations(message)).toEqual([]);
    expect(message).toMatchSnapshot();
  });

  it("critical SSE leak without buttons: actions as plain text", () => {
    const message = diagnosisBlocks(criticalSseLeak());
    expect(JSON.stringify(message.blocks)).not.toContain('"accessory"');
    expect(message).toMatchSnapshot();
  });

  it("healthy", () => {
    expect(diagnosisBlocks(healthy())).toMatchSnapshot();
  });

  it("metrics-server missing and a pod timing out", () => {
    expect(diagnosisBlocks(metricsServerMissing())).toMatchSnapshot();
  });

  it("cannot list pods (403)", () => {
    const message = diagnosisBlocks(forbidden());
    expect(message.blocks).toHaveLength(3);
    expect(message).toMatchSnapshot();
  });
});

describe("diagnosisBlocks buttons", () => {
  const d = criticalSseLeak();

  it("carries the proposal id, marks destructive actions, and leaves confirming to the app", () => {
    const { blocks } = diagnosisBlocks(d, {
      actionButtons: [
        { actionKind: "restart-pod", proposalId: "p-restart" },
        { actionKind: "capture-heap-profile", proposalId: "p-heap", label: "Profile it" },
        { actionKind: "set-cache-ttl", proposalId: "p-unused" },
      ],
    });
    const buttons = blocks.flatMap((b) =>
      b.type === "section" && b.accessory?.type === "button" ? [b.accessory] : [],
    );
    // No Slack `confirm`: it would show before the app can check the clicker against the policy.
    expect(buttons.map((b) => [b.value, b.action_id, b.style, b.confirm !== undefined])).toEqual([
      ["p-restart", `${PROPOSAL_ACTION_PREFIX}restart-pod:0`, "danger", false],
    ]);
  });

  it("matches a button to one action by id when given", () => {
    const { blocks } = diagnosisBlocks(d, {
      actionButtons: [
        { actionKind: "raise-memory-limit", actionId: "raise-memory-limit:768Mi", proposalId: "p-raise" },
      ],
    });
    const button = blocks.flatMap((b) =>
      b.type === "section" && b.accessory?.type === "button" ? [b.accessory] : [],
    )[0];
    expect(button?.text.text).toBe("Raise limit to 768Mi");
    expect(button?.value).toBe("p-raise");
  });
});

describe("diagnosisBlocks within Slack's limits", () => {
  it.each([3, 30, 300])("a %i-pod diagnosis breaks no limit and says what it left out", (n) => {
    const d = manyPods(n);
    const message = diagnosisBlocks(d, {
      actionButtons: d.actions.map((a, i) => ({ actionKind: a.kind, proposalId: `p${i}`.repeat(300) })),
    });
    expect(slackLimitViolations(message)).toEqual([]);
    const all = texts(message.blocks).join("\n");
    if (n === 300) {
      expect(all).toMatch(/… and 2\d\d more pods \(\d+ warning, \d+ ok\)/);
      expect(all).toContain("probed 10 of 300 pods");
      expect(all).toContain("… and 5 more notes");
      expect(all).toMatch(/… and \d+ more\n/);
    }
  });

  it("the limit checker catches what Slack would reject", () => {
    const bad = {
      text: "x",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "h".repeat(151) } },
        { type: "section", text: { type: "mrkdwn", text: "s".repeat(3001) } },
        { type: "section", fields: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "f" })) },
        ...Array.from({ length: 48 }, () => ({ type: "divider" })),
      ] as KnownBlock[],
    };
    expect(slackLimitViolations(bad)).toEqual([
      "51 blocks (max 50)",
      "block 0 (header): text is 151 characters (max 150)",
      "block 1 (section): text is 3001 characters (max 3000)",
      "block 2 (section): 11 fields (max 10)",
    ]);
  });
});

describe("diagnosisBlocks cannot be injected", () => {
  const hostile = "<!channel> *URGENT* _run_ `rm -rf` ~x~ <@U0ADMIN> <https://evil.example|docs> @here &";

  function poisoned(): Diagnosis {
    const d = criticalSseLeak();
    const first = d.pods[0];
    if (!first?.probe) throw new Error("fixture changed");
    first.name = hostile;
    first.node = hostile;
    first.probe.metricsError = hostile;
    d.headline = hostile;
    d.notes.push({ source: "events", message: hostile });
    d.oomKills[0] = {
      ...(d.oomKills[0] as Diagnosis["oomKills"][number]),
      pod: hostile,
      message: hostile,
      reason: hostile,
    };
    const cause = d.causes[0];
    if (cause?.evidence[0]) cause.evidence[0].text = hostile;
    const action = d.actions[0];
    if (action) {
      action.title = hostile;
      action.reason = hostile;
      action.kubectl = hostile;
    }
    if (d.heap?.status === "captured" && d.heap.summary.top[0]) d.heap.summary.top[0].function = hostile;
    d.target.deployment = hostile;
    return d;
  }

  it("shows hostile strings literally: no mention, link or formatting survives", () => {
    const message = diagnosisBlocks(poisoned(), {
      actionButtons: [{ actionKind: "restart-pod", proposalId: "p" }],
    });
    const mrkdwn = [message.text, ...texts(message.blocks, "mrkdwn")];
    const rendered = mrkdwn.join("\n");
    expect(rendered).not.toMatch(/<[!@#]/);
    expect(rendered).not.toMatch(/<https?:/);
    expect(rendered).not.toMatch(/@here/);
    // Every & is an entity Slack decodes, never a raw one.
    expect(rendered.match(/&(?!amp;|lt;|gt;)/g)).toBeNull();
    expect(rendered).toContain("&lt;!channel&gt;");
    // Outside code, no formatting marker survives; inside code, it is inert.
    for (const text of mrkdwn.map(outsideCode)) {
      expect(text).not.toContain("*URGENT*");
      expect(text).not.toContain("_run_");
      expect(text).not.toContain("~x~");
    }
    // Code spans and blocks stay balanced, so the hostile backticks close nothing early.
    for (const text of mrkdwn) expect((text.replace(/```/g, "").match(/`/g) ?? []).length % 2).toBe(0);
    // plain_text is not parsed by Slack, but still carries no control characters or newlines.
    const controls = (t: string) => [...t].filter((c) => (c.codePointAt(0) ?? 32) < 32);
    for (const text of texts(message.blocks, "plain_text")) expect(controls(text)).toEqual([]);
    expect(slackLimitViolations(message)).toEqual([]);
  });
});
