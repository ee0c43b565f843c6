// The data paths of the history views: the recent incidents summed up (`/rdev mem history`, App
// Home), and one incident by id or by the first characters of its id (`/rdev incident <id>`).
import type { IncidentRecord, IncidentStore } from "../intake/store.ts";
import { type IncidentSummary, summariseIncident } from "./summary.ts";

export type HistoryReader = Pick<IncidentStore, "listIds" | "readMany" | "trimIndex" | "matchIds">;

export type HistoryQuery = {
  /** Most incidents returned, newest first. */
  limit: number;
  /** How far back, in days. */
  days: number;
};

export const DAY_MS = 86_400_000;

/** Recent incidents, newest first, summed up. Three round trips to Redis whatever the store holds. */
export async function loadHistory(
  deps: { incidents: Pick<HistoryReader, "listIds" | "readMany" | "trimIndex">; now: () => number },
  query: HistoryQuery,
): Promise<IncidentSummary[]> {
  const now = deps.now();
  // Retention is enforced here too, so a long quiet period (no incident opening) leaves no stale ids.
  await deps.incidents.trimIndex();
  const ids = await deps.incidents.listIds(now - query.days * DAY_MS, now, query.limit);
  const records = await deps.incidents.readMany(ids);
  return records.map((r) => summariseIncident(r, now));
}

export type FindResult =
  | { found: IncidentRecord }
  | { found: null; candidates: string[] }
  | { found: null; problem: string };

const ID = /^[A-Za-z0-9_-]{1,100}$/;
/** A prefix this short would match too much by accident. */
export const MIN_PREFIX = 4;

/** One incident by its id or a unique prefix of it (as the history list shows it). */
export async function findIncident(
  deps: { incidents: Pick<HistoryReader, "readMany" | "matchIds"> },
  idOrPrefix: string,
): Promise<FindResult> {
  const wanted = idOrPrefix.trim();
  if (!ID.test(wanted)) return { found: null, problem: "an incident id has only letters, digits, - and _" };
  const [exact] = await deps.incidents.readMany([wanted]);
  if (exact) return { found: exact };
  if (wanted.length < MIN_PREFIX) {
    return { found: null, problem: `give at least ${MIN_PREFIX} characters of the incident id` };
  }
  const ids = await deps.incidents.matchIds(wanted, 5);
  if (ids.length !== 1) return { found: null, candidates: ids };
  const [record] = await deps.incidents.readMany(ids);
  return record ? { found: record } : { found: null, candidates: [] };
}
