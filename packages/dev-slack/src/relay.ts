// Sending the app what Slack sends: a signed POST to its Request URL, answered within 3 seconds.
// Slack's own words for the failures are kept ("dispatch_failed", "operation_timeout"), with the
// detail a developer needs to fix it.
import type { Json, slashCommand } from "./payloads.ts";
import { signedEvent, signedInteraction, signedSlashCommand } from "./sign.ts";

export type AppAnswer =
  | { ok: true; status: number; ack: Json | null }
  | { ok: false; error: "dispatch_failed" | "operation_timeout"; detail: string };

export type Relay = {
  /** The app's Request URL (e.g. http://127.0.0.1:3000/slack/events), or null when unset. */
  url(): string | null;
  signingSecret: string;
  /** How long Slack waits for the acknowledgement. */
  timeoutMs: number;
  fetch?: typeof fetch;
};

type Send = (url: string, options: { signal: AbortSignal; fetch?: typeof fetch }) => Promise<Response>;

async function deliver(relay: Relay, send: Send): Promise<AppAnswer> {
  const url = relay.url();
  if (!url) return { ok: false, error: "dispatch_failed", detail: "no app is connected (no Request URL)" };
  let res: Response;
  try {
    res = await send(url, {
      signal: AbortSignal.timeout(relay.timeoutMs),
      ...(relay.fetch ? { fetch: relay.fetch } : {}),
    });
  } catch (error) {
    const timeout = error instanceof Error && error.name === "TimeoutError";
    return timeout
      ? {
          ok: false,
          error: "operation_timeout",
          detail: `no answer from ${url} within ${relay.timeoutMs} ms`,
        }
      : { ok: false, error: "dispatch_failed", detail: `cannot reach ${url}: ${String(error)}` };
  }
  const text = await res.text().catch(() => "");
  if (res.status < 200 || res.status >= 300) {
    return { ok: false, error: "dispatch_failed", detail: `${url} answered HTTP ${res.status}` };
  }
  return { ok: true, status: res.status, ack: parseAck(res.headers.get("content-type") ?? "", text) };
}

/** An acknowledgement body: JSON, plain text (shown as a message's text), or nothing. */
export function parseAck(contentType: string, text: string): Json | null {
  if (text.trim() === "") return null;
  if (contentType.includes("json")) {
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === "object" && parsed !== null ? (parsed as Json) : null;
    } catch {
      return { text };
    }
  }
  return { text };
}

export function sendCommand(relay: Relay, fields: ReturnType<typeof slashCommand>): Promise<AppAnswer> {
  return deliver(relay, (url, o) => signedSlashCommand(url, relay.signingSecret, fields, o));
}

export function sendInteraction(relay: Relay, payload: Json): Promise<AppAnswer> {
  return deliver(relay, (url, o) => signedInteraction(url, relay.signingSecret, payload, o));
}

export function sendEvent(relay: Relay, envelope: Json): Promise<AppAnswer> {
  return deliver(relay, (url, o) => signedEvent(url, relay.signingSecret, envelope, o));
}
