// A modal's state.values as Slack sends them in view_submission: for every input block,
// block_id -> action_id -> { type, value } (text and number inputs; null when empty) or
// { type, selected_option } (static_select; null when nothing is chosen). Pure.
import { isObj, optionsOf } from "./client/blocks.ts";
import { blockIdOf } from "./client/ids.ts";

type Json = Record<string, unknown>;

/** What the page sends for one control of the modal. */
export type PageInput = { blockId: string; actionId: string; value: string };

const TEXT_INPUTS = new Set(["plain_text_input", "number_input", "email_text_input", "url_text_input"]);

export function stateValues(view: Json, inputs: readonly PageInput[]): Record<string, Record<string, Json>> {
  const values: Record<string, Record<string, Json>> = {};
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  blocks.forEach((block: unknown, index) => {
    if (!isObj(block) || block.type !== "input" || !isObj(block.element)) return;
    const element = block.element;
    const type = typeof element.type === "string" ? element.type : "";
    const actionId = typeof element.action_id === "string" ? element.action_id : `act${index}`;
    const blockId = blockIdOf(block, index);
    const given = inputs.find((i) => i.blockId === blockId && (i.actionId === actionId || i.actionId === ""));
    const initial = TEXT_INPUTS.has(type)
      ? typeof element.initial_value === "string"
        ? element.initial_value
        : ""
      : isObj(element.initial_option) && typeof element.initial_option.value === "string"
        ? element.initial_option.value
        : "";
    const value = given ? given.value : initial;
    if (TEXT_INPUTS.has(type)) {
      values[blockId] = { [actionId]: { type, value: value === "" ? null : value } };
    } else if (type === "static_select") {
      const option = optionsOf(element).find((o) => o.value === value);
      values[blockId] = {
        [actionId]: {
          type,
          selected_option: option ? { text: option.text, value: option.value } : null,
        },
      };
    }
  });
  return values;
}
