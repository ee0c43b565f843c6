// Slack mrkdwn as a DOM description: *bold*, _italic_, ~strike~, `code`, ```blocks```, > quotes,
// <url|label> links, <@U..> / <#C..> / <!here> mentions, :emoji:, and the three entities Slack
// decodes (&amp; &lt; &gt;). Text stays text: the description holds strings, which dom.ts turns
// into text nodes. Pure.
import { emoji } from "./emoji.ts";
import { safeUrl } from "./safe.ts";
import { h, type VNode } from "./vnode.ts";

export type MrkdwnContext = {
  /** A user's display name, e.g. "alice"; undefined shows the id. */
  userName(id: string): string | undefined;
  /** A channel's name without "#". */
  channelName(id: string): string | undefined;
};

const WORD = /[A-Za-z0-9]/;
const STYLE_TAGS: Record<string, string> = { "*": "b", _: "i", "~": "del" };

export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_m, name: string) =>
    name === "amp" ? "&" : name === "lt" ? "<" : ">",
  );
}

/** mrkdwn as a list of nodes (inline and block: pre, blockquote). */
export function mrkdwn(text: string, ctx: MrkdwnContext): VNode[] {
  const out: VNode[] = [];
  const fence = /```([\s\S]*?)```/g;
  let last = 0;
  // A newline right before or after a code block is the block's own line break.
  const between = (from: number, to: number) => text.slice(from, to).replace(/^\n/, "").replace(/\n$/, "");
  for (let m = fence.exec(text); m !== null; m = fence.exec(text)) {
    out.push(...lines(last === 0 ? text.slice(0, m.index).replace(/\n$/, "") : between(last, m.index), ctx));
    const inner = (m[1] ?? "").replace(/^\n/, "").replace(/\n$/, "");
    out.push(h("pre", { class: "mk-pre" }, decodeEntities(inner)));
    last = m.index + m[0].length;
  }
  out.push(...lines(last === 0 ? text : text.slice(last).replace(/^\n/, ""), ctx));
  return out;
}

/** Lines outside code blocks: runs of "> " lines become quotes, the rest inline text. */
function lines(text: string, ctx: MrkdwnContext): VNode[] {
  if (text === "") return [];
  const out: VNode[] = [];
  const all = text.split("\n");
  let plain: string[] = [];
  let quote: string[] = [];
  const flushPlain = () => {
    if (plain.length > 0) out.push(...inline(plain.join("\n"), ctx));
    plain = [];
  };
  const flushQuote = () => {
    if (quote.length > 0) out.push(h("blockquote", { class: "mk-quote" }, inline(quote.join("\n"), ctx)));
    quote = [];
  };
  for (const line of all) {
    if (line.startsWith(">")) {
      flushPlain();
      quote.push(line.replace(/^> ?/, ""));
    } else {
      flushQuote();
      plain.push(line);
    }
  }
  flushPlain();
  flushQuote();
  return out;
}

/** Inline formatting of one run of text (may contain newlines). */
export function inline(text: string, ctx: MrkdwnContext): VNode[] {
  const out: VNode[] = [];
  let buf = "";
  const flush = () => {
    if (buf !== "") out.push(decodeEntities(buf));
    buf = "";
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? "";
    if (c === "`") {
      const end = text.indexOf("`", i + 1);
      if (end > i + 1 && !text.slice(i + 1, end).includes("\n")) {
        flush();
        out.push(h("code", { class: "mk-code" }, decodeEntities(text.slice(i + 1, end))));
        i = end + 1;
        continue;
      }
    } else if (c === "<") {
      const end = text.indexOf(">", i + 1);
      if (end > i + 1) {
        flush();
        out.push(angle(text.slice(i + 1, end), ctx));
        i = end + 1;
        continue;
      }
    } else if (c in STYLE_TAGS) {
      const end = closing(text, i);
      if (end !== null) {
        flush();
        out.push(h(STYLE_TAGS[c] ?? "span", {}, inline(text.slice(i + 1, end), ctx)));
        i = end + 1;
        continue;
      }
    } else if (c === ":") {
      const m = /^:([a-z0-9_+-]+):/.exec(text.slice(i));
      const found = m ? emoji(m[1] ?? "") : undefined;
      if (m && found) {
        buf += found;
        i += m[0].length;
        continue;
      }
    } else if (c === "\n") {
      flush();
      out.push(h("br"));
      i += 1;
      continue;
    }
    buf += c;
    i += 1;
  }
  flush();
  return out;
}

/**
 * Where the *, _ or ~ at `start` closes on the same line, or null. It opens only at the start or
 * after a non-word character, before a non-space; it closes after a non-space, before a non-word.
 */
function closing(text: string, start: number): number | null {
  const mark = text[start];
  if (start > 0 && WORD.test(text[start - 1] ?? "")) return null;
  const first = text[start + 1];
  if (first === undefined || /\s/.test(first) || first === mark) return null;
  for (let j = start + 2; j < text.length; j++) {
    const ch = text[j];
    if (ch === "\n") return null;
    if (ch !== mark) continue;
    if (/\s/.test(text[j - 1] ?? "")) continue;
    if (j + 1 < text.length && WORD.test(text[j + 1] ?? "")) continue;
    return j;
  }
  return null;
}

/** The inside of <...>: a mention, a channel, a special mention, a date, or a link. */
function angle(inside: string, ctx: MrkdwnContext): VNode {
  const bar = inside.indexOf("|");
  const target = bar >= 0 ? inside.slice(0, bar) : inside;
  const label = bar >= 0 ? decodeEntities(inside.slice(bar + 1)) : undefined;
  if (target.startsWith("@")) {
    const id = target.slice(1);
    return h("span", { class: "mk-mention", "data-user": id }, `@${ctx.userName(id) ?? label ?? id}`);
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    return h("span", { class: "mk-channel" }, `#${ctx.channelName(id) ?? label ?? id}`);
  }
  if (target.startsWith("!")) {
    const special = target.slice(1);
    if (["here", "channel", "everyone"].includes(special))
      return h("span", { class: "mk-mention mk-broadcast" }, `@${special}`);
    if (special.startsWith("subteam^")) return h("span", { class: "mk-mention" }, label ?? "@group");
    return h("span", {}, label ?? decodeEntities(special));
  }
  const url = decodeEntities(target);
  const href = safeUrl(url);
  return href === null ? h("span", {}, label ?? url) : h("a", { href, class: "mk-link" }, label ?? url);
}
