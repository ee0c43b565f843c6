// Deterministic randomness for the simulated workload: no Math.random, so the same seed always
// gives the same pod, curve and profile.

/** Mixes integers into one 32-bit hash (murmur3-style finaliser over each input). */
export function hash32(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) {
    h = Math.imul(h ^ (v | 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform value in [-1, 1] for knot `index` of the noise stream `key`. */
function knot(key: number, index: number): number {
  return (hash32(key, index) / 4294967295) * 2 - 1;
}

/**
 * Smooth, bounded value noise: random knots every `periodSeconds`, linearly interpolated.
 * Continuous in t and always within [-1, 1], so a crossing search can bisect it.
 */
export function valueNoise(key: number, tSeconds: number, periodSeconds: number): number {
  const x = tSeconds / periodSeconds;
  const i = Math.floor(x);
  const f = x - i;
  const a = knot(key, i);
  const b = knot(key, i + 1);
  return a + (b - a) * f;
}
