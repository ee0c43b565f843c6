// Everything the worker's processors use, passed in as one object: tests build it from the
// simulator, real Redis and the fake Slack Web API; packages/bot/src/worker/main.ts from configuration.
import type * as webApi from "@slack/web-api";
import type { Queue } from "bullmq";
import type { WorkerConfig } from "../config.ts";
import type { DiagnosisDetailsStore } from "../history/diagnosis-details.ts";
import type { SnapshotStore } from "../history/snapshots.ts";
import type { IncidentStore } from "../intake/store.ts";
import type { Cluster } from "../k8s/types.ts";
import type { Logger } from "../logger.ts";
import type { ProposalStore } from "../propose/proposals.ts";
import type { SingleFlight } from "../queue/single-flight.ts";
import type { HighMemoryRunbook } from "../runbooks/high-memory/index.ts";
import type { GroupMembership } from "../slack/approvals/user-groups.ts";
import type { WorkerMetrics } from "../telemetry/worker-metrics.ts";
import type { MemoryHistoryProvider } from "./chart.ts";

export type WebClient = webApi.WebClient;

/** Milestones, for tests and benchmarks that need to know when something happened. */
export type WorkerEvent =
  | { type: "action_started"; jobId: string; action: string; at: number }
  | { type: "action_applied"; jobId: string; action: string; status: string; at: number }
  | { type: "verification"; jobId: string; passed: boolean; at: number }
  | { type: "diagnosis_posted"; jobId: string; at: number }
  | { type: "chart_posted"; jobId: string; at: number };

export type WorkerDeps = {
  config: WorkerConfig;
  runbook: HighMemoryRunbook;
  cluster: Cluster;
  /** Rejects rate-limited calls (the job is delayed by Retry-After instead of the worker sleeping). */
  slack: WebClient;
  /** timeline: the incident's last diagnosis, the baseline of the next one's trend. */
  incidents: Pick<IncidentStore, "get" | "appendTimeline" | "timeline" | "readMany" | "listOpen" | "listIds">;
  /** Re-renders an incident's root from the store (coalesced with the app's renders). */
  roots: { changed(incidentId: string): Promise<void> };
  /** Each workload's latest diagnosis snapshot (the baseline outside an incident). */
  snapshots: Pick<SnapshotStore, "latest" | "saveLatest">;
  /** Each diagnosis' full report, behind its Details button. */
  details: Pick<DiagnosisDetailsStore, "save">;
  /** get + markUsed: remediate jobs are checked against the proposal they name. */
  proposals: Pick<ProposalStore, "createProposal" | "attachMessage" | "get" | "markUsed">;
  /** Approvers' user groups (usergroups.users.list), for the approval policy's second check. */
  groups: GroupMembership;
  /** Single-flight diagnoses: who joined a running one. */
  flights: Pick<SingleFlight, "land">;
  /** Producer of heap-growth captures (diagnose queue), scheduled after a diagnosis forecasts a kill. */
  heapQueue: Pick<Queue, "add">;
  /** Producer of verify jobs (the worker schedules verification itself). */
  verifyQueue: Queue;
  metrics: WorkerMetrics;
  logger: Logger;
  /** Cluster time (ms since the epoch): action times, OOM windows, ages. */
  now: () => number;
  /**
   * Real time (ms since the epoch): what people did and saw (a diagnosis taken and posted, proposal
   * expiry). Differs from `now` only against a simulator whose clock runs faster.
   */
  realNow: () => number;
  /** Real milliseconds to wait for `clusterMs` of cluster time (differs only against a fast simulator). */
  realDelay: (clusterMs: number) => number;
  onEvent?: (event: WorkerEvent) => void;
  /** Where diagnosis charts get their points; unset: no chart. */
  memoryHistory?: MemoryHistoryProvider;
};
