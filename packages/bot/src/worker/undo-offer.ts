// The worker offers Undo for a change it applied to the Deployment: a sealed proposal (like every
// other action's) whose parameters are the change's proposal, the value the bot set and the value
// before it ("was unset" included), taken from the change's own outcome. The undo follows the
// change's approval rules (policy.rulesOf) and is asked for by whoever asked for the change.
import type { ReplyTo } from "../queue/jobs.ts";
import { undoParamsFor, undoSpec, undoTitle, undoWords } from "../remediate/undo.ts";
import type { UndoOffer } from "../render/blocks/undo.ts";
import type { WorkerDeps } from "./deps.ts";

export type UndoSource = {
  /** The change's proposal, its action and what executing it recorded. */
  proposalId: string;
  action: string;
  outcome: { status: string; details: Readonly<Record<string, string | number | boolean | null>> } | null;
  target: { namespace: string; deployment: string };
  replyTo: ReplyTo;
};

/** A pending Undo proposal for `source`, or null when the change cannot be undone. */
export async function offerUndo(
  deps: Pick<WorkerDeps, "proposals" | "config" | "realNow">,
  source: UndoSource,
): Promise<UndoOffer | null> {
  if (!source.outcome) return null;
  const params = undoParamsFor({
    proposalId: source.proposalId,
    action: source.action,
    status: source.outcome.status,
    details: source.outcome.details,
  });
  const spec = params ? undoSpec(params) : null;
  if (!params || !spec?.ok) return null;
  const change = await deps.proposals.get(source.proposalId);
  const proposalId = await deps.proposals.createProposal({
    incidentId: source.replyTo.incidentId,
    action: { kind: "undo", params },
    target: { namespace: source.target.namespace, deployment: source.target.deployment },
    requestedBy: change?.requestedBy || "worker",
    channel: source.replyTo.channel,
    threadTs: source.replyTo.threadTs,
    messageTs: null,
    expiresAt: deps.realNow() + deps.config.proposalTtlMs,
    // The change stays after the alerts clear, and so does the way back.
    keepAfterResolve: true,
  });
  return { proposalId, title: undoTitle(spec.spec), words: undoWords(spec.spec) };
}
