// In front of Bolt's receiver on POST /slack/events, and the only signature check (Bolt's receiver
// runs with signatureVerification: false): verifies Slack's v0 HMAC with the timestamp within 5
// minutes either way, and refuses a signature it has already seen, so a captured request cannot be
// replayed within the window either, on any replica (the seen set is in Redis). The buffered body
// is left on the request (rawBody), where Bolt's receiver reuses it.
// One HMAC with a key object made once and a constant-time compare: Bolt's verifySlackRequest
// computes three (tsscmp) from the secret string, ~9x the CPU, and it used to run twice.
import { createHmac, createSecretKey, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { HTTPModuleFunctions } from "@slack/bolt";
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
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

export function createReplayGuard(options: ReplayGuardOptions) {
  const now = options.now ?? Date.now;
  const bodyLimit = options.bodyLimit ?? HTTPModuleFunctions.defaultBodyLimit;
  const secretKey = createSecretKey(Buffer.from(options.signingSecret, "utf8"));
  /** Slack's v0 signature: HMAC-SHA256 of `v0:<timestamp>:<raw body>`, hex, after "v0=". */
  const signedBy = (signature: string, timestamp: number, body: string) =>
    SIGNATURE.test(signature) &&
    timingSafeEqual(
      createHmac("sha256", secretKey).update(`v0:${timestamp}:${body}`).digest(),
      Buffer.from(signature.slice(3), "hex"),
    );
  return async (req: IncomingMessage): Promise<GuardVerdict> => {
    let body: string;
    try {
      body = (await HTTPModuleFunctions.bufferIncomingMessage(req, bodyLimit)).rawBody.toString();
    } catch {
      return { ok: false, reason: "too_large" };
    }
    // Slack's ssl_check carries no signature: Bolt answers it, and only it, as Bolt's own check
    // would: anything else in that body (a smuggled payload or command) is dropped unread.
    if (
      req.headers["content-type"] === "application/x-www-form-urlencoded" &&
      /(^|&)ssl_check=1(&|$)/.test(body)
    ) {
      (req as IncomingMessage & { rawBody: Buffer }).rawBody = Buffer.from("ssl_check=1");
      return { ok: true };
    }
    const signature = req.headers["x-slack-signature"];
    const timestamp = Number(req.headers["x-slack-request-timestamp"]);
    if (typeof signature !== "string" || !Number.isInteger(timestamp))
      return { ok: false, reason: "bad_signature" };
    if (Math.abs(now() / 1000 - timestamp) > WINDOW_S) return { ok: false, reason: "stale" };
    if (!signedBy(signature, timestamp, body)) return { ok: false, reason: "bad_signature" };
    const seenKey = `${options.prefix}:slack-seen:${signature.slice(3, 67)}`;
    const first = await options.redis
      .set(seenKey, "1", "PX", 2 * WINDOW_S * 1000 + 60_000, "NX")
      .catch((error: unknown) => {
        // Without Redis nothing can change state anyway; let Bolt answer (help, "Redis is down").
        options.logger.warn({ err: error }, "replay check skipped: Redis unavailable");
        return "OK" as const;
      });
    return first === null ? { ok: false, reason: "replayed" } : { ok: true };
  };
}
