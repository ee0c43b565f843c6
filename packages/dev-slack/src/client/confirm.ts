// The "Are you sure?" dialog Slack shows before sending a click on an element with `confirm`:
// title, text, and the confirm/deny buttons from the confirmation object. Pure.
import { isObj, plainText, textObject } from "./blocks.ts";
import type { MrkdwnContext } from "./mrkdwn.ts";
import { h, type VElement } from "./vnode.ts";

export function renderConfirm(confirm: unknown, ctx: MrkdwnContext): VElement {
  const c = isObj(confirm) ? confirm : {};
  const confirmClass = c.style === "danger" ? "sk-btn sk-btn-danger" : "sk-btn sk-btn-primary";
  return h(
    "div",
    {
      class: "dlg",
      role: "alertdialog",
      "aria-modal": "true",
      "aria-label": plainText(c.title) || "Confirm",
    },
    h("div", { class: "dlg-title" }, plainText(c.title) || "Are you sure?"),
    h("div", { class: "dlg-text" }, textObject(c.text, ctx)),
    h(
      "div",
      { class: "dlg-buttons" },
      h("button", { type: "button", class: "sk-btn", "data-act": "deny" }, plainText(c.deny) || "Cancel"),
      h(
        "button",
        { type: "button", class: confirmClass, "data-act": "confirm" },
        plainText(c.confirm) || "Yes",
      ),
    ),
  );
}
