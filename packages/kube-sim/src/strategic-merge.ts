// Strategic merge patch (application/strategic-merge-patch+json) for the fields of apps/v1
// Deployments and core/v1 pod templates: lists of containers, env, ports, volumes ... merge by their
// patchMergeKey, other lists replace; directives $patch (replace/delete/merge), $setElementOrder,
// $retainKeys and $deleteFromPrimitiveList work as in k8s.io/apimachinery/pkg/util/strategicpatch.

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** patchMergeKey by field name (from the Kubernetes API types' struct tags). */
export const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  ports: "containerPort",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  volumes: "name",
  imagePullSecrets: "name",
  conditions: "type",
  ownerReferences: "uid",
  hostAliases: "ip",
  topologySpreadConstraints: "topologyKey",
  resourceClaims: "name",
};
/** Lists of scalars with patchStrategy "merge" (union instead of replace). */
const MERGED_SCALAR_LISTS = new Set(["finalizers"]);

export class StrategicMergeError extends Error {
  override readonly name = "StrategicMergeError";
}

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => !(isObject(x) && x.$patch === "delete")).map(strip);
  if (!isObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith("$")) continue;
    if (x === null) continue;
    out[k] = strip(x);
  }
  return out;
}

function mergeList(field: string, original: unknown, patch: unknown[]): unknown[] {
  const key = MERGE_KEYS[field];
  const orig = Array.isArray(original) ? original : [];
  if (!key || !patch.every(isObject)) {
    if (MERGED_SCALAR_LISTS.has(field)) return [...new Set([...orig, ...patch])];
    return strip(patch) as unknown[];
  }
  if (patch.some((p) => isObject(p) && p.$patch === "replace")) {
    return patch.filter((p) => !(isObject(p) && p.$patch === "replace")).map(strip);
  }
  const out = orig.map((o) => structuredClone(o));
  for (const item of patch as Obj[]) {
    if (!(key in item))
      throw new StrategicMergeError(
        `map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`,
      );
    const idx = out.findIndex((o) => isObject(o) && o[key] === item[key]);
    if (item.$patch === "delete") {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = mergeMap(out[idx] as Obj, item);
    else out.push(strip(item));
  }
  return out;
}

function setOrder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const pos = (x: unknown): number => {
    const i = order.findIndex((o) => (key && isObject(o) && isObject(x) ? o[key] === x[key] : o === x));
    return i < 0 ? order.length : i;
  };
  return list
    .map((x, i) => ({ x, i }))
    .sort((a, b) => pos(a.x) - pos(b.x) || a.i - b.i)
    .map(({ x }) => x);
}

/** Applies a strategic merge patch to `original`, returning a new object. */
export function mergeMap(original: Obj, patch: Obj): Obj {
  if (patch.$patch === "replace") return strip(patch) as Obj;
  const out: Obj = { ...original };
  for (const [k, v] of Object.entries(patch)) {
    if (k === "$patch" || k === "$retainKeys" || k.startsWith("$setElementOrder/")) continue;
    if (k.startsWith("$deleteFromPrimitiveList/")) {
      const field = k.slice("$deleteFromPrimitiveList/".length);
      const drop = Array.isArray(v) ? v : [];
      if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((x) => !drop.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
    } else if (isObject(v)) {
      if (v.$patch === "delete") delete out[k];
      else out[k] = mergeMap(isObject(out[k]) ? (out[k] as Obj) : {}, v);
    } else if (Array.isArray(v)) {
      out[k] = mergeList(k, out[k], v);
    } else {
      out[k] = v;
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith("$setElementOrder/") || !Array.isArray(v)) continue;
    const field = k.slice("$setElementOrder/".length);
    if (Array.isArray(out[field])) out[field] = setOrder(out[field] as unknown[], v, MERGE_KEYS[field]);
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

export function applyStrategicMergePatch<T extends Obj>(original: T, patch: unknown): T {
  if (!isObject(patch)) throw new StrategicMergeError("strategic merge patch must be a JSON object");
  return mergeMap(original, patch) as T;
}
