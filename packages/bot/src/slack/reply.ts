// Answering where the user asked: chat.postMessage into the conversation, and when the bot may not
// post there (a DM between two people, a channel it was not invited to) the interaction's
// response_url instead, which Slack accepts 5 times within 30 minutes.
import type { KnownBlock } from "@slack/types";
import type { WebClient } from "./deps.ts";
import type { HttpFetch } from "./http/http-fetch.ts";
import { CANNOT_POST, slackErrorCode } from "./slack-errors.ts";

export type Message = { text: string; blocks?: KnownBlock[] };

export type ResponseUrlMessage = Message & {
  response_type?: "ephemeral" | "in_channel";
  replace_original?: boolean;
  delete_original?: boolean;
  thread_ts?: string;
};

/** POSTs to a response_url; throws with Slack's answer when it refuses (used_url, expired_url). */
export async function postToResponseUrl(
  url: string,
  message: ResponseUrlMessage,
  fetchFn: HttpFetch = fetch,
): Promise<void> {
  const res = await fetchFn(url, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify(message),
  });
  if (!res.ok) {
    const body = await res.text();
    throw new Error(`Slack refused the response_url post (HTTP ${res.status}: ${body.slice(0, 100)})`);
  }
}

export type Posted =
  | { via: "chat"; channel: string; ts: string }
  | { via: "response_url"; channel: string; ts: null };

/**
 * Posts `message` in `channel` (in `threadTs` when given); falls back to `responseUrl` (in_channel)
 * when the bot cannot post there. Other failures are thrown.
 */
export async function postInConversation(
  slack: WebClient,
  target: { channel: string; threadTs?: string | null; responseUrl?: string | null },
  message: Message,
  fetchFn: HttpFetch = fetch,
): Promise<Posted> {
  try {
    const result = await slack.chat.postMessage({
      channel: target.channel,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
      unfurl_links: false,
      unfurl_media: false,
    });
    return { via: "chat", channel: result.channel ?? target.channel, ts: String(result.ts) };
  } catch (error) {
    const code = slackErrorCode(error);
    if (!target.responseUrl || code === null || !CANNOT_POST.has(code)) throw error;
    await postToResponseUrl(target.responseUrl, { ...message, response_type: "in_channel" }, fetchFn);
    return { via: "response_url", channel: target.channel, ts: null };
  }
}
