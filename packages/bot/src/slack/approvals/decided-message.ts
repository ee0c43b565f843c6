// After an approval: rewrite the message that carried the button (chat.update works only on the
// bot's own, non-ephemeral messages) to show who approved what and when; else replace it through
// the interaction's response_url; else say it in the thread.
import { markDecided, markPending } from "../../render/blocks/approval.ts";
import type { AppDeps, WebClient } from "../deps.ts";
import { postToResponseUrl } from "../reply.ts";
import { slackErrorCode } from "../slack-errors.ts";

export type DecidedMessage = {
  proposalId: string;
  line: string;
  channel: string;
  messageTs: string | null;
  threadTs: string | null;
  /** The message as the click payload carried it; null after a modal (it is fetched then). */
  message: { text: string; blocks: unknown[] } | null;
  isEphemeral: boolean;
  responseUrl: string | null;
  /** "pending": the buttons stay (a two-person action waiting for its second approver). */
  mode?: "decided" | "pending";
};

/** The bot's message `ts` in `channel` (in thread `threadTs`), or null when Slack will not say. */
async function fetchMessage(
  slack: WebClient,
  channel: string,
  ts: string,
  threadTs: string | null,
): Promise<{ text: string; blocks: unknown[] } | null> {
  const found =
    threadTs && threadTs !== ts
      ? (await slack.conversations.replies({ channel, ts: threadTs, limit: 200 })).messages?.find(
          (m) => m.ts === ts,
        )
      : (await slack.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 })).messages?.[0];
  if (!found || found.ts !== ts) return null;
  return { text: found.text ?? "", blocks: (found.blocks as unknown[] | undefined) ?? [] };
}

export async function showDecided(
  deps: Pick<AppDeps, "slack" | "fetch">,
  d: DecidedMessage,
): Promise<"updated" | "replaced" | "replied"> {
  const { slack } = deps;
  const mark = d.mode === "pending" ? markPending : markDecided;
  const original =
    d.message ??
    (d.messageTs
      ? await fetchMessage(slack, d.channel, d.messageTs, d.threadTs).catch((error: unknown) => {
          if (slackErrorCode(error) === null) throw error;
          return null;
        })
      : null);
  if (original && d.messageTs && !d.isEphemeral) {
    const blocks = mark(original.blocks, d.proposalId, d.line);
    const updated = await slack.chat
      .update({ channel: d.channel, ts: d.messageTs, text: original.text, blocks })
      .then(() => true)
      .catch((error: unknown) => {
        if (slackErrorCode(error) === null) throw error;
        return false;
      });
    if (updated) return "updated";
  }
  if (original && d.responseUrl) {
    const blocks = mark(original.blocks, d.proposalId, d.line);
    await postToResponseUrl(
      d.responseUrl,
      { text: original.text, blocks, replace_original: true },
      deps.fetch,
    );
    return "replaced";
  }
  await slack.chat.postMessage({
    channel: d.channel,
    text: d.line,
    ...(d.threadTs ? { thread_ts: d.threadTs } : {}),
  });
  return "replied";
}
