// What the stages need to know about one kind of action, as data: one record per kind, in this
// folder (one file each). The executor (plan, execute, verify against the cluster) is
// remediate/actions/<kind>.ts. Pure: this folder imports only zod and the units, so the lowest
// layer (queue/jobs.ts, the job schema) can derive its enums from it.
import type { Action } from "../../../diagnose/types.ts";
import type { ActionParams } from "./params.ts";

/** A job's or a proposal's parameters as the stages read them (the schema: params.ts). */
export type Params = Readonly<ActionParams>;

/** The bounds the value form checks against (MEMORY_LIMIT_MAX). */
export type ValueLimits = { memoryLimitMaxBytes: number; memoryLimitMax: string };

export type Validated =
  | { ok: true; params: Partial<ActionParams>; value: string }
  | { ok: false; error: string };

/** The value an approver may change in a modal before approving (the approval's value dialog). */
export type ValueForm = {
  /** The job parameter that holds the value. */
  param: "memoryLimit" | "ttl";
  /** The modal's title and the input's label. */
  modalTitle: string;
  label: string;
  /** The hint under the input when the approver may still choose the value. */
  hint(limits: ValueLimits): string;
  /** The typed value, checked with the one quantity or duration parser (units/). */
  validate(raw: string, limits: ValueLimits): Validated;
};

/** A value of the pod template the action sets, which an undo can put back. */
export type UndoableChange = {
  /** The env var the value is in (the job's `envName`); false: a resource (compared as a quantity). */
  env: boolean;
  /** What the value is, in words, when no env var names it ("the memory limit"). */
  subject: string;
};

/** What the runbook's diagnosis offers (diagnose/types.ts Action) -> what a proposal stores. */
export type ProposalParts = {
  params: ActionParams;
  target: { namespace: string; deployment: string; pod?: string; podUid?: string };
};

export type ActionEntry<
  K extends string = string,
  U extends UndoableChange | null = UndoableChange | null,
> = {
  kind: K;
  /** What people read instead of the id (policy messages). */
  name: string;
  /** Changes the whole deployment: two people by default (the ApprovalPolicy default, RISKY_ACTIONS). */
  risky: boolean;
  /** In FOUR_EYES_ACTIONS' default. */
  fourEyesByDefault: boolean;
  /** Changes the pod template (the bot's own changes before a forecast: worker/bot-changes.ts). */
  changesTemplate: boolean;
  /** Sets a value whose previous one the execution records ("from"), for an undo. */
  recordsPrevious: boolean;
  /** The change can be undone: which value it sets. null: not undoable. */
  undoable: U;
  /** Restarts pods: counts against RESTART_BUDGET, and verify's "a restart only buys time". */
  restartsPods: boolean;
  /** Acts on one pod, named with its UID (the approval binds both; the worker checks them). */
  targetsPod: boolean;
  /** Fixes the workload when it works (a heap capture changes nothing, so it explains no ending). */
  fixes: boolean;
  /** Writes a restartedAt stamp fixed at the final approval (a retried job restarts once). */
  stampsRestart: boolean;
  /** Confirmed in the app's own modal after the policy check: its submit label and what happens. */
  confirm: { label: string; text: string } | null;
  /** Approved through a value dialog instead. */
  value: ValueForm | null;
  /** The timeline's and the forecast's words: "Set CACHE_TTL to 1m". */
  label(params: Params): string;
  /** A short name in results: "Cache TTL 1m for rdev/rdev-api". */
  title(params: Params, where: string): string;
  /** A proposal in messages and modals: "Set CACHE_TTL=1m on rdev/rdev-api". */
  describe(params: Params, where: string): string;
  /** The diagnosis button's default label; null: not offered by a diagnosis. */
  button: ((action: Action) => string) | null;
  /** The proposal a diagnosis action makes (null: not one the diagnosis offers). */
  propose: ((action: Action, deployment: string) => ProposalParts | null) | null;
};

export const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
