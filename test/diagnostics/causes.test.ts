import { loadConfig } from "@rdev/bot/config.ts";
import { attributeHeap, type CauseInput, confidenceFor, rankCauses } from "@rdev/bot/diagnose/causes.ts";
import { worstSeverity } from "@rdev/bot/diagnose/severity.ts";
import type { PodRow } from "@rdev/bot/diagnose/types.ts";
import { DEFAULT_CAUSE_RULES } from "@rdev/bot/runbooks/high-memory/causes.ts";
import { highMemoryRunbook } from "@rdev/bot/runbooks/high-memory/index.ts";
import { describe, expect, it } from "vitest";
import { heap, MI, row } from "../support/diagnosis-builders.ts";

const runbook = highMemoryRunbook(loadConfig({}));
const NOW = Date.parse("2026-11-26T03:10:00Z");

function rank(rows: PodRow[], extra: Partial<CauseInput> = {}) {
  return rankCauses({
    rows,
    heap: null,
    previous: null,
    nowMs: NOW,
    metricNames: runbook.metricNames,
    rules: runbook.causes,
    severity: worstSeverity(rows.map((r) => r.severity)),
    oomKills: 0,
    ...extra,
  });
}

// Figures in the shape of each runbook cause, ~10 minutes in (see packages/kube-sim/src/workload/model.ts).
const steady = {
  sse: 300,
  commands: 8,
  goroutines: 664,
  outputBuffered: 56 * MI,
  cacheEntries: 1500,
  cacheBytes: 47 * MI,
  heapInuse: 180 * MI,
};

const scenarios: { name: string; rows: PodRow[]; first: string; evidence: RegExp[] }[] = [
  {
    name: "one pod leaks SSE connections",
    rows: [
      row("rdev-api-a", {
        mi: 488,
        metrics: { ...steady, sse: 4812, goroutines: 9700, heapInuse: 370 * MI },
      }),
      row("rdev-api-b", { mi: 210, metrics: { ...steady, sse: 310, goroutines: 650 } }),
      row("rdev-api-c", { mi: 205, metrics: { ...steady, sse: 305, goroutines: 640 } }),
    ],
    first: "sse-leak",
    evidence: [
      /^sse_connections_active 4,812 on rdev-api-a vs 308 on its peers \(16x\)$/,
      /^sse_connections_active 4,812 on rdev-api-a, above the 1,000 the runbook treats as high; median across 3 pods 310$/,
      /^go_goroutines tracking sse_connections_active \(9,700 vs 645\), r = 1\.00$/,
      /^sse_connections_active rises with memory across 3 pods \(r = 1\.00\)$/,
    ],
  },
  {
    name: "every pod buffers huge command outputs",
    rows: ["a", "b", "c"].map((s, i) =>
      row(`rdev-api-${s}`, {
        mi: 440 + i * 5,
        metrics: {
          ...steady,
          commands: 5,
          outputBuffered: (300 + i * 4) * MI,
          heapInuse: (420 + i * 4) * MI,
        },
      }),
    ),
    first: "large-output",
    evidence: [
      /^rdev_command_output_buffered_bytes 308Mi over 5 commands_active = 62Mi per command on rdev-api-c, above the 16Mi per command the runbook treats as high; median across 3 pods 61Mi$/,
      /^rdev_command_output_buffered_bytes 308Mi = 72\.0% of go_memstats_heap_inuse_bytes \(428Mi\) on rdev-api-c$/,
    ],
  },
  {
    name: "hundreds of concurrent commands",
    rows: ["a", "b", "c"].map((s, i) =>
      row(`rdev-api-${s}`, {
        mi: 470 + i * 6,
        metrics: {
          ...steady,
          commands: 300 + i * 10,
          goroutines: 1540 + i * 30,
          outputBuffered: (240 + i * 8) * MI,
          heapInuse: (400 + i * 8) * MI,
        },
      }),
    ),
    first: "many-commands",
    evidence: [
      /^commands_active 320 on rdev-api-c, above the 50 the runbook treats as high/,
      /^go_goroutines tracking commands_active/,
    ],
  },
  {
    name: "the project cache stops expiring",
    rows: ["a", "b", "c"].map((s, i) =>
      row(`rdev-api-${s}`, {
        mi: 430 + i * 4,
        metrics: {
          ...steady,
          cacheEntries: 4560 + i * 40,
          cacheBytes: (285 + i * 3) * MI,
          heapInuse: (416 + i * 3) * MI,
        },
      }),
    ),
    first: "cache-growth",
    evidence: [
      /^rdev_cache_bytes 291Mi on rdev-api-c, above the 128Mi the runbook treats as high/,
      /^rdev_cache_bytes 291Mi = 69\.0% of go_memstats_heap_inuse_bytes \(422Mi\) on rdev-api-c$/,
    ],
  },
];

describe("rankCauses: each runbook cause ranks first on its own evidence", () => {
  it.each(scenarios)("$name -> $first", ({ rows, first, evidence }) => {
    const causes = rank(rows);
    expect(causes[0]?.id).toBe(first);
    expect(causes[0]?.score).toBeGreaterThanOrEqual(0.3);
    const texts = causes[0]?.evidence.map((e) => e.text) ?? [];
    for (const re of evidence)
      expect(
        texts.some((t) => re.test(t)),
        `${re} in\n${texts.join("\n")}`,
      ).toBe(true);
    // Scores are the sum of the evidence points, so the reader can check them.
    const sum = causes[0]?.evidence.reduce((a, e) => a + e.points, 0) ?? 0;
    expect(causes[0]?.score).toBeCloseTo(Math.min(1, sum), 5);
  });

  it("does not confuse many small outputs with large outputs, or the reverse", () => {
    const many = rank(scenarios[2]?.rows ?? []);
    expect(many.find((c) => c.id === "large-output")).toBeUndefined();
    const large = rank(scenarios[1]?.rows ?? []);
    expect(large.find((c) => c.id === "many-commands")).toBeUndefined();
  });
});

describe("rankCauses: when nothing stands out", () => {
  it("says there is nothing to explain when memory is healthy", () => {
    const causes = rank([
      row("a", { mi: 200, metrics: steady }),
      row("b", { mi: 190, metrics: steady }),
      row("c", { mi: 195, metrics: steady }),
    ]);
    expect(causes).toHaveLength(1);
    expect(causes[0]).toMatchObject({ id: "unknown", title: "Nothing to explain", score: 0 });
    expect(causes[0]?.evidence[0]?.text).toBe(
      "Memory is within limits (worst pod a at 39.1%) and no OOM kills: nothing to explain.",
    );
  });

  it("names an emerging cause first while memory is still below the warning threshold", () => {
    const causes = rank([
      row("a", { mi: 360, metrics: { ...steady, sse: 2965, goroutines: 6003 } }),
      row("b", { mi: 215, metrics: steady }),
      row("c", { mi: 209, metrics: steady }),
    ]);
    expect(causes[0]?.id).toBe("sse-leak");
    expect(causes.some((c) => c.title === "Nothing to explain")).toBe(false);
  });

  it("ranks unknown first when memory is high but no metric explains it", () => {
    const causes = rank([row("a", { mi: 440, metrics: steady }), row("b", { mi: 430, metrics: steady })]);
    expect(causes[0]?.id).toBe("unknown");
    expect(causes[0]?.evidence[0]?.text).toMatch(
      /None of the runbook's causes shows in the metrics of 2 pod\(s\)/,
    );
  });

  it("says so when no pod's /metrics could be read", () => {
    const causes = rank([row("a", { mi: 500, metrics: null })]);
    expect(causes).toMatchObject([{ id: "unknown", title: "Unknown" }]);
    expect(causes[0]?.evidence[0]?.text).toMatch(/No pod's \/metrics could be read/);
  });

  it("ignores correlation alone: three pods correlate by chance", () => {
    const rows = [
      row("a", { mi: 450, metrics: { ...steady, sse: 330 } }),
      row("b", { mi: 430, metrics: { ...steady, sse: 310 } }),
      row("c", { mi: 420, metrics: { ...steady, sse: 300 } }),
    ];
    expect(rank(rows).find((c) => c.id === "sse-leak")).toBeUndefined();
  });
});

describe("rankCauses: heap profile and growth evidence", () => {
  it("a heap profile alone can name the cause, attributed to the frame the rule recognises", () => {
    const profile = heap([
      [
        "bufio.NewWriterSize",
        60,
        ["github.com/rdev/rdev/internal/sse.(*Broker).Subscribe", "net/http.(*conn).serve"],
      ],
      ["github.com/rdev/rdev/internal/sse.(*Broker).Subscribe", 200],
      ["encoding/json.(*Decoder).refill", 40],
    ]);
    const causes = rank([row("rdev-api-a", { mi: 500, metrics: { ...steady, sse: 900 } })], {
      heap: { pod: "rdev-api-a", summary: profile },
    });
    expect(causes[0]).toMatchObject({ id: "sse-leak", score: 0.35, confidence: "low" });
    expect(causes[0]?.evidence.map((e) => e.text)).toEqual([
      "heap profile of rdev-api-a: 86.7% of in-use heap (260Mi) allocated under github.com/rdev/rdev/internal/sse.(*Broker).Subscribe",
    ]);
  });

  it("attributes each site to the leaf-most recognised frame (growSlice under OutputBuffer.Write is output)", () => {
    const profile = heap([
      [
        "bytes.growSlice",
        300,
        [
          "github.com/rdev/rdev/internal/exec.(*OutputBuffer).Write",
          "github.com/rdev/rdev/internal/exec.(*Runner).Start",
        ],
      ],
      ["github.com/rdev/rdev/internal/exec.(*Runner).Start", 100],
      ["runtime.malg", 100],
    ]);
    const shares = attributeHeap(profile, DEFAULT_CAUSE_RULES);
    expect(shares.get("large-output")).toMatchObject({
      share: 0.6,
      frame: "github.com/rdev/rdev/internal/exec.(*OutputBuffer).Write",
      leaf: "bytes.growSlice",
    });
    expect(shares.get("many-commands")?.share).toBeCloseTo(0.2);
    expect(shares.has("sse-leak")).toBe(false);
  });

  it("adds growth since the previous snapshot of the same pod", () => {
    const rows = scenarios[0]?.rows ?? [];
    const before = [row("rdev-api-a", { mi: 260, metrics: { ...steady, sse: 1200 } })];
    const causes = rank(rows, { previous: { pods: before, gatheredAt: "2026-11-26T03:00:00.000Z" } });
    expect(causes[0]?.evidence.map((e) => e.text)).toContain(
      "sse_connections_active on rdev-api-a rose 1,200 → 4,812 in 10m",
    );
  });
});

describe("confidenceFor", () => {
  it.each([
    [0.95, "high"],
    [0.7, "high"],
    [0.55, "medium"],
    [0.3, "low"],
  ])("%s -> %s", (score, c) => expect(confidenceFor(score)).toBe(c));
});
