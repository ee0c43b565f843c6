// Pure builders of the patch bodies the remediation actions send. Each sets a target value (never a
// relative change), so a retried job sends the same patch and lands in the same state.
import type { V1Container } from "@kubernetes/client-node";
import { RESTARTED_AT_ANNOTATION } from "./convert.ts";
import type { RestoreRequest } from "./types.ts";

export type JsonPatchOp =
  | { op: "add" | "replace" | "test"; path: string; value: unknown }
  | { op: "remove"; path: string };

/** `kubectl rollout restart`: a strategic merge patch of the pod template's restartedAt annotation. */
export function restartPatch(restartedAt: string): object {
  return { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt } } } } };
}

/**
 * JSON patch setting containers[index].resources.limits.memory. It starts with a `test` of the
 * container's name, so if the container list changed since it was read the API server rejects the
 * patch (422) instead of changing the wrong container. "replace" when a memory limit exists, "add"
 * of the missing object otherwise (JSON patch cannot replace what is not there).
 */
export function memoryLimitPatch(container: V1Container, index: number, value: string): JsonPatchOp[] {
  const base = `/spec/template/spec/containers/${index}`;
  const guard: JsonPatchOp = { op: "test", path: `${base}/name`, value: container.name };
  const resources = container.resources;
  if (!resources)
    return [guard, { op: "add", path: `${base}/resources`, value: { limits: { memory: value } } }];
  if (!resources.limits) {
    return [guard, { op: "add", path: `${base}/resources/limits`, value: { memory: value } }];
  }
  const op = resources.limits.memory === undefined ? "add" : "replace";
  return [guard, { op, path: `${base}/resources/limits/memory`, value }];
}

/**
 * `kubectl set env deployment/<d> -c <container> NAME=value` as a strategic merge patch: containers
 * and env merge by name. When the variable currently comes from valueFrom, that is deleted (null),
 * or the API server would reject an env var with both value and valueFrom.
 */
export function envPatch(container: V1Container, name: string, value: string): object {
  const current = container.env?.find((e) => e.name === name);
  const entry: Record<string, unknown> = { name, value };
  if (current?.valueFrom) entry.valueFrom = null;
  return { spec: { template: { spec: { containers: [{ name: container.name, env: [entry] }] } } } };
}

/**
 * JSON patch that puts `request.restore` back (replace), or removes the limit or env var when it
 * was absent. It tests the container's name and the current value first, so if anyone changed the
 * value since it was read the API server rejects the whole patch (422) and nothing changes. Null
 * when the env var is not in the container at all (it changed since it was read).
 */
export function restorePatch(
  container: V1Container,
  index: number,
  request: RestoreRequest,
): JsonPatchOp[] | null {
  const base = `/spec/template/spec/containers/${index}`;
  const guard: JsonPatchOp = { op: "test", path: `${base}/name`, value: container.name };
  const { restore, current } = request;
  if (request.value.kind === "memory-limit") {
    const path = `${base}/resources/limits/memory`;
    const write: JsonPatchOp =
      restore === null ? { op: "remove", path } : { op: "replace", path, value: restore };
    return [guard, { op: "test", path, value: current }, write];
  }
  const { name } = request.value;
  const at = (container.env ?? []).findIndex((e) => e.name === name);
  if (at < 0) return null;
  const entry = `${base}/env/${at}`;
  const write: JsonPatchOp =
    restore === null
      ? { op: "remove", path: entry }
      : { op: "replace", path: `${entry}/value`, value: restore };
  return [
    guard,
    { op: "test", path: `${entry}/name`, value: name },
    { op: "test", path: `${entry}/value`, value: current },
    write,
  ];
}
