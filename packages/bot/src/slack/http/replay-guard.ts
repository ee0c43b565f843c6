// In front of Bolt's receiver on POST /slack/events, and the only signature check (Bolt's receiver
// runs with signatureVerification: false). In order, so that an unsigned or stale request costs
// nothing but its headers:
//   1. headers: a declared body over the limit is refused (413); a request without Slack's
//      signature headers or with a timestamp outside 5 minutes is refused (401) unread;
//   2. the body is read up to the limit (413 past it), then Slack's v0 HMAC is checked;
//   3. a signature seen before is refused (replayed). The seen set is in Redis (every replica) and,
//      for the last 10 minutes, in this process too.
// When Redis cannot vouch (unreachable, or restarted after the request was signed, so its seen set
// may have lost it), the request still goes to Bolt so the user gets an answer, marked
// `replayChecked: false`: every listener that changes state refuses it (fail closed). The buffered
// body is left on the request (rawBody), where Bolt's receiver reuses it.
// One HMAC with a key object made once and a constant-time compare: Bolt's verifySlackRequest
// computes three (tsscmp) from the secret string, ~9x the CPU, and it used to run twice.
import { createHmac, createSecretKey, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Logger } from "../../logger.ts";
import { type RedisClient, slotMaster } from "../../redis.ts";
import { BodyTooLargeError, readLimitedBody } from "./body.ts";

export type GuardVerdict =
  | { ok: true; replayChecked: boolean }
  | { ok: false; reason: "bad_signature" | "stale" | "replayed" | "too_large" };

export type ReplayGuardOptions = {
  signingSecret: string;
  redis: RedisClient;
  prefix: string;
  logger: Logger;
  now?: () => number;
  /** Largest body read (SLACK_EVENTS_BODY_LIMIT). */
  bodyLimit?: number;
};

const WINDOW_S = 300;
const SIGNATURE = /^v0=[0-9a-f]{64}$/;
/** Slack's ssl_check ("ssl_check=1&token=...") is unsigned and tiny. */
const SSL_CHECK_MAX_BYTES = 512;
const SEEN_LOCAL_MAX = 20_000;

/** Marks a request that passed the signature but whose replay could not be ruled out everywhere. */
export const replayCheckedOf = (req: IncomingMessage): boolean =>
  (req as { replayChecked?: boolean }).replayChecked !== false;

export function createReplayGuard(options: ReplayGuardOptions) {
  const now = options.now ?? Date.now;
  const bodyLimit = options.bodyLimit ?? 256 * 1024;
  const secretKey = createSecretKey(Buffer.from(options.signingSecret, "utf8"));
  const ttlMs = 2 * WINDOW_S * 1000 + 60_000;
  /** signature -> when it stops mattering (ms); insertion order is expiry order. */
  const seenHere = new Map<string, number>();
  /** When the Redis server holding our keys last started (ms), learnt on every (re)connect. */
  let redisStartedAt = 0;
  const learnStart = () => {
    slotMaster(options.redis, options.prefix)
      .then((node) => node?.info("server") ?? "")
      .then((text) => {
        const uptime = Number(/uptime_in_seconds:(\d+)/.exec(text)?.[1] ?? Number.NaN);
        if (Number.isFinite(uptime)) redisStartedAt = now() - uptime * 1000 - 1000;
      })
      .catch(() => {});
  };
  if (options.redis.status === "ready") learnStart();
  options.redis.on("ready", learnStart);

  const signedBy = (signature: string, timestamp: number, body: Buffer) =>
    timingSafeEqual(
      createHmac("sha256", secretKey).update(`v0:${timestamp}:`).update(body).digest(),
      Buffer.from(signature.slice(3), "hex"),
    );
  const rememberHere = (sig: string): boolean => {
    const at = now();
    for (const [key, until] of seenHere) {
      if (until > at && seenHere.size < SEEN_LOCAL_MAX) break;
      seenHere.delete(key);
    }
    if ((seenHere.get(sig) ?? 0) > at) return false;
    seenHere.set(sig, at + ttlMs);
    return true;
  };

  return async (req: IncomingMessage): Promise<GuardVerdict> => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > bodyLimit) return { ok: false, reason: "too_large" };
    const signature = req.headers["x-slack-signature"];
    const timestamp = Number(req.headers["x-slack-request-timestamp"]);
    const signed = typeof signature === "string" && Number.isInteger(timestamp);
    if (!signed) {
      // Only a tiny form body may be an unsigned ssl_check; Bolt answers it, and only it.
      const small = Number.isFinite(declared) && declared <= SSL_CHECK_MAX_BYTES;
      if (!small || req.headers["content-type"] !== "application/x-www-form-urlencoded")
        return { ok: false, reason: "bad_signature" };
      const body = await readLimitedBody(req, SSL_CHECK_MAX_BYTES).catch(() => null);
      if (!body || !/(^|&)ssl_check=1(&|$)/.test(body.toString()))
        return { ok: false, reason: "bad_signature" };
      (req as IncomingMessage & { rawBody: Buffer }).rawBody = Buffer.from("ssl_check=1");
      return { ok: true, replayChecked: true };
    }
    if (Math.abs(now() / 1000 - timestamp) > WINDOW_S) return { ok: false, reason: "stale" };
    if (!SIGNATURE.test(signature)) return { ok: false, reason: "bad_signature" };
    let body: Buffer;
    try {
      body = await readLimitedBody(req, bodyLimit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return { ok: false, reason: "too_large" };
      throw error;
    }
    if (!signedBy(signature, timestamp, body)) return { ok: false, reason: "bad_signature" };
    (req as IncomingMessage & { rawBody: Buffer }).rawBody = body;
    const sig = signature.slice(3, 67);
    if (!rememberHere(sig)) return { ok: false, reason: "replayed" };
    const first = await options.redis
      .set(`${options.prefix}:slack-seen:${sig}`, "1", "PX", ttlMs, "NX")
      .catch((error: unknown) => {
        options.logger.warn({ err: error }, "replay check incomplete: RedisClient unavailable");
        return "unknown" as const;
      });
    if (first === null) return { ok: false, reason: "replayed" };
    // Redis restarted after this was signed: a copy may have been accepted before the restart.
    const replayChecked = first === "OK" && timestamp * 1000 > redisStartedAt;
    (req as { replayChecked?: boolean }).replayChecked = replayChecked;
    return { ok: true, replayChecked };
  };
}
