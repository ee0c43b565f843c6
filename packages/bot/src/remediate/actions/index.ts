// Every remediation the worker can run, by job action kind.
import type { ActionKind } from "../../queue/jobs.ts";
import { CATALOG } from "../../runbooks/high-memory/catalog/index.ts";
import { captureHeapProfile } from "./capture-heap-profile.ts";
import { raiseMemoryLimit } from "./raise-memory-limit.ts";
import { restartPod } from "./restart-pod.ts";
import { rollback } from "./rollback.ts";
import { rollingRestart } from "./rolling-restart.ts";
import { setCacheTtl } from "./set-cache-ttl.ts";
import type { ActionJob, RemediationAction } from "./types.ts";
import { undo } from "./undo.ts";

export const ACTIONS: Record<ActionKind, RemediationAction> = {
  "restart-pod": restartPod,
  "rolling-restart": rollingRestart,
  "raise-memory-limit": raiseMemoryLimit,
  "set-cache-ttl": setCacheTtl,
  "capture-heap-profile": captureHeapProfile,
  rollback,
  undo,
};

export type * from "./types.ts";
export { ActionRefused } from "./types.ts";

/** A short name for the action in messages: "Restart of rdev-api-7c9", "Memory limit 1Gi for rdev/rdev-api". */
export function actionTitle(job: Pick<ActionJob, "action" | "params" | "target">): string {
  return CATALOG[job.action].title(job.params, `${job.target.namespace}/${job.target.deployment}`);
}
