// A remediation in words people read ("Restart pod rdev-api-7d9f8b6c5d-x2k4q"), never its id
// ("restart-pod"). Plain text; renderers escape. Pure.

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** "Undo: CACHE_TTL back to 5m", "Undo: remove the memory limit". */
function undoLabel(params: Readonly<Record<string, unknown>>): string {
  const what = str(params.envName) ?? (params.undoes === "raise-memory-limit" ? "the memory limit" : null);
  if (!what) return "Undo";
  if (params.previousUnset === true) return `Undo: remove ${what}`;
  return `Undo: ${what}${str(params.previous) ? ` back to ${params.previous}` : ""}`;
}

export function actionLabel(action: string, params: Readonly<Record<string, unknown>>): string {
  switch (action) {
    case "restart-pod":
      return `Restart pod ${str(params.pod) ?? ""}`.trim();
    case "rolling-restart":
      return "Rolling restart";
    case "raise-memory-limit":
      return `Raise the memory limit${str(params.memoryLimit) ? ` to ${params.memoryLimit}` : ""}`;
    case "set-cache-ttl": {
      const name = str(params.envName) ?? "the cache TTL";
      return `Set ${name}${str(params.ttl) ? ` to ${params.ttl}` : ""}`;
    }
    case "capture-heap-profile":
      return `Capture a heap profile${str(params.pod) ? ` of ${params.pod}` : ""}`;
    case "rollback":
      return `Roll back${typeof params.revision === "number" ? ` to revision ${params.revision}` : ""}`;
    case "undo":
      return undoLabel(params);
    default:
      return action.replace(/[-_]/g, " ");
  }
}
