// The previous diagnosis of a workload, for the next one's trend (rising / stable / falling) and
// growth evidence: the incident's latest stored snapshot, else the workload's latest (a
// `/rdev mem status` outside any incident), and only if it is recent enough to compare with.
//
// The worker, before runDiagnosis:
//   const previous = await previousDiagnosis(deps, { incidentId: job.replyTo.incidentId, target: job.target });
//   const run = await runDiagnosis(diagDeps, { runbook, heap, previous });
import type { PreviousDiagnosis } from "../diagnose/types.ts";
import type { IncidentStore } from "../intake/store.ts";
import type { Target } from "../queue/jobs.ts";
import { ENTRY, parseEntry } from "./entries.ts";
import { type DiagnosisSnapshot, toPrevious } from "./snapshot.ts";
import type { SnapshotStore } from "./snapshots.ts";

export type PreviousDeps = {
  incidents: Pick<IncidentStore, "timeline">;
  snapshots: Pick<SnapshotStore, "latest">;
  /** Cluster time, the clock diagnoses stamp gatheredAt with. */
  now: () => number;
};

export type PreviousRef = { incidentId?: string | null; target?: Target | null };

export type PreviousOptions = {
  /** Older snapshots are not compared with (a trend over days says little). Default 6 h. */
  maxAgeMs?: number;
  /** How many of the incident's latest timeline entries are searched. Default 200. */
  searchEntries?: number;
};

const DEFAULT_MAX_AGE_MS = 6 * 3_600_000;

/** The latest diagnosis snapshot in a timeline, newest first search. Pure. */
export function lastSnapshotIn(
  timeline: readonly Parameters<typeof parseEntry>[0][],
): DiagnosisSnapshot | null {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const raw = timeline[i];
    if (raw?.type !== ENTRY.diagnosis) continue;
    const entry = parseEntry(raw);
    if (entry.type === ENTRY.diagnosis && entry.data.snapshot.error === null) return entry.data.snapshot;
  }
  return null;
}

/** The snapshot a new diagnosis of `ref` should compare with; null when there is none (recent). */
export async function previousSnapshot(
  deps: PreviousDeps,
  ref: PreviousRef,
  options: PreviousOptions = {},
): Promise<DiagnosisSnapshot | null> {
  const maxAge = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const fresh = (s: DiagnosisSnapshot | null) => {
    if (!s) return null;
    const age = deps.now() - Date.parse(s.gatheredAt);
    return Number.isFinite(age) && age <= maxAge ? s : null;
  };
  if (ref.incidentId) {
    const timeline = await deps.incidents.timeline(ref.incidentId, options.searchEntries ?? 200);
    const own = fresh(lastSnapshotIn(timeline));
    // An incident about another workload than asked for is not a baseline for it.
    if (own && (!ref.target || sameTarget(own.target, ref.target))) return own;
  }
  return ref.target ? fresh(await deps.snapshots.latest(ref.target)) : null;
}

/** previousSnapshot in the shape runDiagnosis({ previous }) takes. */
export async function previousDiagnosis(
  deps: PreviousDeps,
  ref: PreviousRef,
  options: PreviousOptions = {},
): Promise<PreviousDiagnosis | null> {
  const snapshot = await previousSnapshot(deps, ref, options);
  return snapshot ? toPrevious(snapshot) : null;
}

const sameTarget = (a: Target, b: Target) => a.namespace === b.namespace && a.deployment === b.deployment;
