// The "Diagnose again" button: a fresh diagnosis in the same thread, counted for the same incident.
// Its value is the incident id (or "" outside an incident); the app reads the thread from the
// stored incident, never from the payload, when there is one. Pure.
import type { ActionsBlock } from "@slack/types";

export const DIAGNOSE_AGAIN_ACTION = "diagnose_again";

export function diagnoseAgainBlock(incidentId: string | null): ActionsBlock {
  return {
    type: "actions",
    block_id: "diagnose_again",
    elements: [
      {
        type: "button",
        action_id: DIAGNOSE_AGAIN_ACTION,
        text: { type: "plain_text", text: "Diagnose again", emoji: true },
        value: incidentId ?? "",
      },
    ],
  };
}
