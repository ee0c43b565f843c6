// A rolling restart of the deployment: every pod replaced, one at a time.
import type { ActionBase } from "../../../diagnose/types.ts";
import type { ActionEntry } from "./types.ts";

/** The action a diagnosis offers (diagnose/types.ts Action). */
export type RollingRestartAction = ActionBase & {
  kind: "rolling-restart";
  params: { namespace: string; deployment: string };
};

export const rollingRestart: ActionEntry<"rolling-restart", null> = {
  kind: "rolling-restart",
  name: "Rolling restart",
  risky: true,
  fourEyesByDefault: true,
  changesTemplate: true,
  recordsPrevious: false,
  undoable: null,
  restartsPods: true,
  targetsPod: false,
  fixes: true,
  stampsRestart: true,
  confirm: { label: "Rolling restart", text: "Every pod is replaced, one at a time." },
  value: null,
  label: () => "Rolling restart",
  title: (_p, where) => `Rolling restart of ${where}`,
  describe: (_p, where) => `Rolling restart of ${where}`,
  button: () => "Rolling restart",
  propose: (a, deployment) =>
    a.kind === "rolling-restart"
      ? { params: {}, target: { namespace: a.params.namespace, deployment } }
      : null,
};
