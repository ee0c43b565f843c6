// What the diagnosis says about what comes next and why it started (see forecast.ts, changes.ts).
import type { PodForecast } from "./forecast.ts";

export type { MemoryPoint, PodForecast } from "./forecast.ts";

export type ChangeFinding =
  /** Memory began climbing after this rollout, which changed image, env or limits. */
  | {
      kind: "rollout";
      revision: number;
      previousRevision: number;
      /** Cluster time (ISO) the revision's ReplicaSet was created. */
      at: string;
      /** When the climb began (ISO) if the samples show it, else the pods' start. */
      climbFrom: string;
      /** What changed, one line each: "image rdev-api:1.8.3 → rdev-api:1.9.0". */
      changes: string[];
      changeCause: string | null;
      /** The rollout is one of the bot's own approved actions (no rollback offered for it). */
      byBot: string | null;
      /** Climbing pods of this revision, out of all its pods seen. */
      climbing: number;
      of: number;
    }
  /** The climb predates any change of the workload (or the last one is long before it). */
  | {
      kind: "predates";
      climbFrom: string;
      /** The newest revision and when it was made (null: the workload has one revision). */
      newest: { revision: number; at: string; changes: string[] } | null;
    }
  | { kind: "unknown"; reason: string };

export type Foresight = {
  /** Where the samples came from: "Prometheus", "the last diagnoses". */
  source: string;
  /** Every running pod with a memory limit, climbing first (soonest kill first). */
  pods: PodForecast[];
  /** Why it started (null: no pod is climbing, nothing to explain). */
  change: ChangeFinding | null;
};
