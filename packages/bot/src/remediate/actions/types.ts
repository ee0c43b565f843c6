// The runbook's remediations as actions: plan (pure: what will be done, the kubectl equivalent, or
// why it is refused), execute (the one cluster write, idempotent), verify (read back until the
// change has fully landed, e.g. the rollout finished). The worker's remediate processor drives them
// step by step; nothing here touches Slack or Redis.
import type { Config } from "../../config.ts";
import type { HeapSummary } from "../../diagnose/pprof.ts";
import type { Cluster } from "../../k8s/types.ts";
import type { ActionKind, RemediateJob } from "../../queue/jobs.ts";

/** The job fields an action reads (a RemediateJob, validated when dequeued). */
export type ActionJob = Pick<RemediateJob, "action" | "params" | "target" | "approvedAt">;

export type ActionSettings = {
  target: Config["target"];
  limits: Config["limits"];
  cache: Config["cache"];
  /** restart-pod may delete the pod (UID-checked) when eviction is forbidden. */
  allowDeleteFallback: boolean;
};

export type Plan = {
  kind: ActionKind;
  /** One sentence: what is about to happen, with the concrete names and values. */
  summary: string;
  /** What an operator would type for the same change, for the record. */
  kubectl: string;
  /** How the bot does it, when that differs from the kubectl line (Eviction API, UID precondition). */
  mechanism: string | null;
  /** Changes the cluster (false for the heap profile). */
  mutates: boolean;
  /** Replaces pods: wait for the rollout, then schedule the runbook's verification. */
  rollsPods: boolean;
};

export type PlanResult = { ok: true; plan: Plan } | { ok: false; reason: string };

export type OutcomeStatus = "applied" | "already_done" | "nothing_to_do";

export type Outcome = {
  status: OutcomeStatus;
  /** What happened, in one sentence ("Evicted rdev-api-7c9 (uid 1f2e...)"). */
  summary: string;
  /** Facts for the timeline and later steps (method used, values before and after). */
  details: Record<string, string | number | boolean | null>;
  /** A heap profile to attach (capture-heap-profile only); never stored in job data. */
  file?: { name: string; title: string; bytes: Buffer; summary: HeapSummary };
};

export type Progress = {
  done: boolean;
  /** Where the change stands ("2 of 3 pods updated, 1 available"). */
  summary: string;
};

export type ExecuteContext = {
  cluster: Cluster;
  settings: ActionSettings;
  job: ActionJob;
  /**
   * An earlier attempt of this job started executing and did not record its outcome (it failed or
   * its worker died): the change may already be applied, so "gone" or "already set" means done.
   */
  resumed: boolean;
  /**
   * Called right before the cluster write, and awaited: the worker records that the write may have
   * happened, so an attempt that dies after this point is resumed as "maybe applied".
   */
  beforeWrite: () => Promise<void>;
  signal?: AbortSignal;
};

export type VerifyContext = {
  cluster: Cluster;
  settings: ActionSettings;
  job: ActionJob;
  outcome: Pick<Outcome, "status" | "details">;
  signal?: AbortSignal;
};

export type RemediationAction = {
  kind: ActionKind;
  plan(job: ActionJob, settings: ActionSettings): PlanResult;
  execute(ctx: ExecuteContext): Promise<Outcome>;
  /** Checks whether the change has fully landed; called repeatedly (delayed steps) until done. */
  verify(ctx: VerifyContext): Promise<Progress>;
};

export { ActionRefused } from "../../queue/failures.ts";
