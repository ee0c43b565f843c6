// The high-memory runbook's action catalog: every kind of action the bot can take, one record each
// (./<kind>.ts), read by the stages instead of lists of kinds: the job schema's enums
// (queue/jobs.ts), the approval policy's names and defaults, the value dialog, the confirmation,
// the words in the timeline, results and proposals, the diagnosis buttons, the proposal a
// diagnosis action makes, the bot's own template changes and what an undo can put back.
// A new action: its record here (and in CATALOG below) and its executor in remediate/actions/.
import { type CaptureHeapProfileAction, captureHeapProfile } from "./capture-heap-profile.ts";
import { type RaiseMemoryLimitAction, raiseMemoryLimit } from "./raise-memory-limit.ts";
import { type RestartPodAction, restartPod } from "./restart-pod.ts";
import { type RollbackAction, rollback } from "./rollback.ts";
import { type RollingRestartAction, rollingRestart } from "./rolling-restart.ts";
import { type SetCacheTtlAction, setCacheTtl } from "./set-cache-ttl.ts";
import type { ActionEntry, UndoableChange } from "./types.ts";
import { undoEntry } from "./undo.ts";

/** The undoable change of a kind, looked up when an undo is read (the catalog is complete then). */
const undoableOf = (kind: string): UndoableChange | null => entryOf(kind)?.undoable ?? null;

/** In the order people meet them (the job schema's enum keeps this order). */
export const CATALOG = {
  "restart-pod": restartPod,
  "rolling-restart": rollingRestart,
  "raise-memory-limit": raiseMemoryLimit,
  "set-cache-ttl": setCacheTtl,
  "capture-heap-profile": captureHeapProfile,
  rollback,
  undo: undoEntry(undoableOf),
} as const satisfies { [K in string]: ActionEntry<K> };

/** The actions a diagnosis can offer, each with its parameters (diagnose/types.ts Action adds advice). */
export type OfferedAction =
  | RestartPodAction
  | RollingRestartAction
  | RaiseMemoryLimitAction
  | SetCacheTtlAction
  | CaptureHeapProfileAction
  | RollbackAction;

export type CatalogKind = keyof typeof CATALOG;

/** Every kind, as a non-empty tuple (for z.enum). */
export const ACTION_KINDS = Object.keys(CATALOG) as [CatalogKind, ...CatalogKind[]];

/** The kinds whose change an undo can put back. */
export type UndoableCatalogKind = {
  [K in CatalogKind]: (typeof CATALOG)[K]["undoable"] extends null ? never : K;
}[CatalogKind];
export const UNDOABLE_KINDS = ACTION_KINDS.filter((k) => CATALOG[k].undoable !== null) as [
  UndoableCatalogKind,
  ...UndoableCatalogKind[],
];

/** The kinds an approver gives a value for in a dialog (the entries with a `value` form). */
export const VALUE_KINDS = ACTION_KINDS.filter((k) => CATALOG[k].value !== null) as [
  CatalogKind,
  ...CatalogKind[],
];

/** The entry of a kind named in stored data (a job, a timeline entry); undefined for an unknown one. */
export function entryOf(kind: string): ActionEntry<CatalogKind> | undefined {
  return Object.hasOwn(CATALOG, kind) ? CATALOG[kind as CatalogKind] : undefined;
}

/** The kinds whose entry has the property. */
export const kindsWhere = (test: (e: ActionEntry) => boolean): CatalogKind[] =>
  ACTION_KINDS.filter((k) => test(CATALOG[k]));

export type * from "./types.ts";
export { undoableOf };
