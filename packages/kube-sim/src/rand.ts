// Deterministic randomness for the simulator: names, UIDs, pids and hashes depend only on the seed,
// so a scenario replays identically. Name alphabets follow Kubernetes (k8s.io/apimachinery util/rand).

export type Rng = {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
};

/** mulberry32: small, fast, good enough for simulation. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

/** The alphabet Kubernetes uses for generated names (no vowels, no confusable characters). */
export const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** Like utilrand.String(n): the suffix of a generateName (pods get 5 characters). */
export function randomSuffix(rng: Rng, n = 5): string {
  let s = "";
  for (let i = 0; i < n; i++) s += ALPHANUMS[rng.int(ALPHANUMS.length)];
  return s;
}

/** A version-4 UUID drawn from the simulator's seeded generator. */
export function uuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => rng.int(16).toString(16));
  hex[12] = "4";
  hex[16] = (8 + rng.int(4)).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** 64 hex characters, like a containerd container id. */
export function hexId(rng: Rng, length = 64): string {
  return Array.from({ length }, () => rng.int(16).toString(16)).join("");
}

/** FNV-1a, 32 bit: the hash Kubernetes uses for pod-template-hash. */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Like utilrand.SafeEncodeString: maps every byte onto ALPHANUMS. */
export function safeEncodeString(text: string): string {
  let s = "";
  for (let i = 0; i < text.length; i++) s += ALPHANUMS[text.charCodeAt(i) % ALPHANUMS.length];
  return s;
}

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** pod-template-hash of a pod template, as the deployment controller computes it (fnv32a, safe-encoded). */
export function podTemplateHash(template: unknown, collisionCount = 0): string {
  const h = fnv32a(`${stableJson(template)}#${collisionCount}`);
  return safeEncodeString(String(h));
}
