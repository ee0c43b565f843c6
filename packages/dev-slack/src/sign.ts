// Signed requests as Slack sends them to an app's Request URL.
// Signature (v0): "v0=" + hex HMAC-SHA256(signing secret, `v0:${timestamp}:${raw body}`), sent as
// X-Slack-Signature with X-Slack-Request-Timestamp (seconds). Bolt rejects timestamps more than
// 5 minutes from its real clock, so the default timestamp is real time, not fake time.
import { createHmac } from "node:crypto";
import { type Json, type SlashCommandFields, slashCommand } from "./payloads.ts";

export type SlackSignatureHeaders = {
  "X-Slack-Signature": string;
  "X-Slack-Request-Timestamp": string;
};

/** The signature headers Slack sends for `body` at `timestamp` (seconds since the epoch). */
export function signRequest(secret: string, body: string, timestamp: number): SlackSignatureHeaders {
  const digest = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
  return { "X-Slack-Signature": `v0=${digest}`, "X-Slack-Request-Timestamp": String(timestamp) };
}

export type SignedPostOptions = {
  /** Seconds since the epoch; default: now (real time). */
  timestamp?: number;
  fetch?: typeof fetch;
  /** Extra headers, e.g. X-Slack-Retry-Num for a redelivered event. */
  headers?: Record<string, string>;
  /** Aborts the request (Slack gives up after 3 s). */
  signal?: AbortSignal;
};

/** POSTs a raw body to `url` signed with `secret`, as Slack does. */
export async function signedPost(
  url: string,
  secret: string,
  body: string,
  contentType: string,
  options: SignedPostOptions = {},
): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const doFetch = options.fetch ?? fetch;
  return await doFetch(url, {
    method: "POST",
    headers: { "Content-Type": contentType, ...signRequest(secret, body, timestamp), ...options.headers },
    body,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** A slash command: application/x-www-form-urlencoded fields. */
export async function signedSlashCommand(
  url: string,
  secret: string,
  fields: Partial<SlashCommandFields> = {},
  options: SignedPostOptions = {},
): Promise<Response> {
  const body = new URLSearchParams(slashCommand(fields)).toString();
  return await signedPost(url, secret, body, "application/x-www-form-urlencoded", options);
}

/** An interaction (block_actions, view_submission, view_closed): form body `payload=<json>`. */
export async function signedInteraction(
  url: string,
  secret: string,
  payload: Json,
  options: SignedPostOptions = {},
): Promise<Response> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return await signedPost(url, secret, body, "application/x-www-form-urlencoded", options);
}

/** An Events API request (event_callback or url_verification): JSON body. */
export async function signedEvent(
  url: string,
  secret: string,
  envelope: Json,
  options: SignedPostOptions = {},
): Promise<Response> {
  return await signedPost(url, secret, JSON.stringify(envelope), "application/json", options);
}
