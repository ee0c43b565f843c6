// Renders GET /ui/state into the page: the user picker, channels, the channel's timeline, the
// open thread and the acting user's modal (keeping what they typed when only errors change).

import { byId, doc, time, ui } from "./context.ts";
import { type DomElement, materialize, materializeAll } from "./dom.ts";
import { renderMessage } from "./message.ts";
import { renderModal } from "./modal.ts";
import type { UiState } from "./types.ts";
import {
  channelList,
  channelTimeline,
  messageContext,
  type TimelineEntry,
  threadTimeline,
} from "./view-model.ts";
import { h } from "./vnode.ts";

export function render(state: UiState): void {
  ui.user = state.user;
  const channels = channelList(state);
  if (!channels.some((c) => c.id === ui.channel)) ui.channel = channels[0]?.id ?? "";
  const ctx = messageContext(state, time);
  const channelName = channels.find((c) => c.id === ui.channel)?.name ?? ui.channel;

  const picker = byId("user-select");
  if (picker.getAttribute("data-filled") !== "true") {
    picker.replaceChildren(
      ...materializeAll(
        doc,
        state.users.map((u) => h("option", { value: u.id }, `${u.name} (${u.title})`)),
      ),
    );
    picker.setAttribute("data-filled", "true");
  }
  picker.value = state.user;
  byId("ws-name").textContent = state.team.domain;
  byId("channel-list").replaceChildren(
    ...materializeAll(
      doc,
      channels.map((c) =>
        h(
          "button",
          {
            type: "button",
            class: `chan${c.id === ui.channel ? " active" : ""}`,
            "data-act": "channel",
            "data-id": c.id,
          },
          `# ${c.name}`,
        ),
      ),
    ),
  );
  byId("app-status").replaceChildren(
    materialize(
      doc,
      state.appUrl
        ? h("span", { class: "status-ok" }, "● app connected")
        : h("span", { class: "status-off" }, "○ no app connected"),
    ),
  );
  byId("channel-title").textContent = `# ${channelName}`;
  byId("composer").setAttribute(
    "placeholder",
    `Message #${channelName} (try ${state.commands[0] ?? "/"} help)`,
  );

  const list = byId("messages");
  const entries = channelTimeline(state, ui.channel);
  const show = (e: TimelineEntry, inThread: boolean, channel: string) =>
    renderMessage(e.message, ctx, { channel, ephemeral: e.ephemeral, inThread });
  fill(
    list,
    entries.length > 0
      ? entries.map((e) => show(e, false, ui.channel))
      : [h("div", { class: "empty" }, `This is the very beginning of #${channelName}.`)],
  );

  const pane = byId("thread");
  pane.hidden = ui.thread === null;
  if (ui.thread) {
    const { channel, ts } = ui.thread;
    byId("thread-channel").textContent = `#${channels.find((c) => c.id === channel)?.name ?? channel}`;
    fill(
      byId("thread-messages"),
      threadTimeline(state, channel, ts).flatMap((e, i) => [
        show(e, true, channel),
        ...(i === 0 ? [h("div", { class: "thread-divider" }, `${e.message.reply_count ?? 0} replies`)] : []),
      ]),
    );
  }
  renderModalLayer(state, ctx);
}

/** Replaces a list's content, staying at the bottom if the reader was there. */
function fill(list: DomElement, nodes: Parameters<typeof materialize>[1][]): void {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  list.replaceChildren(...materializeAll(doc, nodes));
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function renderModalLayer(state: UiState, ctx: ReturnType<typeof messageContext>): void {
  const layer = byId("modal-layer");
  const modal = state.modal;
  const key = modal
    ? `${modal.view.id}:${modal.view.hash}:${modal.depth}:${JSON.stringify(modal.errors)}`
    : "";
  if (key === ui.modalKey) return;
  const sameView = modal !== null && ui.modalKey.startsWith(`${modal.view.id}:${modal.view.hash}:`);
  const typed = sameView ? currentInputs() : [];
  ui.modalKey = key;
  layer.hidden = modal === null;
  if (!modal) {
    layer.replaceChildren();
    return;
  }
  layer.replaceChildren(materialize(doc, renderModal(modal.view, modal.errors, ctx)));
  for (const el of layer.querySelectorAll("[data-input]")) {
    const before = typed.find((t) => t.blockId === el.getAttribute("data-block-id"));
    if (before) el.value = before.value;
  }
  layer.querySelector("[data-input]")?.focus();
}

export function currentInputs(): { blockId: string; actionId: string; type: string; value: string }[] {
  return [...byId("modal-layer").querySelectorAll("[data-input]")].map((el) => ({
    blockId: el.getAttribute("data-block-id") ?? "",
    actionId: el.getAttribute("data-action-id") ?? "",
    type: el.getAttribute("data-input") ?? "",
    value: el.value,
  }));
}
