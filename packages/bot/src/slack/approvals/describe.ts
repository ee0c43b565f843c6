// Words for a proposal in messages and modals. Pure.
import type { Proposal } from "../../propose/proposals.ts";
import { undoSpec, undoTitle } from "../../remediate/undo.ts";

export function describeProposal(p: Pick<Proposal, "action" | "target">): string {
  const where = `${p.target.namespace}/${p.target.deployment}`;
  const { params } = p.action;
  switch (p.action.kind) {
    case "restart-pod":
      return `Restart pod ${params.pod ?? "?"}`;
    case "rolling-restart":
      return `Rolling restart of ${where}`;
    case "raise-memory-limit":
      return `Raise the memory limit of ${where} to ${params.memoryLimit ?? "?"}`;
    case "set-cache-ttl":
      return `Set ${params.envName ?? "CACHE_TTL"}=${params.ttl ?? "?"} on ${where}`;
    case "capture-heap-profile":
      return `Capture a heap profile of ${params.pod ?? "?"}`;
    case "rollback":
      return `Roll back ${where} to revision ${params.revision ?? "?"}`;
    case "undo": {
      const spec = undoSpec(params);
      return spec.ok ? `${undoTitle(spec.spec)} on ${where}` : `Undo a change on ${where}`;
    }
  }
}
