// The only place that turns descriptions into DOM nodes: createElement for allowed tags,
// setAttribute for allowed attributes (safe.ts), createTextNode for every string. No innerHTML.
// The project compiles without the DOM library, so the few DOM types the page uses are here.
import { isAllowedTag, safeAttrs } from "./safe.ts";
import type { VNode } from "./vnode.ts";

export interface DomNode {
  textContent: string | null;
}

export interface DomEvent {
  readonly target: unknown;
  readonly key?: string;
  readonly shiftKey?: boolean;
  preventDefault(): void;
}

export interface DomElement extends DomNode {
  value: string;
  hidden: boolean;
  disabled: boolean;
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  append(...nodes: DomNode[]): void;
  replaceChildren(...nodes: DomNode[]): void;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  addEventListener(type: string, listener: (event: DomEvent) => void): void;
  closest(selector: string): DomElement | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
  focus(): void;
  remove(): void;
  classList: { toggle(name: string, force?: boolean): boolean };
}

export interface DomDocument {
  createElement(tag: string): DomElement;
  createTextNode(text: string): DomNode;
  getElementById(id: string): DomElement | null;
  addEventListener(type: string, listener: (event: DomEvent) => void): void;
}

/** The browser's document and a few globals, typed as far as the page uses them. */
export type Browser = {
  document: DomDocument;
  EventSource: new (url: string) => { addEventListener(type: string, listener: () => void): void };
  location: { href: string };
  open(url: string, target: string, features: string): unknown;
  setTimeout(fn: () => void, ms: number): unknown;
};

export const browser = (): Browser => globalThis as unknown as Browser;

/** Real nodes for a description; disallowed tags become plain spans (their text is kept). */
export function materialize(doc: DomDocument, node: VNode): DomNode {
  if (typeof node === "string") return doc.createTextNode(node);
  const tag = isAllowedTag(node.tag) ? node.tag : "span";
  const el = doc.createElement(tag);
  for (const [name, value] of Object.entries(safeAttrs(tag, node.attrs))) el.setAttribute(name, value);
  for (const child of node.children) el.append(materialize(doc, child));
  return el;
}

export function materializeAll(doc: DomDocument, nodes: VNode[]): DomNode[] {
  return nodes.map((n) => materialize(doc, n));
}

/** The element an event happened on (or inside), if it matches `selector`. */
export function eventTarget(event: DomEvent, selector: string): DomElement | null {
  const target = event.target as Partial<DomElement> | null;
  return typeof target?.closest === "function" ? target.closest(selector) : null;
}
