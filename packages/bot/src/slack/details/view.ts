// The Details modal of a diagnosis: the full report (diagnosisBlocks without buttons: every pod, the
// OOM kills, time-to-OOM ranges, what changed, cause evidence, logs, Traefik, the heap profile, each
// action with its kubectl equivalent, notes, the footer), or why it cannot be shown. Pure.
import type { KnownBlock, ModalView } from "@slack/types";
import type { Diagnosis } from "../../diagnose/types.ts";
import { diagnosisBlocks } from "../../render/blocks/diagnosis.ts";
import { DETAILS_TITLE } from "../../render/blocks/diagnosis-compact.ts";

/** The blocks the worker stores for the Details (at most 50: diagnosisBlocks' own limit). */
export function detailsBlocks(d: Diagnosis): KnownBlock[] {
  return diagnosisBlocks(d).blocks;
}

const modal = (title: string, blocks: KnownBlock[]): ModalView => ({
  type: "modal",
  title: { type: "plain_text", text: title.slice(0, 24) },
  close: { type: "plain_text", text: "Close" },
  blocks,
});

export function detailsModal(blocks: KnownBlock[]): ModalView {
  return modal(DETAILS_TITLE, blocks);
}

/** Why the report cannot be shown (gone, another conversation's, Redis unreachable). */
export function detailsNoticeModal(text: string): ModalView {
  return modal(DETAILS_TITLE, [{ type: "section", text: { type: "mrkdwn", text } }]);
}
