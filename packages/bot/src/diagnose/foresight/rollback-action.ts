// The proposal a rollout finding earns: "Roll back to revision N", kubectl rollout undo. Pure.
import type { RollbackAction } from "../../runbooks/high-memory/catalog/rollback.ts";
import type { Action, Diagnosis } from "../types.ts";
import type { ChangeFinding } from "./types.ts";

export function rollbackAction(
  target: Diagnosis["target"],
  change: ChangeFinding | null,
): RollbackAction | null {
  if (change?.kind !== "rollout" || change.byBot !== null) return null;
  const { namespace, deployment } = target;
  const what = change.changes.slice(0, 2).join(", ");
  return {
    id: `rollback:${deployment}:${change.previousRevision}`,
    kind: "rollback",
    title: `Roll back to revision ${change.previousRevision}`,
    reason: `Memory began climbing after revision ${change.revision} (${what}); revision ${change.previousRevision} was running before it.`,
    destructive: true,
    kubectl: `kubectl -n ${namespace} rollout undo deployment/${deployment} --to-revision=${change.previousRevision}`,
    params: { namespace, deployment, revision: change.previousRevision, fromRevision: change.revision },
  };
}

/** The rollback goes before the advice (it is a fix, advice is reading). */
export function withRollback(actions: readonly Action[], rollback: RollbackAction | null): Action[] {
  if (!rollback) return [...actions];
  const firstAdvice = actions.findIndex((a) => a.kind === "advice");
  const at = firstAdvice === -1 ? actions.length : firstAdvice;
  return [...actions.slice(0, at), rollback, ...actions.slice(at)];
}
