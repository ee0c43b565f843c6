// A modal (views.open) as a DOM description: title, close, the view's blocks with its input blocks
// as form controls (plain_text_input with initial_value, number_input, static_select with
// initial_option), hints, per-block errors from response_action "errors", and the close/submit
// buttons. Controls carry data-block-id / data-action-id / data-input so the page can collect
// state.values for view_submission. Pure.
import { type BlockContext, isObj, optionsOf, plainText, renderBlocks } from "./blocks.ts";
import { blockIdOf } from "./ids.ts";
import { h, type VElement, type VNode } from "./vnode.ts";

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export function renderModal(view: Obj, errors: Record<string, string>, ctx: BlockContext): VElement {
  const title = plainText(view.title) || "App";
  return h(
    "div",
    {
      class: "modal",
      role: "dialog",
      "aria-modal": "true",
      "aria-label": title,
      "data-view-id": str(view.id),
    },
    h(
      "div",
      { class: "modal-head" },
      h("div", { class: "modal-title" }, title),
      h("button", { type: "button", class: "modal-x", "data-act": "close", "aria-label": "Close" }, "✕"),
    ),
    h(
      "div",
      { class: "modal-body" },
      renderBlocks(view.blocks, ctx, { input: (block, i) => input(block, i, errors), interactive: false }),
    ),
    h(
      "div",
      { class: "modal-foot" },
      h(
        "button",
        { type: "button", class: "sk-btn", "data-act": "close" },
        plainText(view.close) || "Cancel",
      ),
      isObj(view.submit) &&
        h(
          "button",
          { type: "button", class: "sk-btn sk-btn-primary", "data-act": "submit" },
          plainText(view.submit),
        ),
    ),
  );
}

function input(block: Obj, index: number, errors: Record<string, string>): VNode {
  const blockId = blockIdOf(block, index);
  const e = isObj(block.element) ? block.element : {};
  const id = `inp-${blockId}`;
  const data = {
    id,
    "data-block-id": blockId,
    "data-action-id": str(e.action_id),
    "data-input": str(e.type),
  };
  const error = errors[blockId];
  return h(
    "div",
    { class: `blk blk-input${error ? " has-error" : ""}`, "data-block-id": blockId },
    h(
      "label",
      { class: "inp-label", for: id },
      plainText(block.label),
      block.optional === true && h("span", { class: "inp-optional" }, " (optional)"),
    ),
    control(e, data),
    isObj(block.hint) && h("div", { class: "inp-hint" }, plainText(block.hint)),
    error !== undefined && h("div", { class: "inp-error", role: "alert" }, error),
  );
}

function control(e: Obj, data: Record<string, string>): VNode {
  const placeholder = plainText(e.placeholder) || undefined;
  const limits = {
    maxlength: typeof e.max_length === "number" ? String(e.max_length) : undefined,
    minlength: typeof e.min_length === "number" ? String(e.min_length) : undefined,
  };
  switch (e.type) {
    case "plain_text_input":
    case "email_text_input":
    case "url_text_input":
      return e.multiline === true
        ? h("textarea", { class: "inp", rows: "4", placeholder, ...limits, ...data }, str(e.initial_value))
        : h("input", {
            class: "inp",
            type: "text",
            value: str(e.initial_value),
            placeholder,
            ...limits,
            ...data,
          });
    case "number_input":
      return h("input", {
        class: "inp",
        type: "number",
        value: str(e.initial_value),
        placeholder,
        min: str(e.min_value) || undefined,
        max: str(e.max_value) || undefined,
        step: e.is_decimal_allowed === true ? "any" : "1",
        ...data,
      });
    case "static_select": {
      const initial = isObj(e.initial_option) ? str(e.initial_option.value) : "";
      return h(
        "select",
        { class: "inp", ...data },
        h(
          "option",
          { value: "", selected: initial ? undefined : "selected" },
          placeholder ?? "Select an item",
        ),
        optionsOf(e).map((o) =>
          h(
            "option",
            { value: str(o.value), selected: initial && str(o.value) === initial ? "selected" : undefined },
            plainText(o.text),
          ),
        ),
      );
    }
    default:
      return h("div", { class: "sk-unsupported" }, `[unsupported input: ${str(e.type) || "?"}]`);
  }
}
