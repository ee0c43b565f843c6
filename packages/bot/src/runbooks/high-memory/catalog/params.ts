// The parameters a job (and a proposal) carries, one schema for every kind in the catalog (zod).
// Read by queue/jobs.ts (the job schema) and by the catalog's entries (types only).
import { z } from "zod";
import { UNDOABLE_KINDS } from "./index.ts";

/** The changes to the Deployment the bot can undo (a value of the pod template it set). */
export const UndoableKind = z.enum(UNDOABLE_KINDS);
export type UndoableKind = z.infer<typeof UndoableKind>;

export const ActionParams = z.object({
  pod: z.string().min(1).optional(),
  podUid: z.string().min(1).optional(),
  memoryLimit: z.string().min(1).optional(),
  ttl: z.string().min(1).optional(),
  envName: z.string().min(1).optional(),
  restartedAt: z.string().min(1).optional(), // fixed when the proposal is approved, never at execution
  revision: z.number().int().positive().optional(), // rollback: the revision to return to
  // undo: which approved change (its proposal and kind), the value it set, and what was there before
  // it: `previous`, or `previousUnset` when the env var or the limit was absent (undo removes it).
  undoOf: z.string().min(1).optional(),
  undoes: UndoableKind.optional(),
  expected: z.string().min(1).optional(),
  previous: z.string().min(1).optional(),
  previousUnset: z.boolean().optional(),
});
export type ActionParams = z.infer<typeof ActionParams>;
