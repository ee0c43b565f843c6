// Capture a heap profile of one pod (pprof): reads only, changes nothing.
import type { ActionBase } from "../../../diagnose/types.ts";
import { type ActionEntry, str } from "./types.ts";

/** The action a diagnosis offers (diagnose/types.ts Action). */
export type CaptureHeapProfileAction = ActionBase & {
  kind: "capture-heap-profile";
  params: { namespace: string; pod: string; uid: string; port: number; path: string };
};

export const captureHeapProfile: ActionEntry<"capture-heap-profile", null> = {
  kind: "capture-heap-profile",
  name: "Capture heap profile",
  risky: false,
  fourEyesByDefault: false,
  changesTemplate: false,
  recordsPrevious: false,
  undoable: null,
  restartsPods: false,
  targetsPod: true,
  fixes: false,
  stampsRestart: false,
  confirm: null,
  value: null,
  label: (p) => `Capture a heap profile${str(p.pod) ? ` of ${p.pod}` : ""}`,
  title: (p) => `Heap profile of ${p.pod ?? "a pod"}`,
  describe: (p) => `Capture a heap profile of ${p.pod ?? "?"}`,
  button: () => "Capture heap profile",
  propose: (a, deployment) => {
    if (a.kind !== "capture-heap-profile") return null;
    const { namespace, pod, uid } = a.params;
    return { params: { pod, podUid: uid }, target: { namespace, deployment, pod, podUid: uid } };
  },
};
