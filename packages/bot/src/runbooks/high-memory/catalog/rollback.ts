// Roll the deployment back to a revision's pod template (kubectl rollout undo --to-revision).
import type { ActionBase } from "../../../diagnose/types.ts";
import type { ActionEntry } from "./types.ts";

/** The action a diagnosis offers (diagnose/types.ts Action). */
/** `kubectl rollout undo --to-revision`: back to the revision before the rollout that started the climb. */
export type RollbackAction = ActionBase & {
  kind: "rollback";
  params: { namespace: string; deployment: string; revision: number; fromRevision: number };
};

export const rollback: ActionEntry<"rollback", null> = {
  kind: "rollback",
  name: "Roll back",
  risky: true,
  fourEyesByDefault: false,
  changesTemplate: true,
  recordsPrevious: false,
  undoable: null,
  restartsPods: false,
  targetsPod: false,
  fixes: true,
  stampsRestart: false,
  confirm: {
    label: "Roll back",
    text: "The deployment goes back to that revision's pod template; every pod is replaced, one at a time.",
  },
  value: null,
  label: (p) => `Roll back${typeof p.revision === "number" ? ` to revision ${p.revision}` : ""}`,
  title: (p, where) => `Rollback of ${where} to revision ${p.revision ?? "?"}`,
  describe: (p, where) => `Roll back ${where} to revision ${p.revision ?? "?"}`,
  button: (a) => (a.kind === "rollback" ? `Roll back to revision ${a.params.revision}` : "Roll back"),
  propose: (a) =>
    a.kind === "rollback"
      ? {
          params: { revision: a.params.revision },
          target: { namespace: a.params.namespace, deployment: a.params.deployment },
        }
      : null,
};
