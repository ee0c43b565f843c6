// A description of DOM nodes, built by the pure renderers (mrkdwn, Block Kit, messages, modals)
// and turned into real nodes only by dom.ts, which creates elements and text nodes (never HTML
// strings) and keeps only allowed tags, attributes and URLs (safe.ts). Runs in the browser and in
// Node (tests).

export type VNode = string | VElement;
export type VElement = { tag: string; attrs: Record<string, string>; children: VNode[] };

/** An element description; falsy children are dropped, so `cond && h(...)` reads well. */
export function h(
  tag: string,
  attrs: Record<string, string | undefined> = {},
  ...children: (VNode | VNode[] | false | null | undefined)[]
): VElement {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) kept[name] = value;
  const flat: VNode[] = [];
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    if (Array.isArray(child)) flat.push(...child);
    else flat.push(child);
  }
  return { tag, attrs: kept, children: flat };
}

/** The text a description shows (for tests and for titles). */
export function textOf(node: VNode | VNode[]): string {
  if (Array.isArray(node)) return node.map(textOf).join("");
  if (typeof node === "string") return node;
  if (node.tag === "br") return "\n";
  return node.children.map(textOf).join("");
}

/** Every element in a description, depth first (for tests). */
export function elementsOf(node: VNode | VNode[]): VElement[] {
  if (Array.isArray(node)) return node.flatMap(elementsOf);
  if (typeof node === "string") return [];
  return [node, ...node.children.flatMap(elementsOf)];
}
