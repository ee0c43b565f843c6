// Undo of a change the bot made to the pod template (any entry with `undoable`): its words, and its
// parameters read as a spec. Which kinds are undoable comes from the catalog (injected: this file is
// one of its entries). The executor is remediate/actions/undo.ts.
import { type ActionEntry, type Params, str, type UndoableChange } from "./types.ts";

/** The undoable change a kind makes; null for kinds that set no value an undo can put back. */
export type UndoableOf = (kind: string) => UndoableChange | null;

/** The parts of an undo, once its parameters are checked. */
export type UndoSpec<K extends string = string> = {
  undoes: K;
  /** The env var's name; null for a resource (the memory limit). */
  envName: string | null;
  /** The value the bot set. */
  expected: string;
  /** The value to put back; null: remove the env var or the limit (it was absent). */
  restore: string | null;
};

export type SpecResult<K extends string = string> =
  | { ok: true; spec: UndoSpec<K> }
  | { ok: false; reason: string };

/** The undo's parameters as a spec, or why they do not make one. */
export function undoSpecOf<K extends string>(
  undoableOf: UndoableOf,
  params: Params & { undoes?: K },
): SpecResult<K> {
  const { undoes, expected, previous, previousUnset } = params;
  const change = undoes ? undoableOf(undoes) : null;
  if (!undoes || !expected || !change)
    return { ok: false, reason: "the job does not say which change to undo" };
  if ((previous === undefined) === (previousUnset !== true))
    return { ok: false, reason: "the job must give either the previous value or that there was none" };
  if (change.env && !params.envName)
    return { ok: false, reason: "the job does not name the env var to restore" };
  return {
    ok: true,
    spec: {
      undoes,
      envName: change.env ? (params.envName ?? null) : null,
      expected,
      restore: previousUnset ? null : (previous ?? null),
    },
  };
}

/** "the memory limit" / "CACHE_TTL". */
export function subjectOfWith(undoableOf: UndoableOf, spec: Pick<UndoSpec, "envName" | "undoes">): string {
  return spec.envName ?? undoableOf(spec.undoes)?.subject ?? "the value";
}

/** The button's and the proposal's name: "Undo: CACHE_TTL back to 5m", "Undo: remove the memory limit". */
export function undoTitleWith(undoableOf: UndoableOf, spec: UndoSpec): string {
  const what = subjectOfWith(undoableOf, spec);
  return spec.restore === null ? `Undo: remove ${what}` : `Undo: ${what} back to ${spec.restore}`;
}

export function undoEntry(undoableOf: UndoableOf): ActionEntry<"undo", null> {
  const title = (p: Params, where: string, preposition: string, otherwise: string) => {
    const spec = undoSpecOf(undoableOf, p);
    return spec.ok ? `${undoTitleWith(undoableOf, spec.spec)} ${preposition} ${where}` : otherwise;
  };
  return {
    kind: "undo",
    name: "Undo",
    risky: false,
    fourEyesByDefault: false,
    changesTemplate: false,
    recordsPrevious: true,
    undoable: null,
    restartsPods: false,
    targetsPod: false,
    fixes: true,
    stampsRestart: false,
    confirm: {
      label: "Undo",
      text: "The bot first checks that the pod template still has the value it set (if anyone changed it since, nothing is changed), then puts back the value from before the change, or removes it if there was none; every pod is replaced, one at a time.",
    },
    value: null,
    /** "Undo: CACHE_TTL back to 5m", "Undo: remove the memory limit" (from the recorded details). */
    label(p) {
      const change = str(p.undoes) ? undoableOf(p.undoes as string) : null;
      const what = str(p.envName) ?? (change && !change.env ? change.subject : null);
      if (!what) return "Undo";
      if (p.previousUnset === true) return `Undo: remove ${what}`;
      return `Undo: ${what}${str(p.previous) ? ` back to ${p.previous}` : ""}`;
    },
    title: (p, where) => title(p, where, "for", `Undo for ${where}`),
    describe: (p, where) => title(p, where, "on", `Undo a change on ${where}`),
    button: null,
    propose: null,
  };
}
