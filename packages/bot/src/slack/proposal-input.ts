// A diagnosis action -> what a proposal stores: the job's action kind and parameters, and the
// target (with the pod's name AND uid for pod actions, so a retried job can never hit the pod's
// replacement): the action catalog's `propose`. Pure. Advice has nothing to execute and gets no
// proposal.
import type { Action, Diagnosis } from "../diagnose/types.ts";
import type { ProposalTarget } from "../propose/proposals.ts";
import type { ActionKind, ActionParams } from "../queue/jobs.ts";
import { entryOf, VALUE_KINDS } from "../runbooks/high-memory/catalog/index.ts";

export type ProposalParts = { kind: ActionKind; params: ActionParams; target: ProposalTarget };

export function proposalParts(action: Action, diagnosis: Diagnosis): ProposalParts | null {
  const entry = entryOf(action.kind);
  const parts = entry?.propose?.(action, diagnosis.target.deployment) ?? null;
  return entry && parts ? { kind: entry.kind, ...parts } : null;
}

/** Actions whose value the approver may change in a modal before approving. */
export const PARAMETERISED = new Set<ActionKind>(VALUE_KINDS);
