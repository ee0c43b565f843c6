// Single-flight diagnoses: one `/rdev mem status` diagnosis in flight per target. A request that
// comes while one runs joins it: it is recorded on the running diagnosis, and the worker posts that
// diagnosis into every joined thread when it is done (with that thread's own buttons). A flood of
// status commands costs one round of cluster reads. Both sides are one Lua script each, so a join
// can never slip between the worker's last read of the joiners and the end of the flight.
import { z } from "zod";
import { storedCluster } from "../clusters/names.ts";
import { evalScript, type RedisClient, withRedis } from "../redis.ts";
import { ReplyTo } from "./jobs.ts";

/** How long a flight may last before a new request leads again (a dead worker cannot block it). */
export const FLIGHT_TTL_MS = 3 * 60_000;

/** A request that joined a running diagnosis: where to answer, who asked, its status message. */
export const Joiner = z.object({
  replyTo: ReplyTo,
  requestedBy: z.string().min(1),
  statusRoot: z.object({ channel: z.string().min(1), ts: z.string().min(1) }).optional(),
});
export type Joiner = z.infer<typeof Joiner>;

/**
 * KEYS: 1 flight key. ARGV: 1 new request id, 2 ttl ms, 3 joiner JSON, 4 joiners key prefix.
 * Returns {"lead", id} when the caller runs the diagnosis, {"joined", leader id} otherwise.
 */
const JOIN_OR_LEAD = `
local leader = redis.call('GET', KEYS[1])
if leader then
  local list = ARGV[4] .. leader
  redis.call('RPUSH', list, ARGV[3])
  redis.call('PEXPIRE', list, ARGV[2])
  return {'joined', leader}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {'lead', ARGV[1]}
`;

/**
 * KEYS: 1 flight key, 2 joiners list. ARGV: 1 request id.
 * Ends the flight if it is this request's, and returns (and removes) everyone who joined it.
 */
const LAND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
local joiners = redis.call('LRANGE', KEYS[2], 0, -1)
redis.call('DEL', KEYS[2])
return joiners
`;

export type SingleFlight = ReturnType<typeof createSingleFlight>;

export function createSingleFlight(options: { redis: RedisClient; prefix: string; ttlMs?: number }) {
  const { redis, prefix } = options;
  const ttl = options.ttlMs ?? FLIGHT_TTL_MS;
  // One flight per cluster and workload: a status request in one cluster never joins another's.
  const flightKey = (target: { namespace: string; deployment: string; cluster?: string | undefined }) => {
    const cluster = storedCluster(target.cluster);
    return `${prefix}:diagnosis-flight:${cluster ? `${cluster}/` : ""}${target.namespace}/${target.deployment}`;
  };
  const joinersPrefix = `${prefix}:diagnosis-joiners:`;
  return {
    /** Leads a new diagnosis (run it) or joins the one in flight (the worker answers here too). */
    async joinOrLead(
      target: { namespace: string; deployment: string; cluster?: string | undefined },
      requestId: string,
      joiner: Joiner,
    ): Promise<{ role: "lead" | "joined"; requestId: string }> {
      const reply = (await withRedis("join or lead a diagnosis", () =>
        evalScript(
          redis,
          JOIN_OR_LEAD,
          [flightKey(target)],
          [requestId, ttl, JSON.stringify(joiner), joinersPrefix],
        ),
      )) as [string, string];
      return { role: reply[0] === "joined" ? "joined" : "lead", requestId: reply[1] };
    },
    /** The flight of `requestId` is over: everyone who joined it, to answer. */
    async land(
      target: { namespace: string; deployment: string; cluster?: string | undefined },
      requestId: string,
    ): Promise<Joiner[]> {
      const raw = (await withRedis("end a diagnosis flight", () =>
        evalScript(redis, LAND, [flightKey(target), `${joinersPrefix}${requestId}`], [requestId]),
      )) as string[];
      return raw.flatMap((text) => {
        try {
          const parsed = Joiner.safeParse(JSON.parse(text));
          return parsed.success ? [parsed.data] : [];
        } catch {
          return [];
        }
      });
    },
  };
}
