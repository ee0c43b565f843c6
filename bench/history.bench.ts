// The incident history at scale: how long the `/rdev mem history` data path takes (the index, the
// incidents with their timelines in one pipeline, the summaries, the cached permalinks) and how much
// Redis memory one incident costs, with 10, 1,000 and 10,000 incidents stored, each with a
// realistic ~15-entry timeline written by the store and the recording helpers (test/support/history.ts).
// Baselines in the same run, on the same Redis: the same query on an empty store, and a single GET.

import { ManualClock } from "@rdev/bot/clock.ts";
import { withPermalinks } from "@rdev/bot/history/permalinks.ts";
import { loadHistory } from "@rdev/bot/history/query.ts";
import { createIncidentStore, type IncidentStore } from "@rdev/bot/intake/store.ts";
import { createRedis, waitUntilReady } from "@rdev/bot/redis.ts";
import { historyBlocks } from "@rdev/bot/render/blocks/history.ts";
import type { Redis } from "ioredis";
import { seedIncident } from "../test/support/history.ts";
import { startRedis } from "../test/support/redis.ts";
import { round, summarise, timeMs, writeResult } from "./lib.ts";

const SIZES = [10, 1_000, 10_000];
const QUERIES = 300;
const LIMIT = 10; // `/rdev mem history` default
const DAYS = 3650;
const SEED_CONCURRENCY = 64;
const YEAR = 365 * 86_400_000;

const server = await startRedis();
const redis: Redis = createRedis(server.url, { role: "producer" });
await waitUntilReady(redis);

async function usedMemory(): Promise<number> {
  const info = await redis.info("memory");
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
}

/** Stores `n` incidents, each with its own workload (so each is its own incident). */
async function seed(store: IncidentStore, clock: ManualClock, n: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await seedIncident(store, clock, { workload: `w${i}`, resolved: i % 10 !== 0 });
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEED_CONCURRENCY, n) }, worker));
}

/** The data path of `/rdev mem history`: summaries with permalinks (cached after the first look-up). */
async function historyQuery(store: IncidentStore, now: () => number) {
  const summaries = await loadHistory({ incidents: store, now }, { limit: LIMIT, days: DAYS });
  return await withPermalinks(
    {
      incidents: store,
      lookup: async (root) => `https://rdev.slack.com/archives/${root.channel}/p${root.ts.replace(".", "")}`,
    },
    summaries,
  );
}

type Row = {
  incidents: number;
  entriesPerIncident: number;
  seedSeconds: number;
  memoryBytesPerIncident: number;
  timelineJsonBytesPerIncident: number;
  query: ReturnType<typeof summarise>;
  renderMs: number;
};

await redis.flushall();
// Warm-up: Lua scripts loaded and cached, allocator settled, before any memory is measured.
const warmClock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
await seed(createIncidentStore({ redis, prefix: "warm", now: () => warmClock.now() }), warmClock, 20);

type Subject = { name: string; run: () => Promise<unknown>; times: number[] };
const subjects: Subject[] = [];
const emptyStore = createIncidentStore({ redis, prefix: "empty", now: Date.now });
subjects.push({ name: "empty", run: () => historyQuery(emptyStore, Date.now), times: [] });
await redis.set("bench:one", "x");
subjects.push({ name: "get", run: () => redis.get("bench:one"), times: [] });

const seeded: Omit<Row, "query">[] = [];
for (const n of SIZES) {
  const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
  const store = createIncidentStore({
    redis,
    prefix: `n${n}`,
    now: () => clock.now(),
    retentionMs: 10 * YEAR,
  });
  const before = await usedMemory();
  const took = await timeMs(() => seed(store, clock, n));
  const after = await usedMemory();
  const ids = await store.listIds(0, clock.now(), 50);
  const sample = await store.readMany(ids);
  const entries = sample.reduce((a, r) => a + r.timeline.length, 0) / Math.max(1, sample.length);
  const json = sample.reduce((a, r) => a + JSON.stringify(r.timeline).length, 0) / Math.max(1, sample.length);
  const summaries = await historyQuery(store, () => clock.now());
  const render = await timeMs(async () => {
    for (let i = 0; i < 100; i++) historyBlocks(summaries, { days: 90, limit: LIMIT });
  });
  seeded.push({
    incidents: n,
    entriesPerIncident: round(entries, 1),
    seedSeconds: round(took.ms / 1000, 1),
    memoryBytesPerIncident: Math.round((after - before) / n),
    timelineJsonBytesPerIncident: Math.round(json),
    renderMs: round(render.ms / 100, 3),
  });
  subjects.push({ name: String(n), run: () => historyQuery(store, () => clock.now()), times: [] });
  console.log(
    `${n} incidents seeded in ${round(took.ms / 1000, 1)} s: ${Math.round((after - before) / n)} B/incident`,
  );
}

// Queries in interleaved rounds (every subject in every round), so bursts of other work on the
// machine fall on all of them alike. The first round warms up (and caches the permalinks).
const ROUND = 10;
for (let r = 0; r <= QUERIES / ROUND; r++) {
  for (const subject of subjects) {
    for (let i = 0; i < ROUND; i++) {
      const { ms } = await timeMs(subject.run);
      if (r > 0) subject.times.push(ms);
    }
  }
}
const stats = (name: string) => summarise(subjects.find((s) => s.name === name)?.times ?? []);
const emptyQuery = stats("empty");
const singleGet = stats("get");
const rows: Row[] = seeded.map((r) => ({ ...r, query: stats(String(r.incidents)) }));
for (const r of rows) console.log(`${r.incidents} incidents: query p50 ${round(r.query.p50, 3)} ms`);

redis.disconnect();
await server.stop();

const big = rows.at(-1);
const perDay = 20;
const md = `## history: incident history query time and Redis memory

\`/rdev mem history\`'s data path (trim the index, list the ${LIMIT} newest ids, read those incidents
with their timelines in one pipeline, sum them up, add cached permalinks) with 10, 1,000 and
10,000 incidents stored, each with a realistic timeline of ~${rows[0]?.entriesPerIncident ?? 15} entries
(alerts with values, thread, diagnosis snapshot, a refused and an accepted approval, job steps,
verification, resolution) written through the store and the recording helpers. Memory is Redis
\`used_memory\` after seeding minus before, divided by the incidents stored. ${QUERIES} queries per
subject in interleaved rounds of 10 (every size and both baselines in every round, after a warm-up
round), so bursts of other work on the machine fall on all alike; a private redis-server on loopback.
Memory is measured after a warm-up (scripts loaded), each size under its own key prefix.

| incidents | entries each | Redis bytes / incident | timeline JSON bytes | query p50 ms | p90 | p99 | blocks render ms |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows
  .map(
    (r) =>
      `| ${r.incidents.toLocaleString("en-US")} | ${r.entriesPerIncident} | ${r.memoryBytesPerIncident.toLocaleString("en-US")} | ${r.timelineJsonBytesPerIncident.toLocaleString("en-US")} | ${round(r.query.p50, 3)} | ${round(r.query.p90, 3)} | ${round(r.query.p99, 3)} | ${r.renderMs} |`,
  )
  .join("\n")}

Baselines (same run, same Redis): the same query on an empty store p50 ${round(emptyQuery.p50, 3)} ms
(p99 ${round(emptyQuery.p99, 3)}); a single GET p50 ${round(singleGet.p50, 3)} ms (p99 ${round(singleGet.p99, 3)}).
${
  big
    ? `At 10,000 incidents the query takes ${round(big.query.p50 / singleGet.p50, 1)}x a single GET and ${round(big.query.p50 / (rows[0]?.query.p50 ?? big.query.p50), 2)}x the 10-incident query: its cost does not grow with the history (three round trips and ${LIMIT} incidents read, whatever is stored).
Memory: ${big.memoryBytesPerIncident.toLocaleString("en-US")} bytes per incident, so ${perDay} incidents a day kept for the default 90 days (HISTORY_RETENTION) is ~${round((big.memoryBytesPerIncident * perDay * 90) / 1024 ** 2, 1)} MiB; resolved incidents expire after the retention and the index is trimmed, so this stays bounded.`
    : ""
}
`;

await writeResult(
  "history",
  { sizes: rows, baselines: { emptyStoreQuery: emptyQuery, singleGet }, queries: QUERIES, limit: LIMIT },
  md,
);
console.log(md);
