// What dom.ts lets through from a description: allowed tags, allowed attributes, and URLs that can
// only go to the web (http, https, mailto) or to this server's own files. Everything else is
// dropped, so a bot message cannot run script, style the page or point a link at javascript:.

const TAGS = new Set([
  "a",
  "b",
  "blockquote",
  "br",
  "button",
  "code",
  "del",
  "div",
  "figcaption",
  "figure",
  "hr",
  "i",
  "img",
  "input",
  "label",
  "option",
  "pre",
  "section",
  "select",
  "span",
  "strong",
  "textarea",
]);

const GLOBAL_ATTRS = new Set(["class", "title", "role", "aria-label", "aria-hidden", "tabindex", "id"]);
const TAG_ATTRS: Record<string, Set<string>> = {
  a: new Set(["href", "target", "rel", "download"]),
  img: new Set(["src", "alt", "loading", "width", "height"]),
  button: new Set(["type", "disabled"]),
  input: new Set([
    "type",
    "value",
    "placeholder",
    "maxlength",
    "minlength",
    "disabled",
    "min",
    "max",
    "step",
  ]),
  textarea: new Set(["placeholder", "maxlength", "minlength", "rows"]),
  select: new Set(["disabled"]),
  option: new Set(["value", "selected", "disabled"]),
  label: new Set(["for"]),
};
const URL_ATTRS = new Set(["href", "src"]);

export function isAllowedTag(tag: string): boolean {
  return TAGS.has(tag);
}

/** http(s) and mailto URLs, and paths on this server under /ui/files/; else null. */
export function safeUrl(url: string): string | null {
  const trimmed = url.trim();
  if (/^\/ui\/files\/[A-Za-z0-9]+(\/[^\s]*)?$/.test(trimmed)) return trimmed;
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return null;
  }
  return ["http:", "https:", "mailto:"].includes(parsed.protocol) ? parsed.href : null;
}

/** The attributes `tag` may carry; data-* attributes are kept, event handlers never are. */
export function safeAttrs(tag: string, attrs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(attrs)) {
    const lower = name.toLowerCase();
    const allowed = GLOBAL_ATTRS.has(lower) || TAG_ATTRS[tag]?.has(lower) || /^data-[a-z0-9-]+$/.test(lower);
    if (!allowed) continue;
    if (URL_ATTRS.has(lower)) {
      const url = safeUrl(value);
      if (url !== null) out[lower] = url;
      continue;
    }
    out[lower] = value;
  }
  if (tag === "a" && out.href && !out.href.startsWith("/")) {
    out.target = "_blank";
    out.rel = "noopener noreferrer";
  }
  return out;
}
