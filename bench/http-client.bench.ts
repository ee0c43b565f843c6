// The app's Slack HTTP client (packages/bot/src/slack/http/http-fetch.ts, on undici.request) against Node's
// global fetch, in the same run: CPU per loopback POST of a chat.postMessage-sized form body to a
// keep-alive node:http server answering a small JSON body, client and server in this one process
// (CPU from process.cpuUsage, so both sides count, as in the profile that motivated the client).
// A bare node:http request with a keep-alive agent is the floor. Rounds are interleaved so noise
// on the shared machine hits every client alike.
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpFetch, type HttpFetch } from "@rdev/bot/slack/http/http-fetch.ts";
import { round, table, writeResult } from "./lib.ts";

const ROUNDS = 8;
const PER_ROUND = 400;
const BODY = `channel=C0RDEVOPS1&text=${encodeURIComponent("x".repeat(600))}&blocks=${encodeURIComponent("[]")}`;
const ANSWER = JSON.stringify({ ok: true, channel: "C0RDEVOPS1", ts: "1764000000.000100" });

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(ANSWER);
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/chat.postMessage`;
const init = {
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: "Bearer xoxb-bench" },
  body: BODY,
};

const viaFetch = (f: HttpFetch) => async () => {
  const res = await f(url, init);
  await res.json();
};
const agent = new Agent({ keepAlive: true });
const bareHttp = () =>
  new Promise<void>((resolve, reject) => {
    const req = request(url, { method: "POST", headers: init.headers, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve());
    });
    req.on("error", reject);
    req.end(BODY);
  });

const clients: { name: string; call: () => Promise<void> }[] = [
  { name: "global fetch (baseline)", call: viaFetch(globalThis.fetch as HttpFetch) },
  { name: "createHttpFetch (undici.request)", call: viaFetch(createHttpFetch()) },
  { name: "bare node:http (floor)", call: bareHttp },
];

const cpu = new Map<string, number>(clients.map((c) => [c.name, 0]));
for (const c of clients) for (let i = 0; i < 50; i++) await c.call(); // warm-up: JIT, sockets
for (let r = 0; r < ROUNDS; r++) {
  for (const c of r % 2 === 0 ? clients : [...clients].reverse()) {
    const before = process.cpuUsage();
    for (let i = 0; i < PER_ROUND; i++) await c.call();
    const used = process.cpuUsage(before);
    cpu.set(c.name, (cpu.get(c.name) ?? 0) + (used.user + used.system) / 1000);
  }
}
server.closeAllConnections();
server.close();
agent.destroy();

const n = ROUNDS * PER_ROUND;
const baseline = (cpu.get(clients[0]?.name ?? "") ?? 1) / n;
const rows = clients.map((c) => {
  const perRequest = (cpu.get(c.name) ?? 0) / n;
  return { client: c.name, cpuMsPerRequest: round(perRequest, 3), vsFetch: round(perRequest / baseline, 2) };
});
await writeResult(
  "http-client",
  { requests: n, bodyBytes: BODY.length, rows },
  `## http-client: CPU per Slack Web API call

\`bench/http-client.bench.ts\`: ${n} sequential loopback POSTs per client (${BODY.length}-byte form body, small JSON
answer), client and server in one process, rounds interleaved; CPU time per request (both sides), and
its ratio to Node's global fetch measured in the same run. The app's client (\`createHttpFetch\`) is
undici's request API, without fetch's WHATWG streams; bare node:http is the floor.

${table(
  ["client", "CPU ms/request", "x global fetch"],
  rows.map((r) => [r.client, r.cpuMsPerRequest, r.vsFetch]),
)}`,
);
console.log(rows);
