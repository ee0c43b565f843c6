// Recognising a message that Alertmanager's own Slack notifier (slack_configs) posted. Its default
// templates put everything in one attachment: title "[FIRING:3] RdevAPIHighMemory ..." (or
// "[RESOLVED] ..."), a title_link to Alertmanager, text and fallback; the message itself comes from
// a bot (bot_id, often subtype "bot_message" for incoming webhooks) with an empty or short text.
// Pure.

export type NotifierEvent = {
  type?: string;
  subtype?: string;
  channel?: string;
  ts?: string;
  thread_ts?: string;
  bot_id?: string;
  text?: string;
  attachments?: { title?: string; text?: string; fallback?: string; pretext?: string }[];
  blocks?: unknown[];
};

export type NotifierAlert = { channel: string; ts: string; status: "firing" | "resolved" };

/** Every piece of text a notifier message may carry its alert name in. */
function texts(event: NotifierEvent): string {
  const parts = [event.text ?? ""];
  for (const a of event.attachments ?? [])
    parts.push(a.title ?? "", a.pretext ?? "", a.text ?? "", a.fallback ?? "");
  if (event.blocks) parts.push(JSON.stringify(event.blocks));
  return parts.join("\n");
}

export function notifierAlert(
  event: NotifierEvent,
  options: { alertName: string; watchChannels: readonly string[]; ownBotId: string | null },
): NotifierAlert | null {
  if (event.type !== "message" || !event.channel || !event.ts) return null;
  if (!options.watchChannels.includes(event.channel)) return null;
  if (event.subtype && event.subtype !== "bot_message") return null;
  if (!event.bot_id || event.bot_id === options.ownBotId) return null;
  if (event.thread_ts && event.thread_ts !== event.ts) return null;
  const all = texts(event);
  const name = new RegExp(`(^|[^A-Za-z0-9_])${options.alertName}([^A-Za-z0-9_]|$)`);
  if (!name.test(all)) return null;
  const status = /\[RESOLVED\]/i.test(all) && !/\[FIRING/i.test(all) ? "resolved" : "firing";
  return { channel: event.channel, ts: event.ts, status };
}
