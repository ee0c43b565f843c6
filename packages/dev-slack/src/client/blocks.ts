// Block Kit as a DOM description, close enough to Slack to read a message as people will see it:
// header, section (text, two-column fields, accessory), divider, context, actions, image,
// rich_text. Interactive elements carry their position (data-block, data-element) so the page can
// find the element in the message and send Slack's block_actions for it. Pure.
import { emojify } from "./emoji.ts";
import { blockIdOf } from "./ids.ts";
import { type MrkdwnContext, mrkdwn } from "./mrkdwn.ts";
import { safeUrl } from "./safe.ts";
import { h, type VElement, type VNode } from "./vnode.ts";

export type Obj = Record<string, unknown>;

export type BlockContext = MrkdwnContext & {
  /** Where an uploaded file can be fetched (image blocks with slack_file). */
  fileUrl(id: string): string | undefined;
};

/** Renders an input block (modals provide this); messages show inputs as read-only labels. */
export type InputRenderer = (block: Obj, index: number) => VNode;

export type BlockOptions = { interactive?: boolean; input?: InputRenderer };

export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** A plain_text object's text (emoji shortcodes converted unless emoji: false). */
export function plainText(t: unknown): string {
  if (!isObj(t)) return "";
  return t.emoji === false ? str(t.text) : emojify(str(t.text));
}

/** A text object: mrkdwn formatted, plain_text as text. */
export function textObject(t: unknown, ctx: MrkdwnContext): VNode[] {
  if (!isObj(t)) return [];
  return t.type === "mrkdwn" ? mrkdwn(str(t.text), ctx) : [plainText(t)];
}

export function renderBlocks(blocks: unknown, ctx: BlockContext, options: BlockOptions = {}): VNode[] {
  return list(blocks).map((block, i) => renderBlock(block, i, ctx, options));
}

function renderBlock(block: Obj, i: number, ctx: BlockContext, options: BlockOptions): VNode {
  const at = (cls: string, ...children: (VNode | VNode[] | false | undefined)[]) =>
    h("div", { class: `blk ${cls}`, "data-block-id": blockIdOf(block, i) }, ...children);
  switch (block.type) {
    case "header":
      return at("blk-header", plainText(block.text));
    case "section": {
      const fields = list(block.fields);
      return at(
        "blk-section",
        h(
          "div",
          { class: "blk-section-main" },
          isObj(block.text) && h("div", { class: "blk-text" }, textObject(block.text, ctx)),
          fields.length > 0 &&
            h(
              "div",
              { class: "blk-fields" },
              fields.map((f) => h("div", { class: "blk-field" }, textObject(f, ctx))),
            ),
        ),
        isObj(block.accessory) &&
          h("div", { class: "blk-accessory" }, element(block.accessory, i, "accessory", ctx, options)),
      );
    }
    case "divider":
      return h("hr", { class: "blk blk-divider" });
    case "context":
      return at(
        "blk-context",
        list(block.elements).map((e) =>
          e.type === "image"
            ? image(e, ctx, "blk-context-img")
            : h("span", { class: "blk-context-el" }, textObject(e, ctx)),
        ),
      );
    case "actions":
      return at(
        "blk-actions",
        list(block.elements).map((e, j) => element(e, i, String(j), ctx, options)),
      );
    case "image":
      return h(
        "figure",
        { class: "blk blk-image" },
        isObj(block.title) && h("figcaption", {}, plainText(block.title)),
        image(block, ctx, "blk-image-img"),
      );
    case "rich_text":
      return at(
        "blk-rich",
        list(block.elements).map((e) => richElement(e, ctx)),
      );
    case "markdown":
      return at("blk-markdown", mrkdwn(str(block.text), ctx));
    case "input":
      return options.input
        ? options.input(block, i)
        : at("blk-input", h("div", { class: "inp-label" }, plainText(block.label)));
    default:
      return at("blk-unknown", `[unsupported block: ${str(block.type) || "?"}]`);
  }
}

function image(e: Obj, ctx: BlockContext, cls: string): VNode {
  const file = isObj(e.slack_file) ? e.slack_file : undefined;
  const src = str(e.image_url) || (file ? (ctx.fileUrl(str(file.id)) ?? str(file.url)) : "") || str(e.url);
  const safe = safeUrl(src);
  const alt = str(e.alt_text);
  return safe === null
    ? h("span", { class: `${cls} img-missing` }, `[image: ${alt}]`)
    : h("img", { class: cls, src: safe, alt, loading: "lazy" });
}

/** The options of a select, flattened from option_groups. */
export function optionsOf(e: Obj): Obj[] {
  return [...list(e.options), ...list(e.option_groups).flatMap((g) => list(g.options))];
}

function element(e: Obj, block: number, at: string, ctx: BlockContext, options: BlockOptions): VNode {
  const address = { "data-block": String(block), "data-element": at };
  const live = options.interactive !== false;
  switch (e.type) {
    case "button": {
      const style = e.style === "primary" ? " sk-btn-primary" : e.style === "danger" ? " sk-btn-danger" : "";
      return h(
        "button",
        {
          type: "button",
          class: `sk-btn${style}`,
          ...address,
          "data-act": "button",
          disabled: live ? undefined : "disabled",
        },
        plainText(e.text),
      );
    }
    case "static_select":
    case "overflow": {
      const initial = isObj(e.initial_option) ? str(e.initial_option.value) : "";
      const placeholder = e.type === "overflow" ? "⋯" : plainText(e.placeholder) || "Select an item";
      return h(
        "select",
        {
          class: `sk-select${e.type === "overflow" ? " sk-overflow" : ""}`,
          ...address,
          "data-act": "select",
          "aria-label": placeholder,
          disabled: live ? undefined : "disabled",
        },
        h(
          "option",
          { value: "", disabled: "disabled", selected: initial ? undefined : "selected" },
          placeholder,
        ),
        optionsOf(e).map((o) =>
          h(
            "option",
            { value: str(o.value), selected: str(o.value) === initial && initial ? "selected" : undefined },
            plainText(o.text),
          ),
        ),
      );
    }
    case "image":
      return image(e, ctx, "blk-accessory-img");
    default:
      return h("span", { class: "sk-unsupported" }, `[${str(e.type) || "element"}]`);
  }
}

function richElement(e: Obj, ctx: BlockContext): VElement {
  const inline = list(e.elements).map((x) => richInline(x, ctx));
  switch (e.type) {
    case "rich_text_preformatted":
      return h("pre", { class: "mk-pre" }, inline);
    case "rich_text_quote":
      return h("blockquote", { class: "mk-quote" }, inline);
    case "rich_text_list":
      return h(
        "div",
        { class: "rich-list" },
        list(e.elements).map((item, n) =>
          h("div", {}, e.style === "ordered" ? `${n + 1}. ` : "• ", richElement(item, ctx).children),
        ),
      );
    default:
      return h("div", { class: "rich-section" }, inline);
  }
}

function richInline(x: Obj, ctx: BlockContext): VNode {
  const style = isObj(x.style) ? x.style : {};
  let node: VNode;
  switch (x.type) {
    case "text":
      node = str(x.text);
      break;
    case "link": {
      const href = safeUrl(str(x.url));
      node = href ? h("a", { href, class: "mk-link" }, str(x.text) || href) : str(x.text);
      break;
    }
    case "user":
      node = h("span", { class: "mk-mention" }, `@${ctx.userName(str(x.user_id)) ?? str(x.user_id)}`);
      break;
    case "channel":
      node = h(
        "span",
        { class: "mk-channel" },
        `#${ctx.channelName(str(x.channel_id)) ?? str(x.channel_id)}`,
      );
      break;
    case "emoji":
      node = emojify(`:${str(x.name)}:`);
      break;
    case "broadcast":
      node = h("span", { class: "mk-mention mk-broadcast" }, `@${str(x.range)}`);
      break;
    default:
      node = "";
  }
  if (style.code) node = h("code", { class: "mk-code" }, node);
  if (style.bold) node = h("b", {}, node);
  if (style.italic) node = h("i", {}, node);
  if (style.strike) node = h("del", {}, node);
  return node;
}
