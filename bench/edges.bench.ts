// The app at its edges (issue 13), next to a bare Bolt app with the same receiver in the same run,
// each in its own process (bench/app-child.ts), on a private redis-server and the fake Slack:
//   1. one Alertmanager notification of 100, 1,000 and 5,000 alerts of one incident: time and RSS
//      growth, per alert (linear means the per-alert figures stay flat);
//   2. an alert storm: 10 notifications of 1,000 alerts with distinct names (10,000 incidents
//      asked for): incidents, threads and Slack calls against INCIDENTS_PER_MINUTE_MAX;
//   3. a flapping storm: 1,250 fire/resolve cycles of one alert: incidents, Slack calls, jobs;
//   4. RSS of the app at rest and after the storms, against the bare Bolt app.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { QUEUES } from "@rdev/bot/queue/jobs.ts";
import { createRedis, waitUntilReady } from "@rdev/bot/redis.ts";
import { Queue } from "bullmq";
import { startRedis } from "../test/support/redis.ts";
import { round, table, writeResult } from "./lib.ts";

const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const AM_TOKEN = "am-token-0123456789abcdef";
const ALERT_CHANNEL = "C0RDEVALRT";
const SIZES = [100, 1000, 5000];
const REPEATS = 3;
const HEAP_MIB = Number(process.env.BENCH_HEAP_MIB ?? 160);

const children: ChildProcess[] = [];
process.once("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

async function child<T>(mode: string, env: Record<string, string> = {}): Promise<T & { pid: number }> {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", new URL("./app-child.ts", import.meta.url).pathname, mode],
    { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(proc);
  const line = await new Promise<string>((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`${mode} exited with ${code}`)));
    createInterface({ input: proc.stdout }).once("line", resolve);
  });
  return { ...(JSON.parse(line) as T), pid: proc.pid ?? 0 };
}

const rssMiB = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024, 1);
};

const podSuffix = (i: number) => {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  let out = "";
  for (let n = i, k = 0; k < 5; k++, n = Math.floor(n / alphabet.length))
    out += alphabet[n % alphabet.length];
  return out;
};

/** A compact notification, like the issue's: `n` alerts, one pod each. */
function notification(
  n: number,
  name: (i: number) => string,
  options: { status?: "firing" | "resolved"; workload?: string } = {},
) {
  const status = options.status ?? "firing";
  const workload = options.workload ?? "rdev-api";
  return JSON.stringify({
    version: "4",
    groupKey: "{}:{}",
    truncatedAlerts: 0,
    receiver: "rdev-chatops",
    status,
    alerts: Array.from({ length: n }, (_, i) => ({
      status,
      labels: { alertname: name(i), namespace: "rdev", pod: `${workload}-7d9f8b6c5d-${podSuffix(i)}` },
      startsAt: "2026-11-26T02:51:03Z",
      endsAt: status === "resolved" ? "2026-11-26T03:30:00Z" : "0001-01-01T00:00:00Z",
      fingerprint: i.toString(36),
    })),
  });
}

const redisServer = await startRedis();
const fake = await child<{ api: string; token: string; control: string }>("fake-slack");
const tag = randomUUID().slice(0, 8);
const env = {
  SLACK_BOT_TOKEN: fake.token,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: fake.api,
  ALERT_CHANNEL,
  ALERTMANAGER_TOKEN: AM_TOKEN,
  REDIS_URL: redisServer.url,
  ROOT_UPDATE_MIN_INTERVAL: "10s",
  LOG_LEVEL: "silent",
  BENCH_PREFIX: `bench${tag}`,
  BENCH_BULL_PREFIX: `bull${tag}`,
  // As in manifests/base/app.yaml: the heap bound that keeps the container under its limit.
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --max-old-space-size=${HEAP_MIB}`.trim(),
};
const ours = await child<{ url: string }>("app", env);
const bare = await child<{ url: string }>("bare", env);
await new Promise((r) => setTimeout(r, 1000));
const atRest = { ours: rssMiB(ours.pid), bare: rssMiB(bare.pid) };

const post = async (body: string) => {
  const started = process.hrtime.bigint();
  const res = await fetch(`${ours.url}/alertmanager`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${AM_TOKEN}` },
    body,
  });
  const answer = (await res.json()) as Record<string, unknown>;
  return { status: res.status, ms: Number(process.hrtime.bigint() - started) / 1e6, answer };
};
const stats = async () =>
  (await (await fetch(`${fake.control}/stats?channel=${ALERT_CHANNEL}`)).json()) as {
    methods: Record<string, number>;
    roots: number;
  };
const slackCalls = (s: Awaited<ReturnType<typeof stats>>) =>
  Object.entries(s.methods)
    .filter(([m]) => m !== "auth.test")
    .reduce((n, [, c]) => n + c, 0);

// 1. One notification of 100, 1,000 and 5,000 alerts of one incident.
const webhook: { alerts: number; bytes: number; ms: number; rssGrowthMiB: number; status: number }[] = [];
for (let r = 0; r < REPEATS; r++) {
  for (const n of SIZES) {
    const body = notification(n, () => `Big${n}r${r}`);
    const before = rssMiB(ours.pid);
    const result = await post(body);
    webhook.push({
      alerts: n,
      bytes: body.length,
      ms: round(result.ms, 1),
      rssGrowthMiB: round(rssMiB(ours.pid) - before, 1),
      status: result.status,
    });
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const perSize = SIZES.map((n) => {
  const runs = webhook.filter((w) => w.alerts === n);
  const ms = median(runs.map((w) => w.ms));
  const growth = median(runs.map((w) => w.rssGrowthMiB));
  return {
    alerts: n,
    bytes: runs[0]?.bytes ?? 0,
    medianMs: ms,
    msPerAlert: round(ms / n, 4),
    medianRssGrowthMiB: growth,
    kibPerAlert: round((growth * 1024) / n, 3),
    statuses: [...new Set(runs.map((w) => w.status))],
  };
});
const afterWebhook = rssMiB(ours.pid);

// 2. Alert storm: 10 notifications of 1,000 distinct alert names on a workload the bot does not watch.
const stormBefore = { rss: rssMiB(ours.pid), slack: await stats() };
const stormStarted = Date.now();
let suppressed = 0;
let opened = 0;
for (let k = 0; k < 10; k++) {
  const result = await post(notification(1000, (i) => `Storm${k}x${i}`, { workload: "other" }));
  suppressed += Number(result.answer.suppressed ?? 0);
  opened += ((result.answer.incidents as unknown[]) ?? []).length;
}
const stormMs = Date.now() - stormStarted;
await new Promise((r) => setTimeout(r, 8000)); // the outbox posts roots and the flood summary
const stormAfter = { rss: rssMiB(ours.pid), slack: await stats() };

// 3. Flapping storm: 1,250 fire/resolve cycles of one alert of the runbook's workload.
const flapBefore = { rss: rssMiB(ours.pid), slack: await stats() };
const flapStarted = Date.now();
const incidentIds = new Set<string>();
for (let i = 0; i < 1250; i++) {
  const fired = await post(notification(1, () => "RdevAPIHighMemory"));
  for (const inc of (fired.answer.incidents as { id: string }[]) ?? []) incidentIds.add(inc.id);
  await post(notification(1, () => "RdevAPIHighMemory", { status: "resolved" }));
}
const flapMs = Date.now() - flapStarted;
await new Promise((r) => setTimeout(r, 3000));
const flapAfter = { rss: rssMiB(ours.pid), slack: await stats() };
const admin = createRedis(redisServer.url, { role: "producer" });
await waitUntilReady(admin);
const diagnoseQueue = new Queue(QUEUES.diagnose, { connection: admin, prefix: env.BENCH_BULL_PREFIX });
const jobs = await diagnoseQueue.getJobs(["waiting", "delayed", "active", "completed"]);
const flapJobs = {
  diagnoses: jobs.filter((j) => j.name === "diagnose" && String(j.id).includes([...incidentIds][0] ?? "-"))
    .length,
  reviewsNow: jobs.filter(
    (j) => j.name === "resolve" && !j.opts.delay && String(j.id).includes([...incidentIds][0] ?? "-"),
  ).length,
  reviewsDelayed: jobs.filter((j) => j.name === "resolve" && (j.opts.delay ?? 0) > 0).length,
};
await diagnoseQueue.close();
admin.disconnect();

const afterStorms = { ours: rssMiB(ours.pid), bare: rssMiB(bare.pid) };

const data = {
  heapMiB: HEAP_MIB,
  caps: { alertsPerNotification: 5000, alertsPerIncident: 1000, incidentsPerMinute: 20, flapWindow: "5m" },
  webhook: { runs: webhook, perSize },
  alertStorm: {
    notifications: 10,
    alertsPerNotification: 1000,
    incidentsRecorded: opened,
    suppressed,
    threads: stormAfter.slack.roots - stormBefore.slack.roots,
    slackCalls: slackCalls(stormAfter.slack) - slackCalls(stormBefore.slack),
    ms: stormMs,
    rssMiB: { before: stormBefore.rss, after: stormAfter.rss },
  },
  flapStorm: {
    cycles: 1250,
    incidents: incidentIds.size,
    threads: flapAfter.slack.roots - flapBefore.slack.roots,
    slackCalls: slackCalls(flapAfter.slack) - slackCalls(flapBefore.slack),
    ms: flapMs,
    jobs: flapJobs,
    rssMiB: { before: flapBefore.rss, after: flapAfter.rss },
  },
  rssMiB: { atRest, afterWebhook, afterStorms },
};

const md = `## Edges: big notifications, storms, flapping (bench/edges.bench.ts)

One Alertmanager notification of one incident, median of ${REPEATS} (compact alerts; caps: 5,000 alerts per notification, 1,000 kept per incident):

${table(
  ["alerts", "body KiB", "time ms", "ms per alert", "RSS growth MiB", "KiB per alert", "status"],
  perSize.map((s) => [
    s.alerts,
    round(s.bytes / 1024, 0),
    s.medianMs,
    s.msPerAlert,
    s.medianRssGrowthMiB,
    s.kibPerAlert,
    s.statuses.join(","),
  ]),
)}

Alert storm, 10 notifications x 1,000 distinct alert names (cap 20 new threads per minute): ${opened} incidents recorded, ${suppressed} without a thread, ${data.alertStorm.threads} messages in the channel (threads + flood summary), ${data.alertStorm.slackCalls} Slack calls, ${stormMs} ms; app RSS ${stormBefore.rss} → ${stormAfter.rss} MiB.

Flapping storm, 1,250 fire/resolve cycles of one alert (flap window 5m): ${incidentIds.size} incident, ${data.flapStorm.threads} thread, ${data.flapStorm.slackCalls} Slack calls, diagnose jobs ${flapJobs.diagnoses}, reviews now ${flapJobs.reviewsNow} (+${flapJobs.reviewsDelayed} waiting out the flap window, run only if still resolved), ${flapMs} ms; app RSS ${flapBefore.rss} → ${flapAfter.rss} MiB.

Both apps ran with \`--max-old-space-size=${HEAP_MIB}\` (manifests/base/app.yaml). RSS (MiB), same run: app at rest ${atRest.ours} vs bare Bolt ${atRest.bare}; after the storms app ${afterStorms.ours} vs bare ${afterStorms.bare}.`;

await writeResult("edges", data, md);
console.log(md);
await redisServer.stop();
process.exit(0);
