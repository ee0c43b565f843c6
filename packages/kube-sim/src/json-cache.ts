// Serialised JSON of stored objects, cached by identity. Stored objects are never mutated (every
// change stores a new copy), so a list of 1,000 pods re-serialises only what changed.
const cache = new WeakMap<object, string>();

export function cachedJson(o: object): string {
  let text = cache.get(o);
  if (text === undefined) {
    text = JSON.stringify(o);
    cache.set(o, text);
  }
  return text;
}
