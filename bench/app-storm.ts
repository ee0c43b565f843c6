// The alert storm of the app benchmark: 10,000 Alertmanager notifications for one incident
// across 30 pods, spread over app replicas; what reached Slack and the queue, and memory.
import { round } from "./lib.ts";

export const STORM = 10_000;
const CONCURRENCY = 64;
const AM_TOKEN = "am-token-0123456789abcdef";

export type SlackStats = { methods: Record<string, number>; roots: number; rootBlocks: string };

export type StormOptions = {
  /** Base URLs of the replicas. */
  replicas: string[];
  /** The fake Slack's counts. */
  stats: () => Promise<SlackStats>;
  redisUrl: string;
  bullPrefix: string;
  /** ROOT_UPDATE_MIN_INTERVAL of the replicas, in ms. */
  intervalMs: number;
};

const template = {
  status: "firing" as const,
  labels: { alertname: "RdevAPIHighMemory", namespace: "rdev", container: "rdev-api", severity: "warning" },
  annotations: { summary: "Memory usage exceeds 80% of limit" },
  startsAt: "2026-11-26T02:51:03Z",
  endsAt: "0001-01-01T00:00:00Z",
  generatorURL: "",
};
const pods = Array.from(
  { length: 30 },
  (_, i) => `rdev-api-7d9f8b6c5d-${"bcdfghjklmnpqrstvwxz2456789"[i % 27]}k${"4567"[Math.floor(i / 27)]}x2q`,
);
const body = (i: number) =>
  JSON.stringify({
    version: "4",
    groupKey: '{}:{alertname="RdevAPIHighMemory"}',
    receiver: "rdev-chatops",
    status: "firing",
    alerts: [{ ...template, labels: { ...template.labels, pod: pods[i % 30] }, fingerprint: `fp-${i % 30}` }],
  });

/** heapUsed and rss of an app process, from its own /metrics. */
async function memory(base: string) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name} (\\S+)`, "m").exec(text)?.[1] ?? Number.NaN) / 2 ** 20;
  return {
    heapUsedMiB: round(value("rdev_chatops_nodejs_heap_size_used_bytes"), 1),
    rssMiB: round(value("rdev_chatops_process_resident_memory_bytes"), 1),
  };
}

/** Diagnose jobs queued for incidents. */
async function incidentJobs(redisUrl: string, bullPrefix: string): Promise<number> {
  const { Queue } = await import("bullmq");
  const { createRedis, waitUntilReady } = await import("@rdev/bot/redis.ts");
  const conn = createRedis(redisUrl, { role: "producer" });
  await waitUntilReady(conn);
  const q = new Queue("rdev-diagnose", { connection: conn, prefix: bullPrefix });
  const ids = await q.getJobs(["waiting", "delayed", "prioritized", "active"]);
  const count = ids.filter((j) => String(j.id).startsWith("diagnose-incident-")).length;
  await q.close();
  conn.disconnect();
  return count;
}

export async function alertStorm(options: StormOptions) {
  const { stats, intervalMs } = options;
  const urls = options.replicas.map((r) => `${r}/alertmanager`);
  const before = await stats();
  const memBefore = await Promise.all(options.replicas.map(memory));
  const stormStart = performance.now();
  let next = 0;
  const statuses = new Map<number, number>();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < STORM) {
        const i = next++;
        const res = await fetch(urls[i % urls.length] ?? "", {
          method: "POST",
          headers: { authorization: `Bearer ${AM_TOKEN}`, "content-type": "application/json" },
          body: body(i),
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  const stormSeconds = (performance.now() - stormStart) / 1000;
  // The last state reaches the root within one interval after the storm.
  const settleStart = performance.now();
  let after = await stats();
  while (
    !after.rootBlocks.includes(`*Notifications*\\n${STORM.toLocaleString("en-US").replace(",", "")}`) &&
    performance.now() - settleStart < 3 * intervalMs + 2000
  ) {
    await new Promise((r) => setTimeout(r, 100));
    after = await stats();
  }
  const settledMs = Math.round(performance.now() - settleStart);
  const memAfter = await Promise.all(options.replicas.map(memory));
  const delta = (m: string) => (after.methods[m] ?? 0) - (before.methods[m] ?? 0);
  const totalCalls = Object.keys(after.methods).reduce((a, m) => a + delta(m), 0);
  return {
    notifications: STORM,
    concurrency: CONCURRENCY,
    replicas: urls.length,
    statuses: Object.fromEntries(statuses),
    seconds: round(stormSeconds),
    perSecond: round(STORM / stormSeconds, 0),
    lastStateRenderedAfterMs: settledMs,
    rootMessages: after.roots,
    incidentDiagnoseJobs: await incidentJobs(options.redisUrl, options.bullPrefix),
    slackCalls: { total: totalCalls, postMessage: delta("chat.postMessage"), update: delta("chat.update") },
    updateBound: Math.ceil((stormSeconds * 1000 + settledMs) / intervalMs) + 1,
    intervalMs,
    memory: { before: memBefore, after: memAfter },
  };
}

export type Storm = Awaited<ReturnType<typeof alertStorm>>;

export function stormMarkdown(storm: Storm): string {
  const mem = storm.memory.before
    .map(
      (m, i) =>
        `${m.heapUsedMiB}/${m.rssMiB} → ${storm.memory.after[i]?.heapUsedMiB}/${storm.memory.after[i]?.rssMiB}`,
    )
    .join(", ");
  return `Alert storm: ${STORM.toLocaleString("en-US")} notifications for one incident across 30 pods through ${storm.replicas} replicas
(separate processes, ${storm.concurrency} in flight) in ${storm.seconds} s (${storm.perSecond}/s), HTTP ${JSON.stringify(storm.statuses)}:
${storm.rootMessages} root message, ${storm.incidentDiagnoseJobs} diagnose job, ${storm.slackCalls.total} Slack calls
(${storm.slackCalls.postMessage} chat.postMessage, ${storm.slackCalls.update} chat.update; bound at a ${storm.intervalMs} ms interval: ${storm.updateBound});
the final state was on the root ${storm.lastStateRenderedAfterMs} ms after the last notification.
Memory per replica (heapUsed / rss MiB) before → after: ${mem}.`;
}
