// In front of Bolt's receiver on POST /slack/events: verifies Slack's signature itself (v0 HMAC,
// timestamp within 5 minutes either way) and refuses a signature it has already seen, so a
// captured request cannot be replayed within the window either, on any replica (the seen set is
// in Redis). The buffered body is left on the request (rawBody), where Bolt's receiver reuses it.
import type { IncomingMessage } from "node:http";
import { HTTPModuleFunctions, verifySlackRequest } from "@slack/bolt";
import type { Redis } from "ioredis";
import type { Logger } from "../../logger.ts";

export type GuardVerdict =
  | { ok: true }
  | { ok: false; reason: "bad_signature" | "stale" | "replayed" | "too_large" };

export type ReplayGuardOptions = {
  signingSecret: string;
  redis: Redis;
  prefix: string;
  logger: Logger;
  now?: () => number;
  bodyLimit?: number;
};

const WINDOW_S = 300;

export function createReplayGuard(options: ReplayGuardOptions) {
  const now = options.now ?? Date.now;
  const bodyLimit = options.bodyLimit ?? HTTPModuleFunctions.defaultBodyLimit;
  return async (req: IncomingMessage): Promise<GuardVerdict> => {
    let body: string;
    try {
      body = (await HTTPModuleFunctions.bufferIncomingMessage(req, bodyLimit)).rawBody.toString();
    } catch {
      return { ok: false, reason: "too_large" };
    }
    // Slack's ssl_check carries no signature; Bolt answers it and strips anything else.
    if (
      req.headers["content-type"] === "application/x-www-form-urlencoded" &&
      /(^|&)ssl_check=1(&|$)/.test(body)
    )
      return { ok: true };
    const signature = req.headers["x-slack-signature"];
    const timestamp = Number(req.headers["x-slack-request-timestamp"]);
    if (typeof signature !== "string" || !Number.isInteger(timestamp))
      return { ok: false, reason: "bad_signature" };
    const nowMs = now();
    if (Math.abs(nowMs / 1000 - timestamp) > WINDOW_S) return { ok: false, reason: "stale" };
    try {
      verifySlackRequest({
        signingSecret: options.signingSecret,
        body,
        headers: { "x-slack-signature": signature, "x-slack-request-timestamp": timestamp },
        nowMilliseconds: nowMs,
      });
    } catch {
      return { ok: false, reason: "bad_signature" };
    }
    const key = `${options.prefix}:slack-seen:${signature.slice(3, 67)}`;
    const first = await options.redis
      .set(key, "1", "PX", 2 * WINDOW_S * 1000 + 60_000, "NX")
      .catch((error: unknown) => {
        // Without Redis nothing can change state anyway; let Bolt answer (help, "Redis is down").
        options.logger.warn({ err: error }, "replay check skipped: Redis unavailable");
        return "OK" as const;
      });
    return first === null ? { ok: false, reason: "replayed" } : { ok: true };
  };
}
