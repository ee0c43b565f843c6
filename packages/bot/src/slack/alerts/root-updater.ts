// Coalesced re-rendering of incident root messages, used by the app and the worker alike (the root
// is a pure function of the stored incident, so whichever process changed it renders it). Every notification marks the incident "dirty";
// a Redis gate (SET NX PX interval) lets one render per incident through per interval across all
// replicas; whoever finds the gate closed schedules a retry for when it opens, so the last state
// is always rendered. A 429 pushes the gate back by Retry-After. The incident store is the truth:
// a render reads the incident as it is at that moment.

import type { Counter } from "prom-client";
import type { WorkerNotices } from "../../clusters/heartbeat.ts";
import type { IncidentStore } from "../../intake/store.ts";
import type { Logger } from "../../logger.ts";
import { evalScript, type RedisClient } from "../../redis.ts";
import { incidentRootBlocks, type RootOptions } from "../../render/blocks/incident-root.ts";
import type { WebClient } from "../deps.ts";
import { rateLimitedFor, slackErrorCode } from "../slack-errors.ts";

/**
 * KEYS: 1 gate, 2 dirty. ARGV: 1 owner, 2 interval ms, 3 "1" to mark dirty first, 4 dirty ttl ms.
 * Returns {1, 0}: render now (gate taken, dirty cleared); {0, 0}: nothing to render;
 * {2, pttl}: gate closed, try again in pttl ms.
 */
const REQUEST = `
if ARGV[3] == '1' then redis.call('SET', KEYS[2], '1', 'PX', ARGV[4]) end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if redis.call('DEL', KEYS[2]) == 1 then return {1, 0} end
  redis.call('DEL', KEYS[1])
  return {0, 0}
end
return {2, redis.call('PTTL', KEYS[1])}
`;

export type RootUpdaterDeps = {
  /** A client that rejects rate-limited calls at once (the gate is pushed back instead). */
  slackUpdates: WebClient;
  incidents: Pick<IncidentStore, "readMany">;
  redis: RedisClient;
  prefix: string;
  metrics: { rootUpdates: Pick<Counter<"outcome">, "inc"> };
  logger: Logger;
  /** Real time. */
  now: () => number;
  instanceId: string;
  /** The app's worker liveness (absent in the worker: it is alive). */
  workers?: Pick<WorkerNotices, "notice">;
  config: {
    rootUpdateMinIntervalMs: number;
    runbook: { dashboardUrl: string | null; alertmanagerUrl: string | null };
  };
};

/** The root message of an incident as stored now; null when it is unknown or has no root yet. */
export async function renderRoot(
  incidents: Pick<IncidentStore, "readMany">,
  id: string,
  now: number,
  options: RootOptions = {},
  /** The app's worker liveness: a down worker is said on the root (the worker itself passes none). */
  workers?: Pick<WorkerNotices, "notice"> | null,
): Promise<{
  root: { channel: string; ts: string } | null;
  message: ReturnType<typeof incidentRootBlocks>;
} | null> {
  const [record] = await incidents.readMany([id]);
  if (!record) return null;
  const workerNotice =
    record.incident.status === "open" && workers ? await workers.notice(record.incident.cluster) : null;
  return {
    root: record.incident.root,
    message: incidentRootBlocks(record, now, { ...options, workerNotice }),
  };
}

export type RootUpdater = ReturnType<typeof createRootUpdater>;

const DIRTY_TTL_MS = 86_400_000;

export function createRootUpdater(deps: RootUpdaterDeps) {
  const interval = deps.config.rootUpdateMinIntervalMs;
  const gateKey = (id: string) => `${deps.prefix}:root-gate:${id}`;
  const dirtyKey = (id: string) => `${deps.prefix}:root-dirty:${id}`;
  const timers = new Map<string, NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  };

  const schedule = (id: string, ms: number) => {
    if (closed || timers.has(id)) return;
    const timer = setTimeout(() => {
      timers.delete(id);
      track(request(id, false)).catch((error: unknown) =>
        deps.logger.error({ err: error, incidentId: id }, "incident root update failed"),
      );
    }, Math.max(1, ms) + 5);
    timer.unref();
    timers.set(id, timer);
  };

  async function render(id: string): Promise<void> {
    const rendered = await renderRoot(
      deps.incidents,
      id,
      deps.now(),
      {
        dashboardUrl: deps.config.runbook.dashboardUrl,
        silences: deps.config.runbook.alertmanagerUrl !== null,
      },
      deps.workers,
    );
    if (!rendered?.root) return;
    try {
      await deps.slackUpdates.chat.update({
        channel: rendered.root.channel,
        ts: rendered.root.ts,
        ...rendered.message,
      });
      deps.metrics.rootUpdates.inc({ outcome: "updated" });
    } catch (error) {
      const wait = rateLimitedFor(error);
      if (wait !== null) {
        deps.metrics.rootUpdates.inc({ outcome: "rate_limited" });
        await deps.redis
          .multi()
          .set(gateKey(id), deps.instanceId, "PX", wait * 1000)
          .set(dirtyKey(id), "1", "PX", DIRTY_TTL_MS)
          .exec();
        schedule(id, wait * 1000);
        return;
      }
      // The root was deleted or the bot left the channel: nothing left to update.
      if (slackErrorCode(error) !== null) {
        deps.logger.warn(
          { incidentId: id, error: slackErrorCode(error) },
          "incident root message cannot be updated",
        );
        return;
      }
      throw error;
    }
  }

  async function request(id: string, markDirty: boolean, background = false): Promise<void> {
    const reply = (await evalScript(
      deps.redis,
      REQUEST,
      [gateKey(id), dirtyKey(id)],
      [deps.instanceId, interval, markDirty ? "1" : "0", DIRTY_TTL_MS],
    )) as [number, number];
    if (reply[0] === 1 && background) {
      track(render(id)).catch((error: unknown) =>
        deps.logger.error({ err: error, incidentId: id }, "incident root update failed"),
      );
      return;
    }
    if (reply[0] === 1) return await render(id);
    if (reply[0] === 2) {
      deps.metrics.rootUpdates.inc({ outcome: "coalesced" });
      schedule(id, reply[1] > 0 ? reply[1] : interval);
    }
  }

  return {
    /** The incident changed: render it now if the gate is open, else once it opens. */
    changed: (id: string): Promise<void> => track(request(id, true)),

    /**
     * Like changed, for request paths that must not wait for Slack: resolves once the change is
     * recorded in Redis (the gate and the dirty mark); the render itself runs in the background.
     */
    touch: (id: string): Promise<void> => request(id, true, true),

    /** The incident changed before its root exists: the root's poster renders it later. */
    async markDirty(id: string): Promise<void> {
      await deps.redis.set(dirtyKey(id), "1", "PX", DIRTY_TTL_MS);
    },

    /** The root is about to be rendered for its first post: what changed so far is in it. */
    async rendering(id: string): Promise<void> {
      await deps.redis.del(dirtyKey(id));
    },

    /** The root was just posted: close the gate for one interval, then render what came meanwhile. */
    async rootPosted(id: string): Promise<void> {
      await deps.redis.set(gateKey(id), deps.instanceId, "PX", interval);
      schedule(id, interval);
    },

    /** Pending timers (tests and shutdown). */
    pending: (): number => timers.size + inFlight.size,

    /** Waits until no render is scheduled or running (tests and graceful shutdown). */
    async settled(): Promise<void> {
      while (timers.size + inFlight.size > 0) {
        await Promise.allSettled([...inFlight]);
        if (timers.size > 0) await new Promise((r) => setTimeout(r, 10));
      }
    },

    close(): void {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
