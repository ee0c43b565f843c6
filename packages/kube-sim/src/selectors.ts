// Label selectors (=, ==, !=, in, notin, exists, !exists, gt, lt) and field selectors (=, ==, !=),
// parsed like k8s.io/apimachinery/pkg/labels and pkg/fields. Parse errors are 400 Status errors.
import { badRequest } from "./status.ts";

export type LabelRequirement =
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "exists" | "!exists" }
  | { key: string; op: "gt" | "lt"; value: number };

export type LabelSelector = readonly LabelRequirement[];

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}

const KEY = /^([a-z0-9A-Z]([a-z0-9A-Z.-]*[a-z0-9A-Z])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string, whole: string): string {
  if (!KEY.test(key))
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${whole}"`);
  return key;
}
function checkValue(value: string, whole: string): string {
  if (!VALUE.test(value) || value.length > 63)
    throw badRequest(`unable to parse requirement: invalid label value "${value}" in selector "${whole}"`);
  return value;
}

export function parseLabelSelector(text: string | null | undefined): LabelSelector {
  const whole = (text ?? "").trim();
  if (whole === "") return [];
  return splitTopLevel(whole).map((raw): LabelRequirement => {
    const part = raw.trim();
    const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
    if (set?.[1] && set[2] && set[3] !== undefined) {
      const values = set[3]
        .split(",")
        .map((v) => v.trim())
        .map((v) => checkValue(v, whole));
      return { key: checkKey(set[1], whole), op: set[2] as "in" | "notin", values };
    }
    const cmp = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/.exec(part);
    if (cmp?.[1] && cmp[2] && cmp[3] !== undefined) {
      const key = checkKey(cmp[1], whole);
      const value = cmp[3].trim();
      if (cmp[2] === "<" || cmp[2] === ">") {
        const n = Number(value);
        if (value === "" || !Number.isInteger(n))
          throw badRequest(
            `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`,
          );
        return { key, op: cmp[2] === ">" ? "gt" : "lt", value: n };
      }
      return { key, op: cmp[2] === "!=" ? "notin" : "in", values: [checkValue(value, whole)] };
    }
    if (part.startsWith("!")) return { key: checkKey(part.slice(1).trim(), whole), op: "!exists" };
    if (part === "")
      throw badRequest(`unable to parse requirement: found '', expected: identifier in "${whole}"`);
    return { key: checkKey(part, whole), op: "exists" };
  });
}

function matchesRequirement(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case "in":
      return has && r.values.includes(v ?? "");
    case "notin":
      return !has || !r.values.includes(v ?? "");
    case "exists":
      return has;
    case "!exists":
      return !has;
    case "gt":
      return has && Number(v) > r.value;
    case "lt":
      return has && Number(v) < r.value;
  }
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => matchesRequirement(r, l));
}

/** A metav1.LabelSelector (matchLabels + matchExpressions) as requirements. */
export function fromLabelSelectorObject(sel: {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}): LabelSelector {
  const reqs: LabelRequirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, value]) => ({
    key,
    op: "in",
    values: [value],
  }));
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === "in" || op === "notin") reqs.push({ key: e.key, op, values: e.values ?? [] });
    else if (op === "exists") reqs.push({ key: e.key, op: "exists" });
    else if (op === "doesnotexist") reqs.push({ key: e.key, op: "!exists" });
  }
  return reqs;
}

export type FieldRequirement = { field: string; op: "=" | "!="; value: string };
export type FieldSelector = readonly FieldRequirement[];

/** Splits on unescaped commas and unescapes `\,` `\=` `\\` like fields.ParseSelector. */
function splitEscaped(text: string, sep: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\" && i + 1 < text.length) {
      cur += ch + text[i + 1];
      i++;
    } else if (ch === sep) {
      out.push(cur);
      cur = "";
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}
const unescapeSelector = (s: string): string => s.replace(/\\(.)/g, "$1");

/** Splits one requirement at its first unescaped operator (!=, ==, =). */
function splitRequirement(part: string): { field: string; op: "=" | "!="; value: string } | null {
  for (let i = 0; i < part.length; i++) {
    const ch = part[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch === "!" && part[i + 1] === "=")
      return { field: part.slice(0, i), op: "!=", value: part.slice(i + 2) };
    if (ch === "=") {
      const skip = part[i + 1] === "=" ? 2 : 1;
      return { field: part.slice(0, i), op: "=", value: part.slice(i + skip) };
    }
  }
  return null;
}

export function parseFieldSelector(text: string | null | undefined): FieldSelector {
  const whole = (text ?? "").trim();
  if (whole === "") return [];
  return splitEscaped(whole, ",").map((part) => {
    const r = splitRequirement(part);
    if (!r || r.field.trim() === "")
      throw badRequest(`invalid selector: '${whole}'; can't understand '${part}'`);
    return { field: r.field.trim(), op: r.op, value: unescapeSelector(r.value) };
  });
}

/** Throws the real API server's 400 for a field label the resource does not support. */
export function checkFieldsSupported(selector: FieldSelector, supported: readonly string[]): void {
  for (const r of selector) {
    if (!supported.includes(r.field)) throw badRequest(`field label not supported: ${r.field}`);
  }
}

export function matchesFields(selector: FieldSelector, fields: Record<string, string>): boolean {
  return selector.every((r) => ((fields[r.field] ?? "") === r.value) === (r.op === "="));
}
