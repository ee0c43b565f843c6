// response_url posts shown as Slack shows them, and the modal stack following views.open and the
// app's response_action answers.

import { ManualClock } from "@rdev/bot/clock.ts";
import { storeView } from "@rdev/dev-slack/methods.ts";
import { createModals } from "@rdev/dev-slack/modals.ts";
import { applyResponse, createResponseUrls } from "@rdev/dev-slack/response-urls.ts";
import type { FakeSlackCall } from "@rdev/dev-slack/web-api.ts";
import { Workspace } from "@rdev/dev-slack/workspace.ts";
import { describe, expect, it } from "vitest";

const identity = {
  teamId: "T0RDEV0001",
  teamDomain: "rdev",
  botUserId: "U0RDEVBOT1",
  botId: "B0RDEVBOT1",
  appId: "A0RDEVAPP1",
};
const C = "C0RDEVOPS1";
const ALICE = "U0ONCALL1";

function setup() {
  const clock = new ManualClock();
  const ws = new Workspace(identity, clock);
  const root = ws.addMessage(C, {
    user: identity.botUserId,
    bot_id: identity.botId,
    text: "root",
    blocks: [{ type: "divider" }],
  });
  return { clock, ws, root };
}

describe("applyResponse", () => {
  it("posts ephemeral by default, to the user only, in the interaction's thread", () => {
    const { ws, root } = setup();
    const reply = ws.addMessage(C, { user: identity.botUserId, text: "reply", thread_ts: root.ts });
    const outcome = applyResponse(
      ws,
      { channel: C, user: ALICE, source: { ts: reply.ts, ephemeral: false }, threadTs: root.ts },
      { text: "only you", replace_original: false },
    );
    expect(outcome).toBe("ephemeral");
    expect(ws.ephemerals).toMatchObject([
      {
        channel: C,
        user: ALICE,
        message: { text: "only you", thread_ts: root.ts, user: identity.botUserId },
      },
    ]);
    expect(ws.rootMessages(C)).toHaveLength(1);
  });

  it("posts in_channel responses as messages from the app", () => {
    const { ws } = setup();
    expect(
      applyResponse(ws, { channel: C, user: ALICE }, { text: "for all", response_type: "in_channel" }),
    ).toBe("in_channel");
    expect(ws.rootMessages(C).map((m) => [m.text, m.bot_id])).toEqual([
      ["root", identity.botId],
      ["for all", identity.botId],
    ]);
  });

  it("replaces or deletes the source message, and an ephemeral source stays ephemeral", () => {
    const { ws, root } = setup();
    const source = { ts: root.ts, ephemeral: false };
    expect(
      applyResponse(ws, { channel: C, user: ALICE, source }, { replace_original: "true", text: "new" }),
    ).toBe("replaced");
    expect(ws.findMessage(C, root.ts)).toMatchObject({ text: "new" });
    expect(ws.findMessage(C, root.ts)?.blocks).toBeUndefined();

    applyResponse(ws, { channel: C, user: ALICE }, { text: "mine" });
    const eph = ws.ephemerals[0];
    const ephSource = { ts: eph?.ts ?? "", ephemeral: true };
    applyResponse(
      ws,
      { channel: C, user: ALICE, source: ephSource },
      { replace_original: true, text: "mine, updated" },
    );
    expect(ws.ephemerals.map((e) => e.message.text)).toEqual(["mine, updated"]);
    expect(applyResponse(ws, { channel: C, user: ALICE, source: ephSource }, { delete_original: true })).toBe(
      "deleted",
    );
    expect(ws.ephemerals).toEqual([]);

    expect(applyResponse(ws, { channel: C, user: ALICE, source }, { delete_original: true })).toBe("deleted");
    expect(ws.rootMessages(C)).toEqual([]);
  });

  it("leaves a tombstone when a thread root with replies is deleted", () => {
    const { ws, root } = setup();
    ws.addMessage(C, { user: ALICE, text: "a reply", thread_ts: root.ts });
    applyResponse(
      ws,
      { channel: C, user: ALICE, source: { ts: root.ts, ephemeral: false } },
      { delete_original: true },
    );
    expect(ws.thread(C, root.ts).map((m) => [m.text, m.subtype])).toEqual([
      ["This message was deleted.", "tombstone"],
      ["a reply", undefined],
    ]);
  });
});

describe("response URLs", () => {
  it("accept 5 posts within 30 minutes, record them, and show them only with a context", () => {
    const { ws, clock } = setup();
    const urls = createResponseUrls(ws, clock);
    const plain = urls.issue();
    const shown = urls.issue({ channel: C, user: ALICE });
    expect(urls.post(plain, "u1", '{"text":"a"}')).toEqual({ status: 200, body: { ok: true } });
    expect(ws.ephemerals).toEqual([]);
    expect(urls.post(shown, "u2", '{"text":"b"}').status).toBe(200);
    expect(ws.ephemerals.map((e) => e.message.text)).toEqual(["b"]);
    expect(urls.post(shown, "u2", "not json")).toEqual({ status: 400, body: "invalid_payload" });
    for (let i = 0; i < 4; i++) urls.post(plain, "u1", "{}");
    expect(urls.post(plain, "u1", "{}")).toEqual({ status: 404, body: "used_url" });
    clock.advance(30 * 60_000 + 1);
    expect(urls.post(shown, "u2", "{}")).toEqual({ status: 404, body: "expired_url" });
    expect(urls.post("T0/nope/x", "u3", "{}")).toEqual({ status: 404, body: "no_such_url" });
    expect(urls.posts.map((p) => p.url)).toEqual(["u1", "u2", "u1", "u1", "u1", "u1"]);
  });
});

describe("modals", () => {
  const opened = (trigger: string, viewId: string, ok = true): FakeSlackCall => ({
    method: "views.open",
    args: { trigger_id: trigger },
    at: 0,
    status: 200,
    response: ok ? { ok: true, view: { id: viewId } } : { ok: false, error: "expired_trigger_id" },
    ok,
  });

  function open() {
    const { ws } = setup();
    const modals = createModals(ws);
    const view = storeView(ws, { type: "modal", title: { type: "plain_text", text: "One" }, blocks: [] });
    const trigger = modals.issueTrigger(ALICE);
    expect(modals.observe(opened(trigger, view.id))).toBe(true);
    return { ws, modals, view };
  }

  it("opens a modal for the user whose interaction made the trigger id, and for nobody else", () => {
    const { modals, view } = open();
    expect(modals.current(ALICE)?.view.id).toBe(view.id);
    expect(modals.current("U0SRE0002")).toBeNull();
    expect(modals.observe(opened("123.4.unknown", "V9"))).toBe(false);
    expect(modals.observe(opened(modals.issueTrigger(ALICE), "V9", false))).toBe(false);
    expect(modals.current(ALICE)?.view.id).toBe(view.id);
  });

  it("applies response_action errors, update, push and clear; an empty ack closes the view", () => {
    const { ws, modals, view } = open();
    expect(
      modals.acknowledge(ALICE, view.id, { response_action: "errors", errors: { limit: "Too big" } }),
    ).toBe("errors");
    expect(modals.current(ALICE)?.errors).toEqual({ limit: "Too big" });

    const two = { type: "modal", title: { type: "plain_text", text: "Two" }, blocks: [] };
    expect(modals.acknowledge(ALICE, view.id, { response_action: "update", view: two })).toBe("updated");
    expect(modals.current(ALICE)).toMatchObject({
      view: { id: view.id, title: { text: "Two" } },
      errors: {},
      depth: 1,
    });

    expect(
      modals.acknowledge(ALICE, view.id, {
        response_action: "push",
        view: { ...two, title: { type: "plain_text", text: "Three" } },
      }),
    ).toBe("pushed");
    const top = modals.current(ALICE);
    expect(top?.depth).toBe(2);
    expect(ws.views.get(top?.view.id ?? "")?.title).toEqual({ type: "plain_text", text: "Three" });
    expect(modals.top(ALICE, view.id)).toBeUndefined();

    expect(modals.acknowledge(ALICE, top?.view.id ?? "", null)).toBe("closed");
    expect(modals.current(ALICE)?.view.id).toBe(view.id);
    expect(modals.acknowledge(ALICE, view.id, { response_action: "nonsense" })).toBe("invalid");
    expect(modals.acknowledge(ALICE, view.id, { response_action: "clear" })).toBe("cleared");
    expect(modals.current(ALICE)).toBeNull();
  });
});
