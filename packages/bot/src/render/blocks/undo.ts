// The Undo offer: one section naming what undo would put back, with its approval button (a
// proposal id; the app confirms in its own dialog and the worker checks the current spec before
// applying). Shown next to an applied change and after a failed verification. Pure.
import type { KnownBlock } from "@slack/types";
import { PROPOSAL_ACTION_PREFIX } from "./diagnosis.ts";
import { clip, escapeMrkdwn } from "./escape.ts";
import { SLACK_LIMITS as L } from "./limits.ts";

export type UndoOffer = {
  proposalId: string;
  /** "Undo: CACHE_TTL back to 5m". */
  title: string;
  /** What undo does, one sentence ("set CACHE_TTL back from 15s to 5m"). */
  words: string;
};

/**
 * `where` tells the button apart from other undo buttons in one message ("applied", "verify"). The
 * button stays short ("Undo") so the sentence beside it keeps its width.
 */
export function undoBlock(o: UndoOffer, where: string): KnownBlock {
  const text = `:leftwards_arrow_with_hook: *${escapeMrkdwn(o.title)}*: ${escapeMrkdwn(o.words)}. Approved like the change; the bot first checks the value is still the one it set.`;
  return {
    type: "section",
    block_id: `undo_${where}`.slice(0, 255),
    text: { type: "mrkdwn", text: clip(text, L.sectionText) },
    accessory: {
      type: "button",
      action_id: `${PROPOSAL_ACTION_PREFIX}undo:${where}`.slice(0, L.actionId),
      text: { type: "plain_text", text: "Undo" },
      value: o.proposalId,
    },
  };
}
