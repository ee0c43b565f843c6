// The allocation sites of the simulated rdev-api heap: call stacks (leaf first, as pprof stores
// them), object sizes and churn, and how each model component maps onto them.
import { BACKGROUND } from "./background-sites.ts";
import { copyOutput, frame, GO, HEAP_FUNCTIONS, RDEV, runCommand, type Site, serve } from "./frames.ts";
import type { HeapParts, Snapshot } from "./model.ts";

export { type Frame, HEAP_FUNCTIONS, SCENARIO_HEAP_SITES, type Site } from "./frames.ts";

const MiB = 1024 * 1024;

// Sites whose size follows the load. Keys are HeapParts keys.
const LOAD_SITES: Record<Exclude<keyof HeapParts, "base" | "noise" | "goroutineStructs">, Site> = {
  sseSubscribe: {
    stack: [
      frame(HEAP_FUNCTIONS.sseSubscribe, `${RDEV}/internal/sse/broker.go`, 73, 61),
      frame("github.com/rdev/rdev/internal/api.(*Server).handleEvents", `${RDEV}/internal/api/events.go`, 44),
      ...serve,
    ],
    objectBytes: 28 * 1024,
    churnBytesPerSecond: 0.2 * MiB,
  },
  sseBufioWriter: {
    stack: [
      frame(HEAP_FUNCTIONS.bufioWriter, `${GO}/bufio/bufio.go`, 599),
      frame("net/http.newBufioWriterSize", `${GO}/net/http/server.go`, 872),
      frame(HEAP_FUNCTIONS.connServe, `${GO}/net/http/server.go`, 2017),
    ],
    objectBytes: 4096,
    churnBytesPerSecond: 0.1 * MiB,
  },
  sseBufioReader: {
    stack: [
      frame("bufio.NewReaderSize", `${GO}/bufio/bufio.go`, 57),
      frame("net/http.newBufioReader", `${GO}/net/http/server.go`, 835),
      frame(HEAP_FUNCTIONS.connServe, `${GO}/net/http/server.go`, 2016),
    ],
    objectBytes: 4096,
    churnBytesPerSecond: 0.1 * MiB,
  },
  sseRequest: {
    stack: [
      frame("net/textproto.readMIMEHeader", `${GO}/net/textproto/reader.go`, 532),
      frame("net/http.readRequest", `${GO}/net/http/request.go`, 1148),
      frame("net/http.(*conn).readRequest", `${GO}/net/http/server.go`, 1028),
      frame(HEAP_FUNCTIONS.connServe, `${GO}/net/http/server.go`, 2063),
    ],
    objectBytes: 896,
    churnBytesPerSecond: 1.5 * MiB,
  },
  commandRunner: {
    stack: runCommand,
    objectBytes: 512 * 1024,
    churnBytesPerSecond: 0.5 * MiB,
  },
  commandCmd: {
    stack: [frame(HEAP_FUNCTIONS.cmdStart, `${GO}/os/exec/exec.go`, 703), ...runCommand],
    objectBytes: 4096,
    churnBytesPerSecond: 0.1 * MiB,
  },
  outputGrowth: {
    stack: [
      frame(HEAP_FUNCTIONS.growSlice, `${GO}/bytes/buffer.go`, 249),
      frame("bytes.(*Buffer).grow", `${GO}/bytes/buffer.go`, 151),
      frame("bytes.(*Buffer).Write", `${GO}/bytes/buffer.go`, 179),
      ...copyOutput,
    ],
    objectBytes: 1024 * 1024, // replaced per snapshot by the per-command buffer size
    churnBytesPerSecond: 1 * MiB,
  },
  cache: {
    stack: [
      frame(HEAP_FUNCTIONS.cacheSet, `${RDEV}/internal/cache/project_cache.go`, 96, 84),
      frame(
        "github.com/rdev/rdev/internal/projects.(*Service).Tree",
        `${RDEV}/internal/projects/service.go`,
        133,
      ),
      frame(
        "github.com/rdev/rdev/internal/api.(*Server).handleProjectTree",
        `${RDEV}/internal/api/projects.go`,
        38,
      ),
      ...serve,
    ],
    objectBytes: 48 * 1024, // replaced per snapshot by the entry size
    churnBytesPerSecond: 0,
  },
};

export type SiteSample = Site & { inuseBytes: number; allocBytes: number };

/** Splits the snapshot's heap across sites; the inuse bytes sum to snapshot.heapInuseBytes. */
export function heapSites(s: Snapshot): SiteSample[] {
  const out: SiteSample[] = [];
  const add = (site: Site, inuseBytes: number) => {
    const inuse = Math.max(0, inuseBytes);
    out.push({ ...site, inuseBytes: inuse, allocBytes: inuse + site.churnBytesPerSecond * s.tSeconds });
  };
  for (const { share, site } of BACKGROUND) {
    let bytes = s.heap.base * share;
    if (site.stack[0]?.function === HEAP_FUNCTIONS.jsonRefill) bytes += s.heap.noise; // request churn
    if (site.stack[0]?.function === HEAP_FUNCTIONS.malg) bytes += s.heap.goroutineStructs;
    add(site, bytes);
  }
  // One grown output buffer per running command.
  const outputBuffers = Math.max(1, Math.round(s.commandsActive));
  for (const [key, site] of Object.entries(LOAD_SITES) as [keyof typeof LOAD_SITES, Site][]) {
    let objectBytes = site.objectBytes;
    if (key === "outputGrowth") objectBytes = Math.max(8192, Math.round(s.heap.outputGrowth / outputBuffers));
    if (key === "cache") objectBytes = s.cacheEntryBytes;
    add({ ...site, objectBytes }, s.heap[key]);
  }
  return out;
}
