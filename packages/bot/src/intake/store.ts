// Redis incident store. openOrUpdate is one Lua script, so any number of app replicas receiving
// the same Alertmanager notifications open exactly one incident per key; claimRoot makes sure only
// one of them posts the Slack thread root. See model.ts for the data model and key layout.

import { randomUUID } from "node:crypto";
import { storedCluster } from "../clusters/names.ts";
import { evalScript, type RedisClient, withRedis } from "../redis.ts";
import { KEY_PREFIX } from "../redis-keys.ts";
import { oneLine } from "./alert-text.ts";
import { alertPercent } from "./alert-value.ts";
import { type Alert, alertTime } from "./alertmanager.ts";
import { incidentKeyParts } from "./incident-key.ts";
import {
  decodeIncident,
  decodeTimelineEntry,
  type Incident,
  pairsToRecord,
  severityRank,
  TIMELINE_TYPES,
  type TimelineEntry,
} from "./model.ts";
import {
  APPEND_TIMELINE,
  CLAIM_ROOT,
  OPEN_OR_UPDATE,
  RELEASE_IF_OWNER,
  RESOLVE,
  SET_FIELD,
  SET_ROOT,
} from "./scripts.ts";

export type IncidentStoreOptions = {
  redis: RedisClient;
  /** Key prefix, KEY_PREFIX ("{rdev}") by default. Use a unique one per test. */
  prefix?: string;
  now?: () => number;
  newId?: () => string;
  /** How long a resolved incident (and its timeline) is kept. Default 7 days. */
  retentionMs?: number;
  /** Most recent timeline entries kept per incident. Default 500. */
  timelineMax?: number;
  /** How long a root claim lasts if its holder never records the root. Default 30 s. */
  rootClaimLeaseMs?: number;
  /** RUNBOOK_URL: the runbook link incidents show. The alert's own runbook_url is never used. */
  runbookUrl?: string | null;
  /** Alerts (label sets) kept per incident; further new ones are counted, not kept. Default 1000. */
  alertsPerIncidentMax?: number;
  /** A key that re-fires within this long after resolving reopens its incident. Default 5 min; 0 off. */
  flapWindowMs?: number;
  /** New incidents per minute with threads of their own; more are kept but suppressed. Default 20; 0 off. */
  incidentsPerMinuteMax?: number;
};

/** What the caller knows about the alerts it folds in. */
export type FoldOptions = {
  /** Exempt from the per-minute cap (the runbook's own workload always gets its thread). */
  exempt?: boolean;
  /** The cluster the alerts come from (recorded on a new incident); absent: the default cluster. */
  cluster?: string | null;
};

export type OpenOrUpdateResult =
  | { incident: Incident; created: boolean; reopened: boolean; suppressed: boolean; dropped: number }
  /** A resolved notification for a key with no open incident: nothing to update. */
  | { incident: null; created: false; reopened: false; suppressed: false; dropped: 0 };

const NOTHING = { incident: null, created: false, reopened: false, suppressed: false, dropped: 0 } as const;

export type ResolveResult =
  | { outcome: "resolved" | "already_resolved"; incident: Incident }
  | { outcome: "not_found"; incident: null };

export type IncidentStore = ReturnType<typeof createIncidentStore>;

/** An incident with its timeline (oldest first) and the cached permalink of its Slack thread. */
export type IncidentRecord = { incident: Incident; timeline: TimelineEntry[]; permalink: string | null };

const DAY_MS = 86_400_000;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

export function createIncidentStore(options: IncidentStoreOptions) {
  const redis = options.redis;
  const prefix = options.prefix ?? KEY_PREFIX;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => randomUUID());
  const retentionMs = options.retentionMs ?? 7 * DAY_MS;
  const timelineMax = options.timelineMax ?? 500;
  const leaseMs = options.rootClaimLeaseMs ?? 30_000;
  const alertsMax = options.alertsPerIncidentMax ?? 1000;
  const flapWindowMs = options.flapWindowMs ?? 300_000;
  const perMinuteMax = options.incidentsPerMinuteMax ?? 20;

  const keys = {
    incidentPrefix: `${prefix}:incident:`,
    incident: (id: string) => `${prefix}:incident:${id}`,
    alerts: (id: string) => `${prefix}:incident:${id}:alerts`,
    timeline: (id: string) => `${prefix}:incident:${id}:timeline`,
    rootClaim: (id: string) => `${prefix}:incident:${id}:root-claim`,
    indexPrefix: `${prefix}:incident-key:`,
    recentPrefix: `${prefix}:incident-recent:`,
    recent: (key: string) => `${prefix}:incident-recent:${key}`,
    rate: (minute: number) => `${prefix}:incident-rate:${minute}`,
    index: (key: string) => `${prefix}:incident-key:${key}`,
    open: `${prefix}:incidents:open`,
    all: `${prefix}:incidents:all`,
  };

  const decodeReply = (hash: unknown, alerts: unknown): Incident | null =>
    decodeIncident(pairsToRecord(hash), pairsToRecord(alerts));

  async function read(id: string): Promise<Incident | null> {
    const [hash, alerts] = await Promise.all([
      redis.hgetall(keys.incident(id)),
      redis.hgetall(keys.alerts(id)),
    ]);
    return decodeIncident(hash, alerts);
  }

  return {
    /** Folds one alert into the open incident for `key` (see openOrUpdateMany). */
    async openOrUpdate(key: string, alert: Alert, fold: FoldOptions = {}): Promise<OpenOrUpdateResult> {
      return await this.openOrUpdateMany(key, [alert], fold);
    },

    /**
     * Folds the alerts of one notification that share the incident key `key` into its open
     * incident, in one atomic call: opening it if one fires and none is open, reopening the one
     * resolved within the flap window, or marking a new one suppressed past the per-minute cap.
     * Concurrent calls for one key create exactly one incident.
     */
    async openOrUpdateMany(
      key: string,
      alerts: readonly Alert[],
      fold: FoldOptions = {},
    ): Promise<OpenOrUpdateResult> {
      if (alerts.length === 0) return NOTHING;
      const at = now();
      const id = newId();
      if (!ID_PATTERN.test(id))
        throw new Error(`newId() returned ${JSON.stringify(id)}: ids must match ${ID_PATTERN}`);
      const first = alerts.find((a) => a.status === "firing") ?? alerts[0];
      const parts = incidentKeyParts(first?.labels ?? {});
      const fields: Record<string, string> = { key, alertName: oneLine(parts.alertName) };
      const optional = {
        cluster: storedCluster(fold.cluster),
        namespace: parts.namespace,
        workload: parts.workload,
        runbookUrl: options.runbookUrl ?? null,
      };
      for (const [name, value] of Object.entries(optional)) if (value) fields[name] = value;
      const opened: TimelineEntry = { at, type: TIMELINE_TYPES.opened, by: "alertmanager", data: { key } };
      const reopened: TimelineEntry = {
        at,
        type: TIMELINE_TYPES.reopened,
        by: "alertmanager",
        data: { key, flapWindowMs },
      };
      const items = alerts.map((alert) => foldItem(alert, at));
      const reply = (await withRedis("open or update an incident", () =>
        evalScript(
          redis,
          OPEN_OR_UPDATE,
          [keys.index(key), keys.open, keys.all, keys.recent(key), keys.rate(Math.floor(at / 60_000))],
          [
            keys.incidentPrefix,
            id,
            at,
            JSON.stringify(fields),
            timelineMax,
            retentionMs,
            JSON.stringify(opened),
            alertsMax,
            JSON.stringify(items),
            fold.exempt ? 0 : perMinuteMax,
            JSON.stringify(reopened),
            flapWindowMs,
          ],
        ),
      )) as [string, number, unknown, unknown, number, number, number];
      const incident = decodeReply(reply[2], reply[3]);
      if (reply[0] === "" || incident === null) return NOTHING;
      return {
        incident,
        created: reply[1] === 1,
        reopened: reply[4] === 1,
        suppressed: reply[5] === 1,
        dropped: reply[6],
      };
    },

    /** Alerts kept per incident, flap window, per-minute cap: the caps this store enforces. */
    caps: { alertsPerIncidentMax: alertsMax, flapWindowMs, incidentsPerMinuteMax: perMinuteMax },

    /** Incidents opened in the minute that starts at `minuteStartMs` (counted against the cap). */
    async openedInMinute(minuteStartMs: number): Promise<number> {
      const n = await withRedis("count new incidents", () =>
        redis.get(keys.rate(Math.floor(minuteStartMs / 60_000))),
      );
      return Number(n ?? 0);
    },

    async get(id: string): Promise<Incident | null> {
      return await withRedis("read an incident", () => read(id));
    },

    /** The open incident for an incident key, if any. */
    async findOpen(key: string): Promise<Incident | null> {
      return await withRedis("find an open incident", async () => {
        const id = await redis.get(keys.index(key));
        return id ? await read(id) : null;
      });
    },

    /** Open incidents, oldest first. */
    async listOpen(): Promise<Incident[]> {
      return await withRedis("list open incidents", async () => {
        const ids = await redis.zrange(keys.open, "0", "-1");
        const incidents = await Promise.all(ids.map((id) => read(id)));
        return incidents.filter((i): i is Incident => i !== null);
      });
    },

    /** Ids of incidents created in [fromMs, toMs], newest first (within the retention). */
    async listIds(fromMs: number, toMs: number, limit = 100): Promise<string[]> {
      return await withRedis("list incidents", () =>
        redis.zrevrangebyscore(keys.all, toMs, fromMs, "LIMIT", 0, limit),
      );
    },

    /**
     * Incidents with their timelines (the most recent `timelineLimit` entries), in the order of
     * `ids`, in one round trip; unknown or expired ids are left out.
     */
    async readMany(ids: readonly string[], timelineLimit = timelineMax): Promise<IncidentRecord[]> {
      if (ids.length === 0) return [];
      const replies = await withRedis("read incidents", async () => {
        const pipeline = redis.pipeline();
        for (const id of ids) {
          pipeline.hgetall(keys.incident(id)).hgetall(keys.alerts(id));
          pipeline.lrange(keys.timeline(id), -Math.max(1, timelineLimit), -1);
        }
        return (await pipeline.exec()) ?? [];
      });
      const out: IncidentRecord[] = [];
      for (let i = 0; i + 2 < replies.length; i += 3) {
        const failed = replies.slice(i, i + 3).find(([error]) => error);
        if (failed?.[0]) throw failed[0];
        const hash = (replies[i]?.[1] ?? {}) as Record<string, string>;
        const incident = decodeIncident(hash, (replies[i + 1]?.[1] ?? {}) as Record<string, string>);
        if (!incident) continue;
        const raw = (replies[i + 2]?.[1] ?? []) as string[];
        out.push({ incident, timeline: raw.map(decodeTimelineEntry), permalink: hash.permalink || null });
      }
      return out;
    },

    /** Caches the thread's permalink on the incident (it never changes); false for an unknown id. */
    async setPermalink(id: string, permalink: string): Promise<boolean> {
      const reply = await withRedis("cache an incident's permalink", () =>
        evalScript(redis, SET_FIELD, [keys.incident(id)], ["permalink", permalink]),
      );
      return reply === 1;
    },

    /** Ids (open or within the retention) starting with `prefix`, at most `limit`: short ids typed by people. */
    async matchIds(prefix: string, limit = 10): Promise<string[]> {
      if (!/^[A-Za-z0-9_-]+$/.test(prefix)) return [];
      return await withRedis("find incidents by id prefix", async () => {
        const found = new Set<string>();
        for (const key of [keys.open, keys.all]) {
          let cursor = "0";
          do {
            const [next, page] = await redis.zscan(key, cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
            for (let i = 0; i < page.length; i += 2) if (page[i]) found.add(page[i] as string);
            cursor = next;
          } while (cursor !== "0" && found.size < limit);
        }
        return [...found].slice(0, limit);
      });
    },

    /** How many incidents are open (the incidents-open gauge). */
    async countOpen(): Promise<number> {
      return await withRedis("count open incidents", () => redis.zcard(keys.open));
    },

    /**
     * Drops index entries older than the retention (their incidents expire on their own). Opening
     * an incident does this as well; readers call it so a quiet period cannot leave stale ids.
     */
    async trimIndex(): Promise<number> {
      return await withRedis("trim the incident index", () =>
        redis.zremrangebyscore(keys.all, "-inf", `(${now() - retentionMs}`),
      );
    },

    /** The retention this store enforces (HISTORY_RETENTION). */
    retentionMs,

    /** Marks the incident resolved; its keys then expire after the retention setting. */
    async resolve(id: string, by: string): Promise<ResolveResult> {
      const at = now();
      const entry: TimelineEntry = { at, type: TIMELINE_TYPES.resolved, by };
      const reply = (await withRedis("resolve an incident", () =>
        evalScript(
          redis,
          RESOLVE,
          [keys.incident(id), keys.open],
          [
            id,
            at,
            by,
            retentionMs,
            JSON.stringify(entry),
            keys.indexPrefix,
            timelineMax,
            keys.recentPrefix,
            flapWindowMs,
          ],
        ),
      )) as [string, unknown, unknown];
      const incident = decodeReply(reply[1], reply[2]);
      if (reply[0] === "not_found" || incident === null) return { outcome: "not_found", incident: null };
      return { outcome: reply[0] === "resolved" ? "resolved" : "already_resolved", incident };
    },

    /**
     * True for exactly one caller while the root message is not recorded: that caller posts the
     * Slack root and then calls setRoot. If it dies first, the claim lapses after the lease and
     * another replica may claim.
     */
    async claimRoot(id: string, owner: string = randomUUID()): Promise<boolean> {
      const reply = await withRedis("claim an incident's root message", () =>
        evalScript(redis, CLAIM_ROOT, [keys.incident(id), keys.rootClaim(id)], [owner, leaseMs]),
      );
      return reply === 1;
    },

    /** Gives up a root claim this owner holds (its post failed, so another may try). */
    async releaseRoot(id: string, owner: string): Promise<void> {
      await withRedis("release an incident's root claim", () =>
        evalScript(redis, RELEASE_IF_OWNER, [keys.rootClaim(id)], [owner]),
      );
    },

    /** Records the Slack root message; false when one was recorded already. */
    async setRoot(id: string, root: { channel: string; ts: string }, by = "app"): Promise<boolean> {
      const entry: TimelineEntry = { at: now(), type: TIMELINE_TYPES.rootPosted, by, data: root };
      const reply = await withRedis("record an incident's root message", () =>
        evalScript(
          redis,
          SET_ROOT,
          [keys.incident(id), keys.rootClaim(id), keys.timeline(id)],
          [root.channel, root.ts, JSON.stringify(entry), timelineMax],
        ),
      );
      if (reply === -1) throw new IncidentNotFoundError(id);
      return reply === 1;
    },

    /** Appends to the incident's timeline (capped at timelineMax entries, oldest dropped). */
    async appendTimeline(id: string, entry: Omit<TimelineEntry, "at"> & { at?: number }): Promise<void> {
      const full: TimelineEntry = { ...entry, at: entry.at ?? now() };
      const reply = await withRedis("append to an incident's timeline", () =>
        evalScript(
          redis,
          APPEND_TIMELINE,
          [keys.incident(id), keys.timeline(id)],
          [JSON.stringify(full), timelineMax],
        ),
      );
      if (reply === -1) throw new IncidentNotFoundError(id);
    },

    /** The timeline, oldest first; `limit` keeps the most recent entries. */
    async timeline(id: string, limit = timelineMax): Promise<TimelineEntry[]> {
      const raw = await withRedis("read an incident's timeline", () =>
        redis.lrange(keys.timeline(id), -limit, -1),
      );
      return raw.map(decodeTimelineEntry);
    },
  };
}

/** One alert as the fold script takes it. Pure. */
function foldItem(alert: Alert, at: number) {
  // One line, without bidirectional controls: alert text must not spoof what people read.
  const severity = oneLine(alert.labels.severity ?? "");
  const alertName = alert.labels.alertname ? oneLine(alert.labels.alertname) : null;
  const pod = alert.labels.pod ?? null;
  const stored = {
    status: alert.status,
    alertName,
    severity: severity || null,
    pod,
    container: alert.labels.container ?? null,
    startsAt: alertTime(alert.startsAt),
    endsAt: alertTime(alert.endsAt),
    lastSeenAt: at,
  };
  const entry: TimelineEntry = {
    at,
    type: alert.status === "firing" ? TIMELINE_TYPES.alertFiring : TIMELINE_TYPES.alertResolved,
    by: "alertmanager",
    data: {
      fingerprint: alert.fingerprint,
      alertName,
      severity: severity || null,
      pod,
      value: alertPercent(alert),
    },
  };
  return {
    f: alert.fingerprint,
    s: alert.status,
    a: JSON.stringify(stored),
    t: JSON.stringify(entry),
    r: alert.status === "firing" ? severityRank(severity) : -1,
    v: severity,
    m: oneLine(alert.annotations.summary ?? alert.annotations.description ?? ""),
  };
}

export class IncidentNotFoundError extends Error {
  override readonly name = "IncidentNotFoundError";
  readonly code = "incident_not_found";
  constructor(id: string) {
    super(
      `No incident ${JSON.stringify(id)}: it never existed or expired after its retention. Check the id, or raise the retention setting.`,
    );
  }
}
