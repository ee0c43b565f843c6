// Slack's Block Kit limits (docs.slack.dev/reference/block-kit) and a checker for a whole message.
// Slack rejects a message that breaks any of them with invalid_blocks, so builders clip to these
// and tests check every message with slackLimitViolations.
import type { KnownBlock } from "@slack/types";

export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  fallbackText: 40_000,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

type TextObject = { type: string; text: string };
type ButtonLike = {
  type: string;
  text?: TextObject;
  action_id?: string;
  value?: string;
  confirm?: { title?: TextObject; text?: TextObject; confirm?: TextObject; deny?: TextObject };
};

function checkButton(b: ButtonLike, where: string, out: string[]): void {
  const L = SLACK_LIMITS;
  const over = (what: string, len: number | undefined, max: number) => {
    if (len !== undefined && len > max) out.push(`${where}: ${what} is ${len} characters (max ${max})`);
  };
  over("button text", b.text?.text.length, L.buttonText);
  over("action_id", b.action_id?.length, L.actionId);
  over("button value", b.value?.length, L.buttonValue);
  over("confirm title", b.confirm?.title?.text.length, L.confirmTitle);
  over("confirm text", b.confirm?.text?.text.length, L.confirmText);
  over("confirm button", b.confirm?.confirm?.text.length, L.confirmButton);
  over("deny button", b.confirm?.deny?.text.length, L.confirmButton);
}

/** Every limit the message breaks, as readable sentences; empty when Slack will accept it. */
export function slackLimitViolations(message: { text: string; blocks: KnownBlock[] }): string[] {
  const L = SLACK_LIMITS;
  const out: string[] = [];
  if (message.blocks.length > L.blocksPerMessage) {
    out.push(`${message.blocks.length} blocks (max ${L.blocksPerMessage})`);
  }
  if (message.text.length > L.fallbackText) out.push(`fallback text is ${message.text.length} characters`);
  const blockIds = new Set<string>();
  message.blocks.forEach((block, i) => {
    const where = `block ${i} (${block.type})`;
    if (block.block_id !== undefined) {
      if (block.block_id.length > L.blockId) out.push(`${where}: block_id too long`);
      if (blockIds.has(block.block_id)) out.push(`${where}: duplicate block_id ${block.block_id}`);
      blockIds.add(block.block_id);
    }
    switch (block.type) {
      case "header":
        if (block.text.text.length > L.headerText)
          out.push(`${where}: text is ${block.text.text.length} characters (max ${L.headerText})`);
        if (block.text.type !== "plain_text") out.push(`${where}: header text must be plain_text`);
        break;
      case "section": {
        const len = block.text?.text.length ?? 0;
        if (len > L.sectionText) out.push(`${where}: text is ${len} characters (max ${L.sectionText})`);
        if (!block.text && !block.fields?.length) out.push(`${where}: needs text or fields`);
        if (block.text && len === 0) out.push(`${where}: empty text`);
        const fields = block.fields ?? [];
        if (fields.length > L.sectionFields)
          out.push(`${where}: ${fields.length} fields (max ${L.sectionFields})`);
        for (const f of fields) {
          if (f.text.length > L.sectionFieldText)
            out.push(`${where}: a field is ${f.text.length} characters (max ${L.sectionFieldText})`);
        }
        if (block.accessory) checkButton(block.accessory as ButtonLike, `${where} accessory`, out);
        break;
      }
      case "context":
        if (block.elements.length > L.contextElements)
          out.push(`${where}: ${block.elements.length} elements (max ${L.contextElements})`);
        for (const e of block.elements) {
          if ("text" in e && typeof e.text === "string" && e.text.length > L.contextText) {
            out.push(`${where}: an element is ${e.text.length} characters (max ${L.contextText})`);
          }
        }
        break;
      case "actions":
        if (block.elements.length > L.actionsElements)
          out.push(`${where}: ${block.elements.length} elements (max ${L.actionsElements})`);
        block.elements.forEach((e, j) => {
          checkButton(e as ButtonLike, `${where} element ${j}`, out);
        });
        break;
      default:
        break;
    }
  });
  return out;
}
