// RFC 6902 JSON Patch and RFC 7386 JSON Merge Patch, with the error messages of the Go library the
// API server uses (evanphx/json-patch), e.g.
// "replace operation does not apply: doc is missing path: /spec/x: missing value".

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };

export class PatchError extends Error {
  override readonly name = "PatchError";
}

const isObject = (v: unknown): v is { [key: string]: Json } =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function tokens(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new PatchError(`invalid path: "${path}": must start with "/"`);
  return path
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The container holding the last token of `path`, and that token. */
function locate(doc: Json, path: string, op: string): { parent: Container; key: string } {
  const t = tokens(path);
  const key = t.pop();
  if (key === undefined)
    throw new PatchError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  let cur: Json = doc;
  for (const part of t) {
    const next: Json | undefined = Array.isArray(cur)
      ? cur[Number(part)]
      : isObject(cur)
        ? cur[part]
        : undefined;
    if (next === undefined || next === null || typeof next !== "object")
      throw new PatchError(`${op} operation does not apply: doc is missing path: ${path}: missing value`);
    cur = next;
  }
  if (cur === null || typeof cur !== "object")
    throw new PatchError(`${op} operation does not apply: doc is missing path: ${path}: missing value`);
  return { parent: cur, key };
}

function arrayIndex(arr: Json[], key: string, path: string, op: string, allowEnd: boolean): number {
  if (allowEnd && key === "-") return arr.length;
  if (!/^\d+$/.test(key))
    throw new PatchError(`${op} operation does not apply: doc is missing path: ${path}: missing value`);
  const i = Number(key);
  if (i > arr.length || (!allowEnd && i === arr.length))
    throw new PatchError(`${op} operation does not apply: doc is missing path: ${path}: missing value`);
  return i;
}

function get(doc: Json, path: string, op: string): Json {
  if (path === "") return doc;
  const { parent, key } = locate(doc, path, op);
  const v = Array.isArray(parent) ? parent[arrayIndex(parent, key, path, op, false)] : parent[key];
  if (v === undefined)
    throw new PatchError(`${op} operation does not apply: doc is missing path: ${path}: missing value`);
  return v;
}

function add(doc: Json, path: string, value: Json, op = "add"): Json {
  if (path === "") return value;
  const { parent, key } = locate(doc, path, op);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, op, true), 0, value);
  else parent[key] = value;
  return doc;
}

function remove(doc: Json, path: string, op = "remove"): Json {
  const { parent, key } = locate(doc, path, op);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, op, false), 1);
  else {
    if (!(key in parent))
      throw new PatchError(`${op} operation does not apply: doc is missing path: ${path}: missing value`);
    delete parent[key];
  }
  return doc;
}

function deepEqual(a: Json, b: Json): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}
function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys(v[k] as Json)]),
    );
  return v;
}

export type Operation = { op: string; path: string; from?: string; value?: Json };

/** Parses a JSON Patch document (400 material: throws PatchError with the decoder's message). */
export function parseJsonPatch(body: unknown): Operation[] {
  if (!Array.isArray(body))
    throw new PatchError("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  return body.map((op, i) => {
    if (!isObject(op) || typeof op.op !== "string")
      throw new PatchError(`Unexpected kind: ${JSON.stringify(op)} at operation ${i}`);
    if (typeof op.path !== "string") throw new PatchError(`operation missing path field`);
    return op as unknown as Operation;
  });
}

/** Applies operations to a copy of `doc`. Throws PatchError when an operation does not apply. */
export function applyJsonPatch<T>(doc: T, ops: readonly Operation[]): T {
  let out = structuredClone(doc) as Json;
  for (const o of ops) {
    switch (o.op) {
      case "add":
        if (!("value" in o)) throw new PatchError("add operation does not apply: doc is missing value");
        out = add(out, o.path, structuredClone(o.value as Json));
        break;
      case "remove":
        out = remove(out, o.path);
        break;
      case "replace": {
        if (!("value" in o)) throw new PatchError("replace operation does not apply: doc is missing value");
        if (o.path === "") {
          out = structuredClone(o.value as Json);
          break;
        }
        get(out, o.path, "replace");
        const { parent, key } = locate(out, o.path, "replace");
        if (Array.isArray(parent))
          parent[arrayIndex(parent, key, o.path, "replace", false)] = structuredClone(o.value as Json);
        else parent[key] = structuredClone(o.value as Json);
        break;
      }
      case "move": {
        const v = get(out, o.from ?? "", "move");
        out = remove(out, o.from ?? "", "move");
        out = add(out, o.path, v, "move");
        break;
      }
      case "copy":
        out = add(out, o.path, structuredClone(get(out, o.from ?? "", "copy")), "copy");
        break;
      case "test":
        if (!deepEqual(get(out, o.path, "test"), (o.value ?? null) as Json))
          throw new PatchError(`testing value ${o.path} failed: test failed`);
        break;
      default:
        throw new PatchError(`Unexpected kind: ${o.op}`);
    }
  }
  return out as T;
}

/** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}
