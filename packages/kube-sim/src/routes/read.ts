// get and list for any resource: label/field selectors, limit/continue pagination, and Table output
// when the client asks for it (kubectl get does).
import { type Ctx, json, type Reply } from "../http.ts";
import type { KObject } from "../manifests.ts";
import { apiVersionOf, type ResourceDef } from "../resources.ts";
import {
  checkFieldsSupported,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from "../selectors.ts";
import { badRequest, notFound } from "../status.ts";
import { type IncludeObject, toTable, wantsTable } from "../table.ts";

const DUMMY: KObject = {
  apiVersion: "",
  kind: "",
  metadata: { name: "", uid: "", resourceVersion: "", creationTimestamp: "" },
  spec: {},
  status: {},
  involvedObject: {},
  source: {},
};

const supportedFields = new Map<ResourceDef, string[]>();
export function fieldLabels(def: ResourceDef): string[] {
  let f = supportedFields.get(def);
  if (!f) {
    f = Object.keys(def.fields(DUMMY));
    supportedFields.set(def, f);
  }
  return f;
}

/** A predicate from the request's labelSelector and fieldSelector (400 if either is malformed). */
export function selectorFilter(def: ResourceDef, query: URLSearchParams): (o: KObject) => boolean {
  const labels = parseLabelSelector(query.get("labelSelector"));
  const fields = parseFieldSelector(query.get("fieldSelector"));
  checkFieldsSupported(fields, fieldLabels(def));
  if (labels.length === 0 && fields.length === 0) return () => true;
  return (o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, def.fields(o));
}

export const itemKey = (o: KObject): string => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;

function decodeContinue(token: string): { rv: string; after: string } {
  try {
    const v = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      rv?: unknown;
      start?: unknown;
    };
    if (typeof v.rv === "string" && typeof v.start === "string") return { rv: v.rv, after: v.start };
  } catch {
    // fall through to the API server's error
  }
  throw badRequest(
    "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
  );
}

export type ListResult = {
  items: KObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
};

export function paginate(
  all: KObject[],
  query: URLSearchParams,
  resourceVersion: string,
  filtered: boolean,
): ListResult {
  let items = all;
  let rv = resourceVersion;
  const token = query.get("continue");
  if (token) {
    const c = decodeContinue(token);
    rv = c.rv;
    items = items.filter((o) => itemKey(o) > c.after);
  }
  const limit = Number(query.get("limit") ?? "0");
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit: ${query.get("limit")}`);
  if (limit > 0 && items.length > limit) {
    const page = items.slice(0, limit);
    const last = page[page.length - 1] as KObject;
    const next = Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start: itemKey(last) })).toString(
      "base64url",
    );
    return {
      items: page,
      resourceVersion: rv,
      continue: next,
      ...(filtered ? {} : { remainingItemCount: items.length - limit }),
    };
  }
  return { items, resourceVersion: rv };
}

/** Writes a list (or its Table) for the resource. */
export function listReply(ctx: Ctx, def: ResourceDef, objects: KObject[], resourceVersion: string): Reply {
  const filter = selectorFilter(def, ctx.query);
  const filtered = objects.filter(filter);
  const page = paginate(filtered, ctx.query, resourceVersion, filtered.length !== objects.length);
  const listMeta: Record<string, unknown> = { resourceVersion: page.resourceVersion };
  if (page.continue) listMeta.continue = page.continue;
  if (page.remainingItemCount !== undefined) listMeta.remainingItemCount = page.remainingItemCount;
  if (wantsTable(ctx.accept)) {
    return json(toTable(def.resource, page.items, listMeta, ctx.now, includeObject(ctx.query)));
  }
  return json({
    kind: `${def.kind}List`,
    apiVersion: apiVersionOf(def),
    metadata: listMeta,
    items: page.items,
  });
}

export function includeObject(query: URLSearchParams): IncludeObject {
  const v = query.get("includeObject");
  if (v === "None" || v === "Object") return v;
  return "PartialObjectMetadata";
}

/** Writes one object (or a one-row Table). */
export function objectReply(ctx: Ctx, def: ResourceDef, obj: KObject | undefined, name: string): Reply {
  if (!obj) throw notFound({ group: def.group, resource: def.resource }, name);
  if (wantsTable(ctx.accept)) {
    return json(
      toTable(
        def.resource,
        [obj],
        { resourceVersion: obj.metadata.resourceVersion },
        ctx.now,
        includeObject(ctx.query),
      ),
    );
  }
  return json(obj);
}
