// The latest diagnosis snapshot per workload, for diagnoses outside an incident (`/rdev mem
// status`): the next one compares against it for its trend. One small hash per workload, expiring
// after the history retention, so Redis memory stays bounded however often people ask.
//
// Layout under prefix P (default KEY_PREFIX, "{rdev}"):
//   P:diagnosis:latest:<namespace>/<deployment>   hash  gatheredAt, snapshot (DiagnosisSnapshot JSON)
import type { Target } from "../queue/jobs.ts";
import { evalScript, type RedisClient, withRedis } from "../redis.ts";
import { KEY_PREFIX } from "../redis-keys.ts";
import { type DiagnosisSnapshot, parseSnapshot } from "./snapshot.ts";

export type SnapshotStoreOptions = {
  redis: RedisClient;
  prefix?: string;
  /** How long a snapshot is kept (HISTORY_RETENTION). Default 90 days. */
  retentionMs?: number;
};

export type SnapshotStore = ReturnType<typeof createSnapshotStore>;

/**
 * KEYS: 1 hash. ARGV: 1 gatheredAt (ISO, so it sorts as text), 2 snapshot JSON, 3 ttl ms.
 * Keeps the newer of two snapshots, so a slow diagnosis finishing late cannot replace a fresher one.
 * Returns 1 when stored.
 */
const SAVE_IF_NEWER = `
local current = redis.call('HGET', KEYS[1], 'gatheredAt')
if current and current > ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'gatheredAt', ARGV[1], 'snapshot', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function createSnapshotStore(options: SnapshotStoreOptions) {
  const { redis } = options;
  const prefix = options.prefix ?? KEY_PREFIX;
  const retentionMs = options.retentionMs ?? 90 * 86_400_000;
  const key = (t: Target) => `${prefix}:diagnosis:latest:${t.namespace}/${t.deployment}`;
  return {
    /** Stores the snapshot as its workload's latest unless a newer one is there; true when stored. */
    async saveLatest(snapshot: DiagnosisSnapshot): Promise<boolean> {
      const reply = await withRedis("save a diagnosis snapshot", () =>
        evalScript(
          redis,
          SAVE_IF_NEWER,
          [key(snapshot.target)],
          [snapshot.gatheredAt, JSON.stringify(snapshot), retentionMs],
        ),
      );
      return reply === 1;
    },

    /** The workload's latest snapshot; null when none (or an unreadable one) is stored. */
    async latest(target: Target): Promise<DiagnosisSnapshot | null> {
      const raw = await withRedis("read a diagnosis snapshot", () => redis.hget(key(target), "snapshot"));
      return raw ? parseSnapshot(parseJson(raw)) : null;
    },
  };
}
