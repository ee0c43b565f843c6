// rdev-api's /metrics in Prometheus text format 0.0.4, as client_golang would render it.
import type { Snapshot } from "./model.ts";
import { RDEV_METRICS } from "./types.ts";

type Labels = Record<string, string>;
type Family = {
  name: string;
  help: string;
  type: "gauge" | "counter" | "summary";
  samples: { suffix?: string; labels?: Labels; value: number }[];
};

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const escapeHelp = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return Number.isInteger(v) ? v.toFixed(0) : String(Number(v.toPrecision(6)));
}

/** Renders metric families in the text exposition format (each with # HELP and # TYPE), sorted by name. */
export function renderFamilies(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const f of [...families].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels ?? {});
      const rendered =
        labels.length === 0 ? "" : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
      lines.push(`${f.name}${s.suffix ?? ""}${rendered} ${formatValue(s.value)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

const gauge = (name: string, help: string, value: number): Family => ({
  name,
  help,
  type: "gauge",
  samples: [{ value }],
});

/** Request rates per second by path and status; counters are rate x uptime, so they only grow. */
const REQUEST_RATES: { path: string; code: string; perSecond: number }[] = [
  { path: "/api/v1/commands", code: "201", perSecond: 2.4 },
  { path: "/api/v1/commands", code: "400", perSecond: 0.05 },
  { path: "/api/v1/events", code: "200", perSecond: 5.1 },
  { path: "/api/v1/projects/{id}/tree", code: "200", perSecond: 4.2 },
  { path: "/api/v1/projects/{id}/tree", code: "500", perSecond: 0.01 },
  { path: "/ready", code: "200", perSecond: 0.1 },
  { path: "/metrics", code: "200", perSecond: 0.033 },
];

export type MetricsContext = {
  snapshot: Snapshot;
  startedAtMs: number;
  /** Commands and connections as integers, after the scrape-to-scrape wobble. */
  commandsActive: number;
  sseConnections: number;
};

/** The full /metrics body for one snapshot of the process. */
export function metricsText(ctx: MetricsContext): string {
  const s = ctx.snapshot;
  const t = s.tSeconds;
  const heapInuse = Math.round(s.heapInuseBytes);
  const heapAlloc = Math.round(s.heapInuseBytes * 0.94);
  const stackInuse = Math.round(s.stackInuseBytes);
  const workingSet = Math.round(s.workingSetBytes);
  const goroutines = Math.round(s.goroutines);
  const gcCycles = Math.floor(t / 8);
  const pause = 4e-5 * (1 + s.heapInuseBytes / (256 * 1024 * 1024));
  const families: Family[] = [
    {
      name: "go_gc_duration_seconds",
      help: "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.",
      type: "summary",
      samples: [
        { labels: { quantile: "0" }, value: pause * 0.45 },
        { labels: { quantile: "0.25" }, value: pause * 0.8 },
        { labels: { quantile: "0.5" }, value: pause },
        { labels: { quantile: "0.75" }, value: pause * 1.4 },
        { labels: { quantile: "1" }, value: pause * 6 },
        { suffix: "_sum", value: gcCycles * pause * 1.2 },
        { suffix: "_count", value: gcCycles },
      ],
    },
    gauge(RDEV_METRICS.goroutines, "Number of goroutines that currently exist.", goroutines),
    {
      name: "go_info",
      help: "Information about the Go environment.",
      type: "gauge",
      samples: [{ labels: { version: "go1.25.3" }, value: 1 }],
    },
    gauge(
      RDEV_METRICS.heapAlloc,
      "Number of heap bytes allocated and currently in use, same as go_memstats_alloc_bytes.",
      heapAlloc,
    ),
    gauge(
      RDEV_METRICS.heapInuse,
      "Number of heap bytes in in-use spans (includes objects, fragmentation and free slots in those spans).",
      heapInuse,
    ),
    gauge("go_memstats_heap_objects", "Number of currently allocated objects.", Math.round(heapAlloc / 640)),
    gauge(
      "go_memstats_stack_inuse_bytes",
      "Number of bytes obtained from system for stack allocator in non-CGO environments.",
      stackInuse,
    ),
    gauge(
      "go_memstats_next_gc_bytes",
      "Number of heap bytes when next garbage collection will take place.",
      heapAlloc * 2,
    ),
    gauge(
      "go_memstats_sys_bytes",
      "Number of bytes obtained from system. Sum of all the other *_sys_bytes.",
      Math.round(workingSet * 1.08),
    ),
    gauge("go_threads", "Number of OS threads created.", 14),
    {
      name: "http_requests_total",
      help: "Total HTTP requests by status code and path.",
      type: "counter",
      samples: REQUEST_RATES.map((r) => ({
        labels: { code: r.code, path: r.path },
        value: Math.floor(r.perSecond * t),
      })),
    },
    gauge(RDEV_METRICS.residentMemory, "Resident memory size in bytes.", Math.round(workingSet * 0.985)),
    gauge(
      "process_start_time_seconds",
      "Start time of the process since unix epoch in seconds.",
      Math.round(ctx.startedAtMs / 10) / 100,
    ),
    gauge(RDEV_METRICS.cacheBytes, "Bytes held by the project cache.", Math.round(s.cacheBytes)),
    gauge(RDEV_METRICS.cacheEntries, "Entries in the project cache.", Math.round(s.cacheEntries)),
    gauge(
      RDEV_METRICS.outputBuffered,
      "Command output held in memory, waiting to be streamed to clients.",
      Math.round(s.outputBufferedBytes),
    ),
    gauge(RDEV_METRICS.commandsActive, "Commands currently running.", ctx.commandsActive),
    gauge(RDEV_METRICS.sseConnections, "Open server-sent-event streams.", ctx.sseConnections),
  ];
  return renderFamilies(families);
}
