// Summarises a Go heap profile (what /debug/pprof/heap serves) the way
// `go tool pprof -top -sample_index=inuse_space` does: flat bytes at the leaf function, ranked.
import { gunzipSync } from "node:zlib";
import { Profile } from "pprof-format";

export type HeapSite = {
  function: string;
  file: string | null;
  inuseBytes: number;
  /** Fraction of all in-use bytes, 0..1. */
  share: number;
  /** The heaviest stack ending in this function, leaf first. */
  stack: string[];
};

export type HeapSummary = {
  sampleType: string;
  totalInuseBytes: number;
  totalInuseObjects: number;
  /** Ranked by flat in-use bytes at the leaf function. */
  top: HeapSite[];
  /** Ranked by cumulative in-use bytes (the function plus everything it calls), like `pprof -top -cum`. */
  cumulative: { function: string; file: string | null; inuseBytes: number; share: number }[];
};

export const PprofErrorCode = {
  empty: "empty",
  html: "html",
  text: "text",
  corrupt: "corrupt",
  notHeap: "not_heap",
} as const;
export type PprofErrorCode = (typeof PprofErrorCode)[keyof typeof PprofErrorCode];

export class PprofError extends Error {
  override readonly name = "PprofError";
  readonly code: PprofErrorCode;
  constructor(code: PprofErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const FETCH_HINT =
  "Fetch the binary profile from /debug/pprof/heap (no ?debug= parameter) and check that the pod serves net/http/pprof.";

function snippet(bytes: Uint8Array): string {
  return JSON.stringify(Buffer.from(bytes.subarray(0, 60)).toString("utf8"));
}

/** Printable ASCII/UTF-8 text rather than binary protobuf (protobuf starts with a field tag byte). */
function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 256);
  let printable = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127)) printable++;
  }
  return n > 0 && printable / n > 0.95;
}

function decompress(data: Uint8Array): Uint8Array {
  if (data.length === 0) {
    throw new PprofError("empty", `The heap profile is empty (0 bytes). ${FETCH_HINT}`);
  }
  if (data[0] !== 0x1f || data[1] !== 0x8b) return data;
  try {
    return gunzipSync(data);
  } catch (cause) {
    throw new PprofError(
      "corrupt",
      `The heap profile is gzip data that does not decompress (${(cause as Error).message}); the download was probably cut short. Fetch it again.`,
      { cause },
    );
  }
}

function decode(bytes: Uint8Array): Profile {
  const head = Buffer.from(bytes.subarray(0, 512)).toString("utf8").trimStart().toLowerCase();
  if (head.startsWith("<")) {
    throw new PprofError(
      "html",
      `Expected a pprof heap profile but got an HTML page (${snippet(bytes)}): probably an error or login page from a proxy. ${FETCH_HINT}`,
    );
  }
  if (head.startsWith("heap profile:")) {
    throw new PprofError(
      "text",
      `Got the legacy text heap profile (?debug=1), not the protobuf one. ${FETCH_HINT}`,
    );
  }
  if (looksLikeText(bytes)) {
    throw new PprofError(
      "text",
      `Expected a pprof heap profile but got text: ${snippet(bytes)}. ${FETCH_HINT}`,
    );
  }
  let profile: Profile;
  try {
    profile = Profile.decode(bytes);
  } catch (cause) {
    throw new PprofError(
      "corrupt",
      `The data is not a pprof protobuf (${(cause as Error).message}). ${FETCH_HINT}`,
      { cause },
    );
  }
  const strings = profile.stringTable.strings;
  const inTable = (i: unknown) => Number(i) >= 0 && Number(i) < strings.length;
  const valid =
    strings[0] === "" &&
    profile.sampleType.length > 0 &&
    profile.sampleType.every((t) => inTable(t.type) && inTable(t.unit)) &&
    profile.function.every((f) => inTable(f.name) && inTable(f.filename));
  if (!valid) {
    throw new PprofError(
      "corrupt",
      `The data decodes as protobuf but is not a pprof profile (no sample types or a broken string table). ${FETCH_HINT}`,
    );
  }
  return profile;
}

/** Summarises a gzipped or raw pprof heap profile; throws PprofError for anything else. */
export function summariseHeapProfile(data: Buffer | Uint8Array, options: { top?: number } = {}): HeapSummary {
  const profile = decode(decompress(data));
  const strings = profile.stringTable.strings;
  const str = (i: unknown) => strings[Number(i)] ?? "";
  const types = profile.sampleType.map((t) => `${str(t.type)}/${str(t.unit)}`);
  const spaceIndex = types.indexOf("inuse_space/bytes");
  if (spaceIndex < 0) {
    throw new PprofError(
      "not_heap",
      `This is not a heap profile: it has no inuse_space sample (sample types: ${types.join(", ")}). ${FETCH_HINT}`,
    );
  }
  const objectsIndex = types.indexOf("inuse_objects/count");

  const functions = new Map<number, { name: string; file: string | null }>();
  for (const f of profile.function) {
    functions.set(Number(f.id), {
      name: str(f.name) || `0x${Number(f.id).toString(16)}`,
      file: str(f.filename) || null,
    });
  }
  const files = new Map<string, string | null>();
  const locations = new Map<number, string[]>();
  for (const loc of profile.location) {
    // Line[0] is the innermost inlined function; the last line is its caller in the same location.
    const names = loc.line.map((l) => {
      const fn = functions.get(Number(l.functionId));
      if (!fn) return `0x${Number(loc.address).toString(16)}`;
      files.set(fn.name, fn.file);
      return fn.name;
    });
    locations.set(Number(loc.id), names.length > 0 ? names : [`0x${Number(loc.address).toString(16)}`]);
  }

  let totalInuseBytes = 0;
  let totalInuseObjects = 0;
  const flat = new Map<string, { bytes: number; heaviest: number; stack: string[] }>();
  const cum = new Map<string, number>();
  for (const sample of profile.sample) {
    const bytes = Number(sample.value[spaceIndex] ?? 0);
    totalInuseBytes += bytes;
    totalInuseObjects += objectsIndex < 0 ? 0 : Number(sample.value[objectsIndex] ?? 0);
    const stack = sample.locationId.flatMap((id) => locations.get(Number(id)) ?? [`location#${id}`]);
    const leaf = stack[0] ?? "<unknown>";
    const entry = flat.get(leaf) ?? { bytes: 0, heaviest: -1, stack };
    entry.bytes += bytes;
    if (bytes > entry.heaviest) {
      entry.heaviest = bytes;
      entry.stack = stack;
    }
    flat.set(leaf, entry);
    for (const name of new Set(stack)) cum.set(name, (cum.get(name) ?? 0) + bytes);
  }

  const limit = Math.max(0, options.top ?? 10);
  const share = (bytes: number) => (totalInuseBytes > 0 ? bytes / totalInuseBytes : 0);
  const byBytes = <T extends { bytes: number; name: string }>(a: T, b: T) =>
    b.bytes - a.bytes || a.name.localeCompare(b.name);
  const top = [...flat.entries()]
    .map(([name, e]) => ({ name, ...e }))
    .sort(byBytes)
    .slice(0, limit)
    .map((e) => ({
      function: e.name,
      file: files.get(e.name) ?? null,
      inuseBytes: e.bytes,
      share: share(e.bytes),
      stack: e.stack,
    }));
  return {
    sampleType: "inuse_space",
    totalInuseBytes,
    totalInuseObjects,
    top,
    cumulative: [...cum.entries()]
      .map(([name, bytes]) => ({ name, bytes }))
      .sort(byBytes)
      .slice(0, limit)
      .map((e) => ({
        function: e.name,
        file: files.get(e.name) ?? null,
        inuseBytes: e.bytes,
        share: share(e.bytes),
      })),
  };
}
