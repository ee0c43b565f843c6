// ?watch=true: a chunked stream of {"type","object"} lines, starting from a resourceVersion (or
// with synthetic ADDED events for everything that exists), filtered by selectors like the
// watch cache does (an object leaving the selection is a DELETED event).
import type { Ctx, Reply } from "../http.ts";
import type { KObject } from "../manifests.ts";
import type { ResourceDef } from "../resources.ts";
import { gone } from "../status.ts";
import type { Change, Store } from "../store.ts";
import { toTable, wantsTable } from "../table.ts";
import { includeObject, selectorFilter } from "./read.ts";

const MAX_TIMEOUT_S = 1800;

export function watchReply(
  ctx: Ctx,
  def: ResourceDef,
  store: Store,
  namespace: string | undefined,
  name: string,
): Reply {
  const filter = selectorFilter(def, ctx.query);
  const inScope = (o: KObject | null): boolean =>
    o !== null &&
    (namespace === undefined || (o.metadata.namespace ?? "") === namespace) &&
    (name === "" || o.metadata.name === name) &&
    filter(o);
  const asTable = wantsTable(ctx.accept);
  const include = includeObject(ctx.query);
  const { res } = ctx;
  const write = (type: string, object: unknown): void => {
    if (res.writableEnded) return;
    const obj =
      asTable && type !== "ERROR" && type !== "BOOKMARK"
        ? toTable(
            def.resource,
            [object as KObject],
            { resourceVersion: (object as KObject).metadata.resourceVersion },
            ctx.now,
            include,
          )
        : object;
    res.write(`${JSON.stringify({ type, object: obj })}\n`);
  };
  const rvParam = ctx.query.get("resourceVersion") ?? "";
  const sendInitial = ctx.query.get("sendInitialEvents") === "true";
  res.writeHead(200, {
    "Content-Type": "application/json",
    "Transfer-Encoding": "chunked",
    "Cache-Control": "no-cache, private",
  });
  res.flushHeaders();
  const onChange = (c: Change): void => {
    if (c.resource !== def.resource) return;
    const was = inScope(c.previous);
    const is = c.type !== "DELETED" && inScope(c.object);
    if (c.type === "DELETED") {
      if (was) write("DELETED", c.object);
    } else if (is && was) write("MODIFIED", c.object);
    else if (is) write("ADDED", c.object);
    else if (was) write("DELETED", c.object);
  };
  if (rvParam === "" || rvParam === "0" || sendInitial) {
    for (const o of store.list(def.resource, namespace)) if (inScope(o)) write("ADDED", o);
    if (sendInitial) {
      write("BOOKMARK", {
        kind: def.kind,
        apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
        metadata: {
          resourceVersion: store.resourceVersion,
          annotations: { "k8s.io/initial-events-end": "true" },
        },
      });
    }
  } else {
    const since = Number(rvParam);
    const changes = Number.isFinite(since) ? store.changesSince(since) : null;
    if (changes === null) {
      write("ERROR", gone(`too old resource version: ${rvParam} (${store.oldestResumable})`).body);
      res.end();
      return { kind: "handled" };
    }
    for (const c of changes) onChange(c);
  }
  const unsubscribe = store.subscribe(onChange);
  const timeoutS = Math.min(
    Number(ctx.query.get("timeoutSeconds") ?? MAX_TIMEOUT_S) || MAX_TIMEOUT_S,
    MAX_TIMEOUT_S,
  );
  const timer = setTimeout(() => res.end(), timeoutS * 1000);
  timer.unref();
  const stop = (): void => {
    clearTimeout(timer);
    unsubscribe();
    if (!res.writableEnded) res.end();
  };
  ctx.signal.addEventListener("abort", stop, { once: true });
  res.on("close", stop);
  return { kind: "handled" };
}
