// One message as Slack lays it out: avatar, author (with an APP badge for the bot), time, the
// blocks (or the text when there are none), legacy attachments, files (PNG charts inline, other
// files as downloads), "(edited)", "Only visible to you" for ephemerals, and "N replies". Pure.
import { type BlockContext, isObj, renderBlocks, textObject } from "./blocks.ts";
import { mrkdwn } from "./mrkdwn.ts";
import type { SlackMessage, UiFile } from "./types.ts";
import { h, type VElement, type VNode } from "./vnode.ts";

export type MessageContext = BlockContext & {
  botUserId: string;
  botName: string;
  file(id: string): UiFile | undefined;
  /** "14:03" for a message ts. */
  time(ts: string): string;
};

export type MessagePlace = { channel: string; ephemeral: boolean; inThread: boolean };

export const SLACKBOT = "USLACKBOT";

const AVATAR_COLORS = 6;

/** A stable colour index for an avatar. */
export function avatarColor(id: string): number {
  let sum = 0;
  for (const ch of id) sum = (sum * 31 + ch.charCodeAt(0)) % 9973;
  return sum % AVATAR_COLORS;
}

export function authorName(user: string, ctx: MessageContext): string {
  if (user === ctx.botUserId) return ctx.botName;
  if (user === SLACKBOT) return "Slackbot";
  return ctx.userName(user) ?? user;
}

export function renderMessage(m: SlackMessage, ctx: MessageContext, place: MessagePlace): VElement {
  const bot = m.user === ctx.botUserId || m.bot_id !== undefined;
  const name = authorName(m.user, ctx);
  const hasBlocks = Array.isArray(m.blocks) && m.blocks.length > 0;
  const replies = m.reply_count ?? 0;
  return h(
    "div",
    {
      class: `msg${place.ephemeral ? " msg-ephemeral" : ""}${m.subtype === "tombstone" ? " msg-deleted" : ""}`,
      "data-channel": place.channel,
      "data-ts": m.ts,
      "data-ephemeral": place.ephemeral ? "true" : "false",
    },
    h(
      "div",
      { class: `avatar ${bot ? "avatar-bot" : `avatar-${avatarColor(m.user)}`}`, "aria-hidden": "true" },
      avatarText(name, bot),
    ),
    h(
      "div",
      { class: "msg-main" },
      h(
        "div",
        { class: "msg-head" },
        h("span", { class: "msg-author" }, name),
        bot && h("span", { class: "badge" }, "APP"),
        h("span", { class: "msg-time", title: m.ts }, ctx.time(m.ts)),
        m.edited && h("span", { class: "msg-edited" }, "(edited)"),
      ),
      h(
        "div",
        { class: "msg-body" },
        hasBlocks
          ? renderBlocks(m.blocks, ctx, { interactive: m.subtype !== "tombstone" })
          : h("div", { class: "msg-text" }, mrkdwn(m.text, ctx)),
      ),
      attachments(m.attachments, ctx),
      (m.files ?? []).map((f) => fileNode(f, ctx)),
      place.ephemeral && h("div", { class: "msg-ephemeral-note" }, "👁 Only visible to you"),
      !place.inThread &&
        replies > 0 &&
        h(
          "button",
          { type: "button", class: "msg-replies", "data-act": "thread", "data-ts": m.ts },
          `${replies} ${replies === 1 ? "reply" : "replies"}`,
          m.latest_reply &&
            h("span", { class: "msg-replies-last" }, `Last reply ${ctx.time(m.latest_reply)}`),
        ),
    ),
  );
}

function avatarText(name: string, bot: boolean): string {
  if (bot) return "🤖";
  return (name.trim()[0] ?? "?").toUpperCase();
}

function fileNode(f: { id: string; name: string; title: string }, ctx: MessageContext): VNode {
  const file = ctx.file(f.id);
  if (!file) return h("div", { class: "msg-file msg-file-pending" }, `📎 ${f.title || f.name} (uploading…)`);
  if (file.mimetype.startsWith("image/")) {
    return h(
      "figure",
      { class: "msg-file-image" },
      h("figcaption", {}, file.title || file.name),
      h("a", { href: file.url }, h("img", { src: file.url, alt: file.title || file.name, loading: "lazy" })),
    );
  }
  return h(
    "a",
    { class: "msg-file", href: file.url, download: file.name },
    `📎 ${file.title || file.name}`,
    h("span", { class: "msg-file-size" }, ` ${formatSize(file.size)}`),
  );
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const ATTACHMENT_COLORS = new Set(["good", "warning", "danger"]);

function attachments(list: unknown[] | undefined, ctx: MessageContext): VNode[] {
  return (list ?? []).filter(isObj).map((a) => {
    const color = typeof a.color === "string" && ATTACHMENT_COLORS.has(a.color) ? a.color : "default";
    const text = (t: unknown) => textObject({ type: "mrkdwn", text: typeof t === "string" ? t : "" }, ctx);
    const fields = Array.isArray(a.fields) ? a.fields.filter(isObj) : [];
    return h(
      "div",
      { class: `att att-${color}` },
      a.pretext !== undefined && h("div", { class: "att-pretext" }, text(a.pretext)),
      a.title !== undefined && h("div", { class: "att-title" }, text(a.title)),
      a.text !== undefined && h("div", { class: "att-text" }, text(a.text)),
      fields.length > 0 &&
        h(
          "div",
          { class: "blk-fields" },
          fields.map((f) =>
            h("div", { class: "blk-field" }, h("b", {}, text(f.title)), h("br"), text(f.value)),
          ),
        ),
      Array.isArray(a.blocks) && renderBlocks(a.blocks, ctx, { interactive: false }),
      a.footer !== undefined && h("div", { class: "att-footer" }, text(a.footer)),
    );
  });
}
