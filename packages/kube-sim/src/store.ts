// In-memory object storage with a global resourceVersion counter (like etcd's revision), a bounded
// change log for watches that resume from a resourceVersion, and synchronous change listeners.
import type { KObject } from "./manifests.ts";

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";
export type Change = {
  rv: number;
  type: ChangeType;
  resource: string;
  object: KObject;
  previous: KObject | null;
};
export type ChangeListener = (change: Change) => void;

const key = (namespace: string | undefined, name: string): string => `${namespace ?? ""}/${name}`;

export class Store {
  #rv: number;
  readonly #data = new Map<string, Map<string, KObject>>();
  readonly #log: Change[] = [];
  readonly #logLimit: number;
  readonly #listeners = new Set<ChangeListener>();

  constructor(options: { startResourceVersion?: number; logLimit?: number } = {}) {
    this.#rv = options.startResourceVersion ?? 1000;
    this.#logLimit = options.logLimit ?? 50_000;
  }

  /** The latest resourceVersion (what a list returns in metadata.resourceVersion). */
  get resourceVersion(): string {
    return String(this.#rv);
  }

  #bucket(resource: string): Map<string, KObject> {
    let b = this.#data.get(resource);
    if (!b) {
      b = new Map();
      this.#data.set(resource, b);
    }
    return b;
  }

  /** The stored object. Callers must not mutate it: clone, change, then update(). */
  get<T extends KObject>(resource: string, namespace: string | undefined, name: string): T | undefined {
    return this.#data.get(resource)?.get(key(namespace, name)) as T | undefined;
  }

  /** Objects sorted by namespace then name, like an etcd range read. Namespace undefined: all. */
  list<T extends KObject>(resource: string, namespace?: string): T[] {
    const all = [...(this.#data.get(resource)?.values() ?? [])] as T[];
    const picked =
      namespace === undefined ? all : all.filter((o) => (o.metadata.namespace ?? "") === namespace);
    return picked.sort((a, b) => {
      const ka = key(a.metadata.namespace, a.metadata.name);
      const kb = key(b.metadata.namespace, b.metadata.name);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  }

  count(resource: string): number {
    return this.#data.get(resource)?.size ?? 0;
  }

  #record(type: ChangeType, resource: string, object: KObject, previous: KObject | null): void {
    const change: Change = { rv: this.#rv, type, resource, object, previous };
    this.#log.push(change);
    if (this.#log.length > this.#logLimit) this.#log.splice(0, this.#log.length - this.#logLimit);
    for (const l of this.#listeners) l(change);
  }

  /** Stores a new object (the caller fills uid and timestamps); sets its resourceVersion. */
  create<T extends KObject>(resource: string, object: T): T {
    const k = key(object.metadata.namespace, object.metadata.name);
    const bucket = this.#bucket(resource);
    if (bucket.has(k)) throw new Error(`store: ${resource} ${k} already exists`);
    this.#rv += 1;
    object.metadata.resourceVersion = String(this.#rv);
    bucket.set(k, object);
    this.#record("ADDED", resource, object, null);
    return object;
  }

  /** Replaces an existing object with a changed copy; sets its resourceVersion. */
  update<T extends KObject>(resource: string, object: T): T {
    const k = key(object.metadata.namespace, object.metadata.name);
    const bucket = this.#bucket(resource);
    const previous = bucket.get(k);
    if (!previous) throw new Error(`store: ${resource} ${k} does not exist`);
    if (previous === object) throw new Error("store: update() needs a changed copy, not the stored object");
    this.#rv += 1;
    object.metadata.resourceVersion = String(this.#rv);
    bucket.set(k, object);
    this.#record("MODIFIED", resource, object, previous);
    return object;
  }

  /** Removes an object; the DELETED event carries it with a new resourceVersion. */
  delete<T extends KObject>(resource: string, namespace: string | undefined, name: string): T | undefined {
    const bucket = this.#bucket(resource);
    const k = key(namespace, name);
    const previous = bucket.get(k);
    if (!previous) return undefined;
    bucket.delete(k);
    this.#rv += 1;
    const gone = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(this.#rv) } };
    this.#record("DELETED", resource, gone, previous);
    return gone as T;
  }

  /** Changes after resourceVersion `rv`, or null when the log no longer reaches back that far. */
  changesSince(rv: number): Change[] | null {
    const first = this.#log[0];
    if (rv >= this.#rv) return [];
    if (!first || first.rv > rv + 1) return null;
    return this.#log.filter((c) => c.rv > rv);
  }

  /** The oldest resourceVersion a watch can still resume from. */
  get oldestResumable(): number {
    return (this.#log[0]?.rv ?? this.#rv + 1) - 1;
  }

  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
