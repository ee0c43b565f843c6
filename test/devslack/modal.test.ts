import { approvalModal } from "@rdev/bot/render/blocks/approval.ts";
import { detailsBlocks, detailsModal } from "@rdev/bot/slack/details/view.ts";
import { renderConfirm } from "@rdev/dev-slack/client/confirm.ts";
import type { MessageContext } from "@rdev/dev-slack/client/message.ts";
import { renderModal } from "@rdev/dev-slack/client/modal.ts";
import type { SlackMessage, UiState } from "@rdev/dev-slack/client/types.ts";
import {
  channelTimeline,
  elementAt,
  findMessage,
  threadTimeline,
} from "@rdev/dev-slack/client/view-model.ts";
import { elementsOf, textOf, type VElement, type VNode } from "@rdev/dev-slack/client/vnode.ts";
import { describe, expect, it } from "vitest";
import { criticalSseLeak } from "../support/diagnosis-fixtures.ts";

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

describe("modals and confirm dialogs", () => {
  it("renders the bot's approval modal with its initial value, hint and errors", () => {
    const view = {
      ...approvalModal({
        kind: "raise-memory-limit",
        title: "Raise the memory limit of rdev/rdev-api",
        initialValue: "1536Mi",
        hint: "at most 4Gi",
        privateMetadata: "{}",
      }),
      id: "V1",
    };
    const modal = renderModal(view, { value: "Too big" }, ctx);
    expect(modal.attrs["data-view-id"]).toBe("V1");
    expect(textOf(byClass(modal, "modal-title"))).toBe("Raise memory limit");
    const input = elementsOf(modal).find((e) => e.tag === "input");
    expect(input?.attrs).toMatchObject({
      value: "1536Mi",
      "data-block-id": "value",
      "data-action-id": "value",
      "data-input": "plain_text_input",
      maxlength: "32",
    });
    expect(textOf(byClass(modal, "inp-hint"))).toBe("at most 4Gi");
    expect(textOf(byClass(modal, "inp-error"))).toBe("Too big");
    expect(
      elementsOf(modal)
        .filter((e) => e.tag === "button")
        .map(textOf),
    ).toEqual(["✕", "Cancel", "Approve"]);
  });

  it("renders a diagnosis' Details modal: the full report, its tables as code, Close only", () => {
    const view = { ...detailsModal(detailsBlocks(criticalSseLeak())), id: "V3" };
    const modal = renderModal(view, {}, ctx);
    expect(textOf(byClass(modal, "modal-title"))).toBe("Diagnosis details");
    const pres = elementsOf(modal).filter((e) => e.tag === "pre");
    expect(pres.map(textOf).join("\n")).toMatch(/POD +MEM\/LIMIT +% +RST READY SSE +CMDS/);
    expect(pres.map(textOf).join("\n")).toContain("(*Broker).Subscribe");
    expect(textOf(modal)).toContain("kubectl -n rdev delete pod rdev-api-7c9f8-x2k4q");
    expect(
      elementsOf(modal)
        .filter((e) => e.tag === "button")
        .map(textOf),
    ).toEqual(["✕", "Close"]);
  });

  it("renders static_select with its initial option and multiline inputs as text areas", () => {
    const modal = renderModal(
      {
        id: "V2",
        title: { type: "plain_text", text: "T" },
        blocks: [
          {
            type: "input",
            block_id: "why",
            optional: true,
            label: { type: "plain_text", text: "Why" },
            element: { type: "plain_text_input", action_id: "t", multiline: true, initial_value: "because" },
          },
          {
            type: "input",
            label: { type: "plain_text", text: "Pick" },
            element: {
              type: "static_select",
              action_id: "s",
              initial_option: { text: { type: "plain_text", text: "B" }, value: "b" },
              options: [
                { text: { type: "plain_text", text: "A" }, value: "a" },
                { text: { type: "plain_text", text: "B" }, value: "b" },
              ],
            },
          },
        ],
      },
      {},
      ctx,
    );
    expect(textOf(elementsOf(modal).find((e) => e.tag === "textarea") ?? "")).toBe("because");
    expect(textOf(byClass(modal, "inp-optional"))).toBe(" (optional)");
    const select = elementsOf(modal).find((e) => e.tag === "select");
    expect(select?.attrs["data-block-id"]).toBe("blk1");
    expect(select?.children.filter((o) => typeof o !== "string" && o.attrs.selected).map(textOf)).toEqual([
      "B",
    ]);
    expect(
      elementsOf(modal)
        .filter((e) => e.tag === "button")
        .map(textOf),
    ).toEqual(["✕", "Cancel"]);
  });

  it("builds the confirm dialog from the confirmation object", () => {
    const dialog = renderConfirm(
      {
        title: { type: "plain_text", text: "Restart pod?" },
        text: { type: "mrkdwn", text: "Deletes `p-1`" },
        confirm: { type: "plain_text", text: "Restart" },
        deny: { type: "plain_text", text: "Cancel" },
        style: "danger",
      },
      ctx,
    );
    expect(textOf(byClass(dialog, "dlg-title"))).toBe("Restart pod?");
    expect(elementsOf(byClass(dialog, "dlg-text")).map((e) => e.tag)).toContain("code");
    const [deny, confirm] = elementsOf(dialog).filter((e) => e.tag === "button");
    expect([textOf(deny ?? ""), deny?.attrs["data-act"]]).toEqual(["Cancel", "deny"]);
    expect([textOf(confirm ?? ""), confirm?.attrs.class]).toEqual(["Restart", "sk-btn sk-btn-danger"]);
  });
});

describe("view model", () => {
  const msg = (ts: string, extra: Partial<SlackMessage> = {}): SlackMessage => ({
    type: "message",
    ts,
    user: "U0RDEVBOT1",
    text: ts,
    team: "T1",
    ...extra,
  });
  const state = {
    messages: { C1: [msg("1.000100", { reply_count: 1, thread_ts: "1.000100" }), msg("3.000100")] },
    replies: {
      C1: {
        "1.000100": [
          msg("2.000100", {
            thread_ts: "1.000100",
            blocks: [{ type: "actions", elements: [{ type: "button", action_id: "a" }] }],
          }),
        ],
      },
    },
    ephemerals: [
      { channel: "C1", user: "U1", ts: "2.500000", message: msg("2.500000") },
      { channel: "C1", user: "U1", ts: "2.700000", message: msg("2.700000", { thread_ts: "1.000100" }) },
    ],
  } as unknown as UiState;

  it("interleaves the user's ephemerals by time, in the channel or in their thread", () => {
    expect(channelTimeline(state, "C1").map((e) => [e.message.ts, e.ephemeral])).toEqual([
      ["1.000100", false],
      ["2.500000", true],
      ["3.000100", false],
    ]);
    expect(threadTimeline(state, "C1", "1.000100").map((e) => e.message.ts)).toEqual([
      "1.000100",
      "2.000100",
      "2.700000",
    ]);
  });

  it("finds the message and element behind a click", () => {
    const reply = findMessage(state, "C1", "2.000100", false);
    expect(reply?.text).toBe("2.000100");
    expect(findMessage(state, "C1", "2.500000", true)?.text).toBe("2.500000");
    expect(findMessage(state, "C1", "2.500000", false)).toBeUndefined();
    expect(elementAt(reply ?? {}, 0, "0")).toEqual({ type: "button", action_id: "a" });
    expect(elementAt(reply ?? {}, 0, "accessory")).toBeUndefined();
  });
});
