// Words for a proposal in messages and modals: the action catalog's. Pure.
import type { Proposal } from "../../propose/proposals.ts";
import { CATALOG } from "../../runbooks/high-memory/catalog/index.ts";

export function describeProposal(p: Pick<Proposal, "action" | "target">): string {
  return CATALOG[p.action.kind].describe(p.action.params, `${p.target.namespace}/${p.target.deployment}`);
}
