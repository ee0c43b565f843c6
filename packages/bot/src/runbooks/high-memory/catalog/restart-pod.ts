// Restart one pod: Kubernetes evicts it (its UID checked) and starts a replacement.
import type { ActionBase } from "../../../diagnose/types.ts";
import { type ActionEntry, str } from "./types.ts";

/** The action a diagnosis offers (diagnose/types.ts Action). */
export type RestartPodAction = ActionBase & {
  kind: "restart-pod";
  params: { namespace: string; pod: string; uid: string };
};

export const restartPod: ActionEntry<"restart-pod", null> = {
  kind: "restart-pod",
  name: "Restart pod",
  risky: false,
  fourEyesByDefault: false,
  changesTemplate: false,
  recordsPrevious: false,
  undoable: null,
  restartsPods: true,
  targetsPod: true,
  fixes: true,
  stampsRestart: false,
  confirm: {
    label: "Restart pod",
    text: "Kubernetes evicts the pod (its UID is checked) and starts a replacement.",
  },
  value: null,
  label: (p) => `Restart pod ${str(p.pod) ?? ""}`.trim(),
  title: (p) => `Restart of ${p.pod ?? "a pod"}`,
  describe: (p) => `Restart pod ${p.pod ?? "?"}`,
  button: () => "Restart pod",
  propose: (a, deployment) => {
    if (a.kind !== "restart-pod") return null;
    const { namespace, pod, uid } = a.params;
    return { params: { pod, podUid: uid }, target: { namespace, deployment, pod, podUid: uid } };
  },
};
