// Records core/v1 Events the way client-go's EventRecorder does: name <object>.<hex nanos>, identical
// events (same object, type, reason, message, source) are aggregated into count/lastTimestamp, and
// events expire after an hour (the API server's default --event-ttl).
import { isoTime, type KEvent } from "./manifests.ts";
import type { Store } from "./store.ts";

export type InvolvedObject = {
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  apiVersion?: string;
  fieldPath?: string;
};

export type EventInput = {
  /** The namespace the Event object lives in (node events live in "default"). */
  namespace: string;
  involvedObject: InvolvedObject;
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  source: { component: string; host?: string };
};

const EVENT_TTL_MS = 60 * 60 * 1000;

export class EventRecorder {
  readonly #store: Store;
  readonly #newUid: () => string;
  readonly #byKey = new Map<string, { namespace: string; name: string }>();
  #lastPrune = 0;

  constructor(store: Store, newUid: () => string) {
    this.#store = store;
    this.#newUid = newUid;
  }

  record(atMs: number, e: EventInput): KEvent {
    const o = e.involvedObject;
    const key = [
      e.namespace,
      o.kind,
      o.namespace,
      o.name,
      o.uid,
      o.fieldPath,
      e.type,
      e.reason,
      e.message,
      e.source.component,
    ].join("\u0000");
    const existingRef = this.#byKey.get(key);
    const existing = existingRef
      ? this.#store.get<KEvent>("events", existingRef.namespace, existingRef.name)
      : undefined;
    if (existing) {
      const updated = structuredClone(existing);
      updated.count += 1;
      updated.lastTimestamp = isoTime(atMs);
      return this.#store.update("events", updated);
    }
    let name = `${o.name}.${(BigInt(Math.round(atMs)) * 1_000_000n).toString(16)}`;
    for (let i = 1; this.#store.get("events", e.namespace, name); i++) {
      name = `${o.name}.${(BigInt(Math.round(atMs)) * 1_000_000n + BigInt(i)).toString(16)}`;
    }
    const event: KEvent = {
      apiVersion: "v1",
      kind: "Event",
      metadata: {
        name,
        namespace: e.namespace,
        uid: this.#newUid(),
        resourceVersion: "",
        creationTimestamp: isoTime(atMs),
      },
      involvedObject: { ...o },
      reason: e.reason,
      message: e.message,
      source: { ...e.source },
      firstTimestamp: isoTime(atMs),
      lastTimestamp: isoTime(atMs),
      count: 1,
      type: e.type,
      eventTime: null,
      reportingComponent: e.source.component,
      reportingInstance: e.source.host ?? "",
    };
    this.#byKey.set(key, { namespace: e.namespace, name });
    return this.#store.create("events", event);
  }

  /** Deletes events whose lastTimestamp is more than an hour before `nowMs` (at most once a minute). */
  prune(nowMs: number): void {
    if (nowMs - this.#lastPrune < 60_000) return;
    this.#lastPrune = nowMs;
    for (const [key, ref] of this.#byKey) {
      const ev = this.#store.get<KEvent>("events", ref.namespace, ref.name);
      if (!ev) {
        this.#byKey.delete(key);
      } else if (Date.parse(ev.lastTimestamp) < nowMs - EVENT_TTL_MS) {
        this.#store.delete("events", ref.namespace, ref.name);
        this.#byKey.delete(key);
      }
    }
  }
}
