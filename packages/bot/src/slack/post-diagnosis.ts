// Posts a diagnosis into its thread, compact (compactDiagnosisBlocks), with one approval button per
// actionable recommendation and a Details button. Called by the worker after a diagnose job, so it
// takes a Slack WebClient and the stores, no Bolt types. Each approval button carries only an opaque
// proposal id; the proposal (incident, action, parameters incl. pod name and uid, requester, expiry)
// lives in Redis. The Details button carries the id of the full report, which saveDiagnosisDetails
// stores first (once per diagnosis, however many threads it is posted in).

import type { Diagnosis } from "../diagnose/types.ts";
import type { DiagnosisDetailsStore } from "../history/diagnosis-details.ts";
import type { ProposalStore } from "../propose/proposals.ts";
import type { ReplyTo } from "../queue/jobs.ts";
import type { ActionButton } from "../render/blocks/diagnosis.ts";
import { compactDiagnosisBlocks } from "../render/blocks/diagnosis-compact.ts";
import type { WebClient } from "./deps.ts";
import { detailsBlocks } from "./details/view.ts";
import { proposalParts } from "./proposal-input.ts";
import { postInConversation } from "./reply.ts";

export type PostDiagnosisDeps = {
  slack: WebClient;
  proposals: Pick<ProposalStore, "createProposal" | "attachMessage">;
  now: () => number;
  /** How long the buttons stay valid (PROPOSAL_TTL). */
  proposalTtlMs: number;
};

export type PostDiagnosisInput = {
  diagnosis: Diagnosis;
  replyTo: ReplyTo;
  /** Slack user id of whoever asked, or "alertmanager". */
  requestedBy: string;
  /** The id saveDiagnosisDetails stored the full report under. */
  detailsId: string;
};

export type PostDiagnosisResult = {
  /** The message's ts; null when it went through a response_url. */
  ts: string | null;
  proposalIds: string[];
};

export async function postDiagnosis(
  deps: PostDiagnosisDeps,
  input: PostDiagnosisInput,
): Promise<PostDiagnosisResult> {
  const { diagnosis, replyTo, requestedBy } = input;
  const expiresAt = deps.now() + deps.proposalTtlMs;
  const buttons: ActionButton[] = [];
  // Sequential on purpose: ids are created in the diagnosis' order (the runbook's order).
  for (const action of diagnosis.error ? [] : diagnosis.actions) {
    const parts = proposalParts(action, diagnosis);
    if (!parts) continue;
    const proposalId = await deps.proposals.createProposal({
      incidentId: replyTo.incidentId,
      action: { kind: parts.kind, params: parts.params },
      target: parts.target,
      requestedBy,
      channel: replyTo.channel,
      threadTs: replyTo.threadTs,
      messageTs: null,
      expiresAt,
    });
    buttons.push({ actionKind: action.kind, actionId: action.id, proposalId });
  }
  const message = compactDiagnosisBlocks(diagnosis, { actionButtons: buttons, detailsId: input.detailsId });
  const posted = await postInConversation(
    deps.slack,
    { channel: replyTo.channel, threadTs: replyTo.threadTs, responseUrl: replyTo.responseUrl ?? null },
    message,
  );
  if (posted.ts !== null) {
    await Promise.all(
      buttons.map((b) => deps.proposals.attachMessage(b.proposalId, posted.channel, posted.ts)),
    );
  }
  return { ts: posted.ts, proposalIds: buttons.map((b) => b.proposalId) };
}

/**
 * Stores the diagnosis' full report for its Details button, readable from `channels` (every
 * conversation it will be posted in). Returns the stored size in bytes.
 */
export async function saveDiagnosisDetails(
  details: Pick<DiagnosisDetailsStore, "save">,
  input: { id: string; diagnosis: Diagnosis; channels: readonly string[] },
): Promise<number> {
  return details.save(input.id, {
    channels: [...new Set(input.channels)],
    at: Date.parse(input.diagnosis.takenAt),
    blocks: detailsBlocks(input.diagnosis),
  });
}
