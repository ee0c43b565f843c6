// The "Diagnose again" button: a fresh diagnosis in the same thread, counted for the same incident.
// Its value is the incident id; outside an incident, "cluster:<name>" (the cluster the message is
// about, so a bot serving several clusters needs no question back), or "" when unknown. The app
// reads the thread from the stored incident, never from the payload, and checks a cluster named
// here against the clusters it serves. Pure.
import type { ActionsBlock } from "@slack/types";

export const DIAGNOSE_AGAIN_ACTION = "diagnose_again";

/** What the button diagnoses again: an incident, or (outside one) a cluster's workload. */
export type DiagnoseAgainFor = { incidentId: string | null; cluster?: string | undefined };

const CLUSTER_PREFIX = "cluster:";

export function diagnoseAgainValue(f: DiagnoseAgainFor): string {
  if (f.incidentId) return f.incidentId;
  return f.cluster ? `${CLUSTER_PREFIX}${f.cluster}` : "";
}

/** The button's value read back: an incident id, a cluster name (unchecked), or neither. */
export function parseDiagnoseAgainValue(value: string): {
  incidentId: string | null;
  cluster: string | null;
} {
  if (value.startsWith(CLUSTER_PREFIX))
    return { incidentId: null, cluster: value.slice(CLUSTER_PREFIX.length) };
  return { incidentId: value || null, cluster: null };
}

export function diagnoseAgainBlock(f: DiagnoseAgainFor): ActionsBlock {
  return {
    type: "actions",
    block_id: "diagnose_again",
    elements: [
      {
        type: "button",
        action_id: DIAGNOSE_AGAIN_ACTION,
        text: { type: "plain_text", text: "Diagnose again", emoji: true },
        value: diagnoseAgainValue(f),
      },
    ],
  };
}
