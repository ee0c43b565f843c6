// The dev workspace page: keeps GET /ui/state fresh (refetched whenever /ui/events says something
// changed), renders it with the pure renderers, and turns what the acting user does into POSTs to
// the fake Slack (/ui/command, /ui/message, /ui/click, /ui/submit, /ui/close), which sends the app
// the signed requests Slack would send.
import { isObj } from "./blocks.ts";
import { renderConfirm } from "./confirm.ts";
import { byId, doc, time, ui, win } from "./context.ts";
import { type DomElement, type DomEvent, eventTarget, materialize } from "./dom.ts";
import { currentInputs, render } from "./render-page.ts";
import { safeUrl } from "./safe.ts";
import type { UiState } from "./types.ts";
import { elementAt, findMessage, messageContext } from "./view-model.ts";
import { h } from "./vnode.ts";

function toast(text: string): void {
  const node = materialize(doc, h("div", { class: "toast", role: "status" }, text)) as DomElement;
  byId("toasts").append(node);
  win.setTimeout(() => node.remove(), 8000);
}

async function post(path: string, body: Record<string, unknown>): Promise<void> {
  try {
    const res = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: ui.user, ...body }),
    });
    const answer = (await res.json()) as { ok: boolean; error?: string };
    if (!answer.ok) toast(answer.error ?? `HTTP ${res.status}`);
  } catch (error) {
    toast(`The dev workspace did not answer: ${String(error)}`);
  }
}

async function refresh(): Promise<void> {
  if (ui.loading) {
    ui.dirty = true;
    return;
  }
  ui.loading = true;
  try {
    do {
      ui.dirty = false;
      const res = await fetch(`/ui/state?user=${encodeURIComponent(ui.user)}`);
      ui.state = (await res.json()) as UiState;
      render(ui.state);
    } while (ui.dirty);
  } finally {
    ui.loading = false;
  }
}

function showConfirm(confirm: unknown, onYes: () => void): void {
  if (!ui.state) return;
  const layer = byId("dialog-layer");
  layer.replaceChildren(materialize(doc, renderConfirm(confirm, messageContext(ui.state, time))));
  layer.hidden = false;
  ui.confirm = onYes;
  layer.querySelector('[data-act="confirm"]')?.focus();
}

function closeConfirm(): void {
  const layer = byId("dialog-layer");
  layer.hidden = true;
  layer.replaceChildren();
  ui.confirm = null;
}

/** A click on (or a choice in) an interactive element of a message. */
function onElement(node: DomElement, selected: string | null): void {
  const msg = node.closest(".msg");
  if (!msg || !ui.state) return;
  const channel = msg.getAttribute("data-channel") ?? "";
  const ts = msg.getAttribute("data-ts") ?? "";
  const ephemeral = msg.getAttribute("data-ephemeral") === "true";
  const block = Number(node.getAttribute("data-block"));
  const element = node.getAttribute("data-element") ?? "";
  const message = findMessage(ui.state, channel, ts, ephemeral);
  const el = message ? elementAt(message, block, element) : undefined;
  if (!el) return;
  const send = () => void post("/ui/click", { channel, ts, ephemeral, block, element, selected });
  const url = typeof el.url === "string" ? safeUrl(el.url) : null;
  if (url) win.open(url, "_blank", "noopener");
  if (isObj(el.confirm)) showConfirm(el.confirm, send);
  else send();
}

function sendComposer(input: DomElement, threadTs: string | null): void {
  const text = input.value.trim();
  if (text === "") return;
  input.value = "";
  const channel = threadTs && ui.thread ? ui.thread.channel : ui.channel;
  if (text.startsWith("/")) void post("/ui/command", { channel, text });
  else void post("/ui/message", { channel, text, threadTs });
}

function onClick(event: DomEvent): void {
  const node = eventTarget(event, "[data-act]");
  if (!node) return;
  const act = node.getAttribute("data-act");
  if (act === "button") onElement(node, null);
  else if (act === "thread") {
    ui.thread = {
      channel: node.closest(".msg")?.getAttribute("data-channel") ?? ui.channel,
      ts: node.getAttribute("data-ts") ?? "",
    };
    if (ui.state) render(ui.state);
  } else if (act === "close-thread") {
    ui.thread = null;
    if (ui.state) render(ui.state);
  } else if (act === "channel") {
    ui.channel = node.getAttribute("data-id") ?? ui.channel;
    ui.thread = null;
    byId("messages").scrollTop = 0;
    if (ui.state) render(ui.state);
    byId("messages").scrollTop = byId("messages").scrollHeight;
  } else if (act === "confirm") {
    const yes = ui.confirm;
    closeConfirm();
    yes?.();
  } else if (act === "deny") closeConfirm();
  else if (act === "close" || act === "submit") {
    const viewId = node.closest(".modal")?.getAttribute("data-view-id") ?? "";
    if (act === "close") void post("/ui/close", { viewId });
    else void post("/ui/submit", { viewId, inputs: currentInputs() });
  } else if (act === "send") sendComposer(byId("composer"), null);
}

doc.addEventListener("click", onClick);
doc.addEventListener("change", (event) => {
  const select = eventTarget(event, '[data-act="select"]');
  if (select) return onElement(select, select.value);
  const picker = eventTarget(event, "#user-select");
  if (picker) {
    ui.user = picker.value;
    ui.modalKey = "";
    closeConfirm();
    void refresh();
  }
});
for (const [id, thread] of [
  ["composer", false],
  ["thread-composer", true],
] as const) {
  byId(id).addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey) return;
    event.preventDefault();
    sendComposer(byId(id), thread ? (ui.thread?.ts ?? null) : null);
  });
}
doc.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && ui.confirm) closeConfirm();
});

const events = new win.EventSource("/ui/events");
events.addEventListener("change", () => void refresh());
void refresh();
