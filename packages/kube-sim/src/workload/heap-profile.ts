// Encodes heap sites as Go's /debug/pprof/heap does: a gzipped profile.proto with sample types
// alloc_objects/count, alloc_space/bytes, inuse_objects/count, inuse_space/bytes, period space/bytes.
import { gzipSync } from "node:zlib";
import {
  Label,
  Line,
  Location,
  Mapping,
  Function as PprofFunction,
  Profile,
  Sample,
  StringTable,
  ValueType,
} from "pprof-format";
import type { Frame, SiteSample } from "./heap-sites.ts";

/** runtime.MemProfileRate's default: one sample per 512 KiB allocated. */
export const MEM_PROFILE_RATE = 512 * 1024;

const TEXT_START = 0x400000;
const BINARY = "/usr/local/bin/rdev-api";

/** Builds the raw (not gzipped) protobuf. */
export function encodeHeapProfile(sites: readonly SiteSample[], nowMs: number): Uint8Array {
  const strings = new StringTable();
  const functions = new Map<string, PprofFunction>();
  const locations = new Map<string, Location>();

  const functionFor = (f: Frame): PprofFunction => {
    let fn = functions.get(f.function);
    if (!fn) {
      fn = new PprofFunction({
        id: functions.size + 1,
        name: strings.dedup(f.function),
        systemName: strings.dedup(f.function),
        filename: strings.dedup(f.file),
        startLine: f.startLine,
      });
      functions.set(f.function, fn);
    }
    return fn;
  };
  const locationFor = (f: Frame): Location => {
    const key = `${f.function}:${f.line}`;
    let loc = locations.get(key);
    if (!loc) {
      const id = locations.size + 1;
      loc = new Location({
        id,
        mappingId: 1,
        address: TEXT_START + 0x1000 + id * 0x40,
        line: [new Line({ functionId: functionFor(f).id, line: f.line })],
      });
      locations.set(key, loc);
    }
    return loc;
  };

  const bytesKey = strings.dedup("bytes");
  const samples: Sample[] = [];
  for (const site of sites) {
    const size = Math.max(1, Math.round(site.objectBytes));
    const inuseObjects = Math.round(site.inuseBytes / size);
    const allocObjects = Math.max(inuseObjects, Math.round(site.allocBytes / size));
    if (allocObjects === 0) continue;
    samples.push(
      new Sample({
        locationId: site.stack.map((f) => locationFor(f).id),
        value: [allocObjects, allocObjects * size, inuseObjects, inuseObjects * size],
        label: [new Label({ key: bytesKey, num: size })],
      }),
    );
  }

  const valueType = (type: string, unit: string) =>
    new ValueType({ type: strings.dedup(type), unit: strings.dedup(unit) });
  const profile = new Profile({
    sampleType: [
      valueType("alloc_objects", "count"),
      valueType("alloc_space", "bytes"),
      valueType("inuse_objects", "count"),
      valueType("inuse_space", "bytes"),
    ],
    sample: samples,
    mapping: [
      new Mapping({
        id: 1,
        memoryStart: TEXT_START,
        memoryLimit: TEXT_START + 0x2000000,
        fileOffset: 0,
        filename: strings.dedup(BINARY),
        buildId: strings.dedup("f3a9c1d27b6e4e0a9d8c5b4a39281706"),
        hasFunctions: true,
        hasFilenames: true,
        hasLineNumbers: true,
      }),
    ],
    location: [...locations.values()],
    function: [...functions.values()],
    stringTable: strings,
    timeNanos: BigInt(Math.round(nowMs)) * 1_000_000n,
    periodType: valueType("space", "bytes"),
    period: MEM_PROFILE_RATE,
  });
  return profile.encode();
}

/** The gzipped profile, byte for byte what `curl localhost:8080/debug/pprof/heap` saves. */
export function gzipHeapProfile(sites: readonly SiteSample[], nowMs: number): Buffer {
  // Fixed compression level and no timestamp in the gzip header: same input, same bytes.
  return gzipSync(encodeHeapProfile(sites, nowMs), { level: 6 });
}
