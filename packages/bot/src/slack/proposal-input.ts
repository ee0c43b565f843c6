// A diagnosis action -> what a proposal stores: the job's action kind and parameters, and the
// target (with the pod's name AND uid for pod actions, so a retried job can never hit the pod's
// replacement). Pure. Advice has nothing to execute and gets no proposal.
import type { Action, Diagnosis } from "../diagnose/types.ts";
import type { ProposalTarget } from "../propose/proposals.ts";
import type { ActionKind, ActionParams } from "../queue/jobs.ts";

export type ProposalParts = { kind: ActionKind; params: ActionParams; target: ProposalTarget };

export function proposalParts(action: Action, diagnosis: Diagnosis): ProposalParts | null {
  const deployment = diagnosis.target.deployment;
  switch (action.kind) {
    case "restart-pod":
    case "capture-heap-profile": {
      const { namespace, pod, uid } = action.params;
      return {
        kind: action.kind,
        params: { pod, podUid: uid },
        target: { namespace, deployment, pod, podUid: uid },
      };
    }
    case "rolling-restart":
      return { kind: action.kind, params: {}, target: { namespace: action.params.namespace, deployment } };
    case "raise-memory-limit":
      return {
        kind: action.kind,
        params: { memoryLimit: action.params.to },
        target: { namespace: action.params.namespace, deployment: action.params.deployment },
      };
    case "set-cache-ttl":
      return {
        kind: action.kind,
        params: { ttl: action.params.value, envName: action.params.env },
        target: { namespace: action.params.namespace, deployment: action.params.deployment },
      };
    case "rollback":
      return {
        kind: action.kind,
        params: { revision: action.params.revision },
        target: { namespace: action.params.namespace, deployment: action.params.deployment },
      };
    case "advice":
      return null;
  }
}

/** Actions whose value the approver may change in a modal before approving. */
export const PARAMETERISED = new Set<ActionKind>(["raise-memory-limit", "set-cache-ttl"]);
