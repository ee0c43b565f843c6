// Set the cache TTL env var (rdev-api's CACHE_TTL; rolls the pods); undoable: the value before it
// (or that there was none) is recorded.
import type { ActionBase } from "../../../diagnose/types.ts";
import { parseGoDuration } from "../../../units/duration.ts";
import { type ActionEntry, str, type UndoableChange } from "./types.ts";

/** The action a diagnosis offers (diagnose/types.ts Action). */
export type SetCacheTtlAction = ActionBase & {
  kind: "set-cache-ttl";
  params: {
    namespace: string;
    deployment: string;
    container: string;
    env: string;
    value: string;
    current: string | null;
  };
};

/** A week, written the way Go's time.ParseDuration (rdev-api's CACHE_TTL) reads it. */
const MAX_TTL_MS = 7 * 86_400_000;
const MAX_TTL = "168h";

export const setCacheTtl: ActionEntry<"set-cache-ttl", UndoableChange> = {
  kind: "set-cache-ttl",
  name: "Set cache TTL",
  risky: true,
  fourEyesByDefault: true,
  changesTemplate: true,
  recordsPrevious: true,
  undoable: { env: true, subject: "the cache TTL" },
  restartsPods: false,
  targetsPod: false,
  fixes: true,
  stampsRestart: false,
  confirm: null,
  value: {
    param: "ttl",
    modalTitle: "Set cache TTL",
    label: "New cache TTL",
    hint: () => "A duration like 15s, 5m or 1h",
    // The TTL becomes rdev-api's CACHE_TTL, which Go's time.ParseDuration reads: its grammar exactly
    // ("1m30s" and "1.5h" are fine; "2d" is not, Go has no days).
    validate(value) {
      const ms = parseGoDuration(value);
      if (ms === null)
        return {
          ok: false,
          error: /^\d+(\.\d*)?d$/.test(value)
            ? `Go durations have no days: write hours, like ${MAX_TTL} for a week.`
            : "Use a duration like 15s, 5m or 1h30m.",
        };
      if (ms < 1000) return { ok: false, error: "At least 1s." };
      if (ms > MAX_TTL_MS) return { ok: false, error: `At most ${MAX_TTL} (7 days).` };
      return { ok: true, params: { ttl: value }, value };
    },
  },
  label: (p) => `Set ${str(p.envName) ?? "the cache TTL"}${str(p.ttl) ? ` to ${p.ttl}` : ""}`,
  title: (p, where) => `Cache TTL ${p.ttl ?? "?"} for ${where}`,
  describe: (p, where) => `Set ${p.envName ?? "CACHE_TTL"}=${p.ttl ?? "?"} on ${where}`,
  button: (a) => (a.kind === "set-cache-ttl" ? `Set ${a.params.env}=${a.params.value}` : "Set TTL"),
  propose: (a) =>
    a.kind === "set-cache-ttl"
      ? {
          params: { ttl: a.params.value, envName: a.params.env },
          target: { namespace: a.params.namespace, deployment: a.params.deployment },
        }
      : null,
};
