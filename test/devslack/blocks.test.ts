import { renderBlocks } from "@rdev/dev-slack/client/blocks.ts";
import { type MessageContext, renderMessage } from "@rdev/dev-slack/client/message.ts";
import type { SlackMessage } from "@rdev/dev-slack/client/types.ts";
import { elementsOf, textOf, type VElement, type VNode } from "@rdev/dev-slack/client/vnode.ts";
import { describe, expect, it } from "vitest";

const ctx: MessageContext = {
  userName: (id) => ({ U0ONCALL1: "alice", U0RDEVBOT1: "rdev" })[id],
  channelName: () => "rdev-ops",
  fileUrl: (id) => `/ui/files/${id}/chart.png`,
  botUserId: "U0RDEVBOT1",
  botName: "rdev",
  file: (id) =>
    id === "F1"
      ? {
          id,
          name: "memory.png",
          title: "Memory",
          mimetype: "image/png",
          url: "/ui/files/F1/memory.png",
          size: 10,
        }
      : id === "F2"
        ? {
            id,
            name: "heap.pb.gz",
            title: "Heap",
            mimetype: "application/octet-stream",
            url: "/ui/files/F2/heap.pb.gz",
            size: 2048,
          }
        : undefined,
  time: (ts) => `t${ts.split(".")[0]}`,
};

const byClass = (nodes: VNode | VNode[], cls: string): VElement[] =>
  elementsOf(nodes).filter((e) => e.attrs.class?.split(" ").includes(cls));

describe("Block Kit rendering", () => {
  const blocks = [
    { type: "header", text: { type: "plain_text", text: ":red_circle: Memory alert" } },
    {
      type: "section",
      block_id: "summary",
      text: { type: "mrkdwn", text: "*rdev-api* at 96%" },
      fields: [
        { type: "mrkdwn", text: "*Pod*\n`p-1`" },
        { type: "plain_text", text: "*not bold*" },
      ],
      accessory: {
        type: "button",
        action_id: "go",
        text: { type: "plain_text", text: "Approve" },
        style: "primary",
      },
    },
    { type: "divider" },
    {
      type: "context",
      elements: [
        { type: "mrkdwn", text: "_by_ <@U0ONCALL1>" },
        { type: "image", image_url: "https://x.dev/i.png", alt_text: "i" },
      ],
    },
    {
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: "restart",
          style: "danger",
          text: { type: "plain_text", text: "Restart" },
        },
        {
          type: "static_select",
          action_id: "pick",
          placeholder: { type: "plain_text", text: "Choose" },
          options: [{ text: { type: "plain_text", text: "One" }, value: "1" }],
        },
      ],
    },
    {
      type: "image",
      slack_file: { id: "F9" },
      alt_text: "chart",
      title: { type: "plain_text", text: "Chart" },
    },
    { type: "video" },
  ];
  const out = renderBlocks(blocks, ctx);

  it("renders each block type with its content", () => {
    expect(textOf(byClass(out, "blk-header"))).toBe("🔴 Memory alert");
    expect(textOf(byClass(out, "blk-text"))).toBe("rdev-api at 96%");
    expect(byClass(out, "blk-field").map(textOf)).toEqual(["Pod\np-1", "*not bold*"]);
    expect(elementsOf(out).filter((e) => e.tag === "hr")).toHaveLength(1);
    expect(textOf(byClass(out, "blk-context"))).toBe("by @alice");
    expect(byClass(out, "blk-context-img")[0]?.attrs.src).toBe("https://x.dev/i.png");
    expect(byClass(out, "blk-image-img")[0]?.attrs).toMatchObject({
      src: "/ui/files/F9/chart.png",
      alt: "chart",
    });
    expect(textOf(byClass(out, "blk-unknown"))).toBe("[unsupported block: video]");
  });

  it("addresses interactive elements by block and element position, with Slack's button styles", () => {
    const buttons = elementsOf(out).filter((e) => e.tag === "button");
    expect(
      buttons.map((b) => [textOf(b), b.attrs.class, b.attrs["data-block"], b.attrs["data-element"]]),
    ).toEqual([
      ["Approve", "sk-btn sk-btn-primary", "1", "accessory"],
      ["Restart", "sk-btn sk-btn-danger", "4", "0"],
    ]);
    const select = elementsOf(out).find((e) => e.tag === "select");
    expect(select?.attrs).toMatchObject({ "data-block": "4", "data-element": "1", "data-act": "select" });
    expect(select?.children.map(textOf)).toEqual(["Choose", "One"]);
  });

  it("disables elements where clicks cannot be sent", () => {
    const off = renderBlocks(blocks, ctx, { interactive: false });
    expect(
      elementsOf(off)
        .filter((e) => e.tag === "button")
        .every((b) => b.attrs.disabled === "disabled"),
    ).toBe(true);
  });
});

describe("messages", () => {
  const message = (extra: Partial<SlackMessage>): SlackMessage => ({
    type: "message",
    ts: "1700000000.000100",
    user: "U0RDEVBOT1",
    bot_id: "B1",
    text: "fallback *text*",
    team: "T1",
    ...extra,
  });
  const place = { channel: "C0RDEVOPS1", ephemeral: false, inThread: false };

  it("shows blocks instead of the fallback text, the APP badge, time, edits and replies", () => {
    const m = renderMessage(
      message({
        blocks: [{ type: "section", text: { type: "mrkdwn", text: "from blocks" } }],
        edited: { user: "U0RDEVBOT1", ts: "1.0" },
        reply_count: 3,
        latest_reply: "1700000100.000100",
      }),
      ctx,
      place,
    );
    expect(m.attrs).toMatchObject({
      "data-channel": "C0RDEVOPS1",
      "data-ts": "1700000000.000100",
      "data-ephemeral": "false",
    });
    expect(textOf(byClass(m, "msg-author"))).toBe("rdev");
    expect(textOf(byClass(m, "badge"))).toBe("APP");
    expect(textOf(byClass(m, "msg-time"))).toBe("t1700000000");
    expect(textOf(byClass(m, "msg-body"))).toBe("from blocks");
    expect(textOf(byClass(m, "msg-edited"))).toBe("(edited)");
    expect(textOf(byClass(m, "msg-replies"))).toBe("3 repliesLast reply t1700000100");
    expect(
      byClass(renderMessage(message({ reply_count: 3 }), ctx, { ...place, inThread: true }), "msg-replies"),
    ).toEqual([]);
  });

  it("uses the text without blocks, marks ephemerals, and shows files: images inline, others as downloads", () => {
    const m = renderMessage(
      message({
        user: "U0ONCALL1",
        bot_id: undefined,
        files: [
          { id: "F1", name: "memory.png", title: "Memory" },
          { id: "F2", name: "heap.pb.gz", title: "Heap" },
          { id: "F3", name: "later.txt", title: "Later" },
        ],
      }),
      ctx,
      { ...place, ephemeral: true },
    );
    expect(textOf(byClass(m, "msg-author"))).toBe("alice");
    expect(byClass(m, "badge")).toEqual([]);
    expect(elementsOf(byClass(m, "msg-text")).map((e) => e.tag)).toContain("b");
    expect(textOf(byClass(m, "msg-ephemeral-note"))).toContain("Only visible to you");
    expect(elementsOf(m).find((e) => e.tag === "img")?.attrs.src).toBe("/ui/files/F1/memory.png");
    const download = byClass(m, "msg-file")[0];
    expect(download?.attrs).toMatchObject({ href: "/ui/files/F2/heap.pb.gz", download: "heap.pb.gz" });
    expect(textOf(download ?? "")).toBe("📎 Heap 2.0 KB");
    expect(textOf(byClass(m, "msg-file-pending"))).toContain("Later");
  });
});
