// Safe text for Slack mrkdwn. Anything from the cluster (pod names, label values, event messages,
// error texts, heap-profile function names) goes through these, so it cannot inject formatting,
// links or mentions. Slack only decodes &amp; &lt; &gt;; it has no escape for * _ ~ `, so those
// become look-alike characters outside code spans.

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
const LOOKALIKES: Record<string, string> = {
  "*": "∗", // U+2217 ASTERISK OPERATOR
  _: "ˍ", // U+02CD MODIFIER LETTER LOW MACRON
  "~": "∼", // U+223C TILDE OPERATOR
  "`": "ˋ", // U+02CB MODIFIER LETTER GRAVE ACCENT
};
const ZERO_WIDTH_SPACE = "\u200b";

// Control characters, and the bidirectional-text controls (U+202A-202E, U+2066-2069, LRM, RLM,
// ALM) that reorder what people read.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/** &, < and > as entities: no <@U123>, <!channel>, <#C1> or <http://x|link> survives. */
export function escapeEntities(text: string): string {
  return text.replace(CONTROL, "").replace(/[&<>]/g, (c) => ENTITIES[c] ?? c);
}

/** Bare @channel / @here / @everyone cannot notify anyone, even with link_names on. */
function defuseBroadcasts(text: string): string {
  return text.replace(/@(channel|here|everyone)\b/gi, `@${ZERO_WIDTH_SPACE}$1`);
}

const WORD = /[A-Za-z0-9]/;

/**
 * Untrusted text inside mrkdwn, shown literally. A *, _ or ~ between two letters or digits cannot
 * open or close formatting, so snake_case_names stay copyable; elsewhere they become look-alikes.
 */
export function escapeMrkdwn(text: string): string {
  return defuseBroadcasts(escapeEntities(text)).replace(/[*_~`]/g, (c, i: number, s: string) =>
    c !== "`" && WORD.test(s[i - 1] ?? "") && WORD.test(s[i + 1] ?? "") ? c : (LOOKALIKES[c] ?? c),
  );
}

/** Text with some identifiers (pod, metric, function names) set as inline code, the rest escaped. */
export function escapeWithTerms(text: string, terms: readonly string[]): string {
  const wanted = [...new Set(terms.filter((t) => t.trim() !== ""))].sort((a, b) => b.length - a.length);
  let out = "";
  let rest = text;
  while (rest.length > 0) {
    let at = -1;
    let term = "";
    for (const t of wanted) {
      const i = rest.indexOf(t);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        term = t;
      }
    }
    if (at < 0) return out + escapeMrkdwn(rest);
    out += escapeMrkdwn(rest.slice(0, at)) + code(term);
    rest = rest.slice(at + term.length);
  }
  return out;
}

/** Untrusted text as an inline code span: copy-pastable, no formatting inside, one line. */
export function code(text: string): string {
  const inner = defuseBroadcasts(escapeEntities(text))
    .replace(/`/g, LOOKALIKES["`"] ?? "'")
    .replace(/\s*\n\s*/g, " ");
  return inner.trim() === "" ? "` `" : `\`${inner}\``;
}

/** Lines as a preformatted block; the text is escaped and cannot close the block early. */
export function codeBlock(text: string): string {
  const inner = defuseBroadcasts(escapeEntities(text)).replace(/```/g, "ˋˋˋ");
  return `\`\`\`\n${inner}\n\`\`\``;
}

/** Untrusted text for a plain_text object (headers, buttons): no control characters. */
export function plain(text: string): string {
  return text.replace(CONTROL, "").replace(/\s*\n\s*/g, " ");
}

/**
 * At most `max` characters (UTF-16 units, as Slack counts), ending in "…" when cut. Never splits an
 * entity like &amp; or a surrogate pair, and closes an inline code span or code block it cuts open.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  // Room for "…" plus whatever closes an open code span ("`") or block ("\n```").
  let out = text.slice(0, max - 5);
  const amp = out.lastIndexOf("&");
  if (amp >= 0 && !out.slice(amp).includes(";") && out.length - amp < 6) out = out.slice(0, amp);
  const last = out.charCodeAt(out.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
  if ((out.match(/```/g) ?? []).length % 2 === 1) return `${out}…\n\`\`\``;
  if ((out.replace(/```/g, "").match(/`/g) ?? []).length % 2 === 1) return `${out}…\``;
  return `${out}…`;
}
