// Undo of a change the bot made to the Deployment (the memory limit, the cache TTL env var): what
// the undo proposal carries (the change's proposal, the value the bot set and the value before it,
// or "was unset"), and the decision against the value the pod template has now. Pure.
import { quantityToBytes } from "../k8s/quantity.ts";
import type { ActionParams, UndoableKind } from "../queue/jobs.ts";
import { UndoableKind as Undoable } from "../queue/jobs.ts";
import { undoableOf } from "../runbooks/high-memory/catalog/index.ts";
import {
  type UndoSpec as CatalogUndoSpec,
  subjectOfWith,
  undoSpecOf,
  undoTitleWith,
} from "../runbooks/high-memory/catalog/undo.ts";

type Details = Readonly<Record<string, string | number | boolean | null>>;

/** The applied change's facts as an execute step records them: { from, to } (and env for the TTL). */
export type AppliedChange = {
  proposalId: string;
  action: string;
  status: string;
  details: Details;
};

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** The undo proposal's parameters for an applied change; null when there is nothing to undo. */
export function undoParamsFor(change: AppliedChange): ActionParams | null {
  const kind = Undoable.safeParse(change.action);
  if (!kind.success || change.status !== "applied") return null;
  const to = str(change.details.to);
  if (!to) return null;
  const from = str(change.details.from);
  const envVar = undoableOf(kind.data)?.env === true;
  const env = envVar ? str(change.details.env) : null;
  if (envVar && !env) return null;
  return {
    undoOf: change.proposalId,
    undoes: kind.data,
    ...(env ? { envName: env } : {}),
    expected: to,
    ...(from === null ? { previousUnset: true } : { previous: from }),
  };
}

/** The parts of an undo, once its parameters are checked (the catalog's undo entry reads them). */
export type UndoSpec = CatalogUndoSpec<UndoableKind>;

/** The undo's parameters as a spec, or why they do not make one. */
export function undoSpec(params: ActionParams): { ok: true; spec: UndoSpec } | { ok: false; reason: string } {
  return undoSpecOf(undoableOf, params);
}

/** "the memory limit" / "CACHE_TTL". */
export function subjectOf(spec: Pick<UndoSpec, "envName" | "undoes">): string {
  return subjectOfWith(undoableOf, spec);
}

/** "put the memory limit back to 512Mi" / "remove CACHE_TTL (it was unset before)". */
export function undoWords(spec: UndoSpec): string {
  const what = subjectOf(spec);
  if (spec.restore !== null) return `set ${what} back from ${spec.expected} to ${spec.restore}`;
  return spec.envName
    ? `remove ${what} (it was unset before the bot set it to ${spec.expected})`
    : `remove ${what} (there was none before the bot set ${spec.expected})`;
}

/** The button's and the proposal's name: "Undo: CACHE_TTL back to 5m", "Undo: remove the memory limit". */
export function undoTitle(spec: UndoSpec): string {
  return undoTitleWith(undoableOf, spec);
}

const same = (spec: UndoSpec, a: string | null, b: string | null): boolean => {
  if (a === null || b === null) return a === b;
  if (spec.envName) return a === b;
  const x = quantityToBytes(a);
  return x !== null && x === quantityToBytes(b);
};

export type UndoDecision =
  /** The value is still what the bot set: put the previous one back. */
  | { kind: "restore" }
  /** The value is already the previous one (an earlier attempt, or someone else, put it back). */
  | { kind: "already" }
  /** Someone changed it since: refuse, naming the current value; nothing changes. */
  | { kind: "changed"; message: string };

/**
 * What to do given the value in the pod template now (null: absent). Memory limits compare as
 * quantities (the API server writes 1024Mi as 1Gi); env values compare exactly.
 */
export function decideUndo(spec: UndoSpec, current: string | null): UndoDecision {
  if (same(spec, current, spec.expected)) return { kind: "restore" };
  if (same(spec, current, spec.restore)) return { kind: "already" };
  const what = subjectOf(spec);
  const now = current === null ? "unset" : current;
  return {
    kind: "changed",
    message: `${what.charAt(0).toUpperCase()}${what.slice(1)} is ${now} now, not the ${spec.expected} the bot set: someone changed it since, so the bot will not undo it (that would overwrite their change). Nothing was changed. Set it by hand if ${spec.restore ?? "unset"} is still wanted.`,
  };
}
