// The Slack app under load, next to a bare Bolt app in the same run (same HTTPReceiver, same
// signing, same process, requests interleaved so both see the same machine):
//   1. ack latency of `/rdev mem status` and of an approval click at ~200 requests/s each;
//   2. an alert storm: 10,000 Alertmanager notifications for one incident across 30 pods, through
//      two app replicas: one thread, Slack calls counted, memory before/after.
// Everything is on loopback: a private redis-server, the fake Slack Web API.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { startRedis } from "../test/support/redis.ts";
import { blockActions, signedInteraction, signedSlashCommand } from "../test/support/slack-sign.ts";
import { round, summarise, table, writeResult } from "./lib.ts";

const RATE = 200; // requests per second, to each app
const SECONDS = 4;
const STORM = 10_000;
const STORM_CONCURRENCY = 64;
const STORM_INTERVAL_MS = 1000;
const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const AM_TOKEN = "am-token-0123456789abcdef";
const ALERT_CHANNEL = "C0RDEVALRT";
const APPROVER = "U0LEAD0001";

const children: ChildProcess[] = [];
process.once("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

/** Starts bench/app-child.ts in `mode` and returns the JSON line it prints. */
async function child<T>(mode: string, env: Record<string, string> = {}): Promise<T> {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", new URL("./app-child.ts", import.meta.url).pathname, mode],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(proc);
  const line = await new Promise<string>((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`${mode} exited with ${code}`)));
    createInterface({ input: proc.stdout }).once("line", resolve);
  });
  return JSON.parse(line) as T;
}

const redisServer = await startRedis();
const fake = await child<{ api: string; token: string; control: string }>("fake-slack");
const tag = randomUUID().slice(0, 8);
const appEnv = (interval: string) => ({
  SLACK_BOT_TOKEN: fake.token,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: fake.api,
  ALERT_CHANNEL,
  ALERTMANAGER_TOKEN: AM_TOKEN,
  REDIS_URL: redisServer.url,
  APPROVER_USER_IDS: APPROVER,
  ROOT_UPDATE_MIN_INTERVAL: interval,
  LOG_LEVEL: "silent",
  BENCH_PREFIX: `bench${tag}`,
  BENCH_BULL_PREFIX: `bull${tag}`,
});
const ours = await child<{ url: string; proposalId: string }>("app", {
  ...appEnv("10s"),
  BENCH_PROPOSAL: "1",
});
const bare = await child<{ url: string }>("bare", appEnv("10s"));
const oursUrl = `${ours.url}/slack/events`;
const bareUrl = `${bare.url}/slack/events`;
const proposalId = ours.proposalId;

/** Fresh response_urls from the fake Slack (each allows 5 posts). */
let urls: string[] = [];
async function responseUrl(): Promise<string> {
  if (urls.length === 0) urls = (await (await fetch(`${fake.control}/issue?n=500`)).json()) as string[];
  return urls.pop() ?? "";
}
const stats = async () =>
  (await (await fetch(`${fake.control}/stats?channel=${ALERT_CHANNEL}`)).json()) as {
    methods: Record<string, number>;
    roots: number;
    rootBlocks: string;
  };

type Kind = "command" | "click";
async function send(kind: Kind, url: string): Promise<number> {
  const response_url = await responseUrl();
  const started = performance.now();
  const res =
    kind === "command"
      ? await signedSlashCommand(url, SIGNING_SECRET, { text: "mem status", response_url })
      : await signedInteraction(
          url,
          SIGNING_SECRET,
          blockActions({
            actionId: "proposal:restart-pod:0",
            value: proposalId,
            user: { id: APPROVER },
            responseUrl: response_url,
          }),
        );
  const ms = performance.now() - started;
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${kind} to ${url} answered ${res.status}`);
  return ms;
}

/** Open loop: one request to each app every 1000/RATE ms for SECONDS, interleaved. */
async function load(kind: Kind) {
  const latencies = { ours: [] as number[], bare: [] as number[] };
  const pending: Promise<void>[] = [];
  const total = RATE * SECONDS;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const order: ("ours" | "bare")[] = i % 2 === 0 ? ["ours", "bare"] : ["bare", "ours"];
    for (const who of order) {
      pending.push(send(kind, who === "ours" ? oursUrl : bareUrl).then((ms) => void latencies[who].push(ms)));
    }
  }
  await Promise.all(pending);
  return {
    ours: summarise(latencies.ours),
    bare: summarise(latencies.bare),
    seconds: (performance.now() - start) / 1000,
  };
}

// Warm up both (JIT, keep-alive sockets, Redis scripts).
for (let i = 0; i < 50; i++) await Promise.all([send("command", oursUrl), send("command", bareUrl)]);
const command = await load("command");
const click = await load("click");

// --- Alert storm through both replicas.
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
// Two fresh replicas (their own processes) with a 1 s root update interval.
for (const c of children.splice(1)) c.kill("SIGTERM");
const replicas = await Promise.all([
  child<{ url: string }>("app", appEnv(`${STORM_INTERVAL_MS}ms`)),
  child<{ url: string }>("app", appEnv(`${STORM_INTERVAL_MS}ms`)),
]);
const replicaUrls = replicas.map((r) => `${r.url}/alertmanager`);

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

const before = await stats();
const memBefore = await Promise.all(replicas.map((r) => memory(r.url)));
const stormStart = performance.now();
let next = 0;
const statuses = new Map<number, number>();
await Promise.all(
  Array.from({ length: STORM_CONCURRENCY }, async () => {
    while (next < STORM) {
      const i = next++;
      const res = await fetch(replicaUrls[i % replicaUrls.length] ?? "", {
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
  performance.now() - settleStart < 3 * STORM_INTERVAL_MS + 2000
) {
  await new Promise((r) => setTimeout(r, 100));
  after = await stats();
}
const settledMs = Math.round(performance.now() - settleStart);
const memAfter = await Promise.all(replicas.map((r) => memory(r.url)));
const delta = (m: string) => (after.methods[m] ?? 0) - (before.methods[m] ?? 0);
const totalCalls = Object.keys(after.methods).reduce((a, m) => a + delta(m), 0);
const redisQueues = await (async () => {
  const { Queue } = await import("bullmq");
  const { createRedis, waitUntilReady } = await import("../src/redis.ts");
  const conn = createRedis(redisServer.url, { role: "producer" });
  await waitUntilReady(conn);
  const q = new Queue("rdev-diagnose", { connection: conn, prefix: `bull${tag}` });
  const ids = await q.getJobs(["waiting", "delayed", "prioritized", "active"]);
  const count = ids.filter((j) => String(j.id).startsWith("diagnose-incident-")).length;
  await q.close();
  conn.disconnect();
  return count;
})();
const storm = {
  notifications: STORM,
  replicas: replicas.length,
  statuses: Object.fromEntries(statuses),
  seconds: round(stormSeconds),
  perSecond: round(STORM / stormSeconds, 0),
  lastStateRenderedAfterMs: settledMs,
  rootMessages: after.roots,
  incidentDiagnoseJobs: redisQueues,
  slackCalls: { total: totalCalls, postMessage: delta("chat.postMessage"), update: delta("chat.update") },
  updateBound: Math.ceil((stormSeconds * 1000 + settledMs) / STORM_INTERVAL_MS) + 1,
  memory: { before: memBefore, after: memAfter },
};

for (const c of children) c.kill("SIGTERM");
await redisServer.stop();

const row = (name: string, s: ReturnType<typeof summarise>) => [
  name,
  s.n,
  round(s.p50),
  round(s.p90),
  round(s.p99),
  round(s.max),
];
const ratio = (a: number, b: number) => round(a / b);
const data = {
  ratePerApp: RATE,
  seconds: SECONDS,
  command: {
    ...command,
    p99Ratio: ratio(command.ours.p99, command.bare.p99),
    p50Ratio: ratio(command.ours.p50, command.bare.p50),
  },
  click: {
    ...click,
    p99Ratio: ratio(click.ours.p99, click.bare.p99),
    p50Ratio: ratio(click.ours.p50, click.bare.p50),
  },
  storm,
};
const markdown = `## app: Slack ack latency and alert storm

Ack latency in ms at ${RATE} requests/s to each app for ${SECONDS} s, interleaved with a bare Bolt app
(same HTTPReceiver, same signing; each app, the fake Slack and the load generator in its own process, on loopback). Target: p99 < 50 ms and within 1.2x of bare Bolt.

${table(
  ["requests", "n", "p50", "p90", "p99", "max"],
  [
    row("`/rdev mem status` (app)", command.ours),
    row("slash command (bare Bolt)", command.bare),
    row("approval click (app)", click.ours),
    row("button click (bare Bolt)", click.bare),
  ],
)}

p99 ratio app/bare: command ${data.command.p99Ratio}x, click ${data.click.p99Ratio}x (p50: ${data.command.p50Ratio}x, ${data.click.p50Ratio}x).

Alert storm: ${STORM.toLocaleString("en-US")} notifications for one incident across 30 pods through 2 replicas
(separate processes, ${STORM_CONCURRENCY} in flight) in ${storm.seconds} s (${storm.perSecond}/s), HTTP ${JSON.stringify(storm.statuses)}:
${storm.rootMessages} root message, ${storm.incidentDiagnoseJobs} diagnose job, ${storm.slackCalls.total} Slack calls
(${storm.slackCalls.postMessage} chat.postMessage, ${storm.slackCalls.update} chat.update; bound at a ${STORM_INTERVAL_MS} ms interval: ${storm.updateBound});
the final state was on the root ${storm.lastStateRenderedAfterMs} ms after the last notification.
Memory per replica (heapUsed / rss MiB) before → after: ${storm.memory.before.map((m, i) => `${m.heapUsedMiB}/${m.rssMiB} → ${storm.memory.after[i]?.heapUsedMiB}/${storm.memory.after[i]?.rssMiB}`).join(", ")}.
`;
await writeResult("app", data, markdown);
console.log(markdown);
process.exit(0);
