// Correctly signed Slack requests, built from Slack's documented payload shapes (real examples in
// test/fixtures/slack/), for tests that drive the app's HTTP endpoint like Slack does.
// Signature (v0): "v0=" + hex HMAC-SHA256(signing secret, `v0:${timestamp}:${raw body}`), sent as
// X-Slack-Signature with X-Slack-Request-Timestamp (seconds). Bolt rejects timestamps more than
// 5 minutes from its real clock, so the default timestamp is real time, not fake time.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

type Json = Record<string, unknown>;

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/slack/${name}`, import.meta.url), "utf8")) as T;
}

export type SlashCommandFields = {
  token: string;
  team_id: string;
  team_domain: string;
  channel_id: string;
  channel_name: string;
  user_id: string;
  user_name: string;
  command: string;
  text: string;
  api_app_id: string;
  is_enterprise_install: string;
  response_url: string;
  trigger_id: string;
};

const SLASH = fixture<SlashCommandFields>("slash-command.json");
const BLOCK_ACTIONS = fixture<Json>("block-actions.json");
const VIEW_SUBMISSION = fixture<Json>("view-submission.json");
const MESSAGE_EVENT = fixture<Json>("event-message.json");
const APP_HOME_OPENED = fixture<Json>("event-app-home-opened.json");
const URL_VERIFICATION = fixture<Json>("url-verification.json");

export type SlackSignatureHeaders = {
  "X-Slack-Signature": string;
  "X-Slack-Request-Timestamp": string;
};

/** The signature headers Slack sends for `body` at `timestamp` (seconds since the epoch). */
export function signRequest(secret: string, body: string, timestamp: number): SlackSignatureHeaders {
  const digest = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
  return { "X-Slack-Signature": `v0=${digest}`, "X-Slack-Request-Timestamp": String(timestamp) };
}

/** Slash command fields (the fixture, overridden by `fields`). */
export function slashCommand(fields: Partial<SlashCommandFields> = {}): SlashCommandFields {
  return { ...SLASH, ...fields };
}

export type BlockActionsOptions = {
  actionId?: string;
  value?: string;
  blockId?: string;
  user?: { id: string; username?: string };
  channelId?: string;
  /** The message carrying the button. */
  messageTs?: string;
  /** The thread the message is in, if any. */
  threadTs?: string | null;
  isEphemeral?: boolean;
  triggerId?: string;
  responseUrl?: string;
  actionTs?: string;
};

/** A block_actions payload for a button click (the fixture: "Approve" on a proposal). */
export function blockActions(options: BlockActionsOptions = {}): Json {
  const payload = structuredClone(BLOCK_ACTIONS) as Json & {
    user: Json;
    container: Json;
    channel: Json;
    message: Json;
    actions: Json[];
  };
  const action = payload.actions[0] as Json;
  if (options.actionId) action.action_id = options.actionId;
  if (options.value !== undefined) action.value = options.value;
  if (options.blockId) action.block_id = options.blockId;
  if (options.actionTs) action.action_ts = options.actionTs;
  if (options.user) {
    const name = options.user.username ?? options.user.id.toLowerCase();
    payload.user = { ...payload.user, id: options.user.id, username: name, name };
  }
  if (options.channelId) {
    payload.container.channel_id = options.channelId;
    payload.channel = { ...payload.channel, id: options.channelId };
  }
  if (options.messageTs) {
    payload.container.message_ts = options.messageTs;
    payload.message.ts = options.messageTs;
  }
  if (options.threadTs !== undefined) {
    if (options.threadTs === null) {
      delete payload.container.thread_ts;
      delete payload.message.thread_ts;
      delete payload.message.parent_user_id;
    } else {
      payload.container.thread_ts = options.threadTs;
      payload.message.thread_ts = options.threadTs;
    }
  }
  if (options.isEphemeral !== undefined) payload.container.is_ephemeral = options.isEphemeral;
  if (options.triggerId) payload.trigger_id = options.triggerId;
  if (options.responseUrl) payload.response_url = options.responseUrl;
  return payload;
}

export type ViewSubmissionOptions = {
  callbackId?: string;
  privateMetadata?: string;
  /** state.values: block_id -> action_id -> { type, value, ... } */
  values?: Record<string, Record<string, Json>>;
  user?: { id: string; username?: string };
  triggerId?: string;
  viewId?: string;
};

/** A view_submission payload (the fixture: the "Raise memory limit" modal). */
export function viewSubmission(options: ViewSubmissionOptions = {}): Json {
  const payload = structuredClone(VIEW_SUBMISSION) as Json & { user: Json; view: Json };
  if (options.callbackId) payload.view.callback_id = options.callbackId;
  if (options.privateMetadata !== undefined) payload.view.private_metadata = options.privateMetadata;
  if (options.values) payload.view.state = { values: options.values };
  if (options.viewId) payload.view = { ...payload.view, id: options.viewId, root_view_id: options.viewId };
  if (options.user) {
    const name = options.user.username ?? options.user.id.toLowerCase();
    payload.user = { ...payload.user, id: options.user.id, username: name, name };
  }
  if (options.triggerId) payload.trigger_id = options.triggerId;
  return payload;
}

let eventCounter = 0;
const nextEventId = () => `Ev0TEST${String(++eventCounter).padStart(5, "0")}`;

export type MessageEventOptions = {
  user?: string;
  text?: string;
  channel?: string;
  ts?: string;
  /** null for a top-level message. */
  threadTs?: string | null;
  eventId?: string;
};

/** An Events API event_callback envelope with a message event (the fixture: a thread reply). */
export function messageEvent(options: MessageEventOptions = {}): Json {
  const envelope = structuredClone(MESSAGE_EVENT) as Json & { event: Json };
  const event = envelope.event;
  if (options.user) event.user = options.user;
  if (options.text !== undefined) {
    event.text = options.text;
    event.blocks = [
      {
        type: "rich_text",
        block_id: "Xq1",
        elements: [{ type: "rich_text_section", elements: [{ type: "text", text: options.text }] }],
      },
    ];
  }
  if (options.channel) event.channel = options.channel;
  if (options.ts) {
    event.ts = options.ts;
    event.event_ts = options.ts;
  }
  if (options.threadTs === null) {
    delete event.thread_ts;
    delete event.parent_user_id;
  } else if (options.threadTs) event.thread_ts = options.threadTs;
  envelope.event_id = options.eventId ?? nextEventId();
  return envelope;
}

/** An event_callback envelope with app_home_opened. */
export function appHomeOpened(
  options: { user?: string; tab?: "home" | "messages"; eventId?: string } = {},
): Json {
  const envelope = structuredClone(APP_HOME_OPENED) as Json & { event: Json };
  if (options.user) envelope.event.user = options.user;
  if (options.tab) envelope.event.tab = options.tab;
  envelope.event_id = options.eventId ?? nextEventId();
  return envelope;
}

/** The url_verification handshake Slack sends when the Request URL is saved. */
export function urlVerification(challenge?: string): Json {
  const body = structuredClone(URL_VERIFICATION);
  if (challenge) body.challenge = challenge;
  return body;
}

export type SignedPostOptions = {
  /** Seconds since the epoch; default: now (real time). */
  timestamp?: number;
  fetch?: typeof fetch;
  /** Extra headers, e.g. X-Slack-Retry-Num for a redelivered event. */
  headers?: Record<string, string>;
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

/** An interaction (block_actions, view_submission): form body `payload=<json>`. */
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
