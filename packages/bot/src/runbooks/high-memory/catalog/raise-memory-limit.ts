// Raise the container's memory limit (rolls the pods); undoable: the limit before it is recorded.
import type { ActionBase } from "../../../diagnose/types.ts";
import { quantityValue } from "../../../units/quantity.ts";
import { type ActionEntry, str, type UndoableChange } from "./types.ts";

/** The action a diagnosis offers (diagnose/types.ts Action). */
export type RaiseMemoryLimitAction = ActionBase & {
  kind: "raise-memory-limit";
  params: {
    namespace: string;
    deployment: string;
    container: string;
    from: string | null;
    fromBytes: number | null;
    to: string;
    toBytes: number;
  };
};

/** Below this rdev-api cannot run. */
const MIN_BYTES = 64 * 1024 ** 2;

export const raiseMemoryLimit: ActionEntry<"raise-memory-limit", UndoableChange> = {
  kind: "raise-memory-limit",
  name: "Raise memory limit",
  risky: true,
  fourEyesByDefault: true,
  changesTemplate: true,
  recordsPrevious: true,
  undoable: { env: false, subject: "the memory limit" },
  restartsPods: false,
  targetsPod: false,
  fixes: true,
  stampsRestart: false,
  confirm: null,
  value: {
    param: "memoryLimit",
    modalTitle: "Raise memory limit",
    label: "New memory limit",
    hint: (limits) => `A quantity like 1Gi, at most ${limits.memoryLimitMax}`,
    validate(value, limits) {
      const parsed = quantityValue(value.trim());
      const bytes = parsed === null || parsed < 0 ? null : parsed;
      if (bytes === null) return { ok: false, error: "Use a Kubernetes quantity like 768Mi or 1Gi." };
      if (bytes < MIN_BYTES) return { ok: false, error: "That is below 64Mi: too small for rdev-api." };
      if (bytes > limits.memoryLimitMaxBytes)
        return { ok: false, error: `At most ${limits.memoryLimitMax} (MEMORY_LIMIT_MAX).` };
      return { ok: true, params: { memoryLimit: value }, value };
    },
  },
  label: (p) => `Raise the memory limit${str(p.memoryLimit) ? ` to ${p.memoryLimit}` : ""}`,
  title: (p, where) => `Memory limit ${p.memoryLimit ?? "?"} for ${where}`,
  describe: (p, where) => `Raise the memory limit of ${where} to ${p.memoryLimit ?? "?"}`,
  button: (a) => (a.kind === "raise-memory-limit" ? `Raise limit to ${a.params.to}` : "Raise limit"),
  propose: (a) =>
    a.kind === "raise-memory-limit"
      ? {
          params: { memoryLimit: a.params.to },
          target: { namespace: a.params.namespace, deployment: a.params.deployment },
        }
      : null,
};
