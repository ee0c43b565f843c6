// A process of the app benchmark (bench/app.bench.ts), so the load generator, the fake Slack and
// each app under test have an event loop of their own. Mode from argv[2]:
//   fake-slack   the fake Slack Web API, plus a control server: GET /issue?n= (response_urls),
//                GET /stats?channel= (calls per method, root messages, latest root blocks)
//   app          the real Slack app (env: the app's configuration)
//   bare         Bolt with the same HTTPReceiver and signing, whose listeners only ack
// Each prints one JSON line with its URLs on stdout, then serves until killed.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadAppConfig } from "@rdev/bot/config.ts";
import { createLogger } from "@rdev/bot/logger.ts";
import { createRedis, waitUntilReady } from "@rdev/bot/redis.ts";
import { buildAppDeps } from "@rdev/bot/slack/build-deps.ts";
import { startSlackApp } from "@rdev/bot/slack/create-app.ts";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import { startFakeSlack } from "../test/support/fake-slack.ts";

const mode = process.argv[2];

if (mode === "fake-slack") {
  const fake = await startFakeSlack();
  const control = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    let body: unknown = null;
    if (url.pathname === "/issue") {
      const n = Number(url.searchParams.get("n") ?? 1);
      body = Array.from({ length: n }, () => fake.responseUrl());
    } else if (url.pathname === "/stats") {
      const channel = url.searchParams.get("channel") ?? "";
      const methods: Record<string, number> = {};
      for (const c of fake.calls) methods[c.method] = (methods[c.method] ?? 0) + 1;
      const roots = fake.messages(channel);
      body = { methods, roots: roots.length, rootBlocks: JSON.stringify(roots[0]?.blocks ?? []) };
    }
    res.writeHead(body === null ? 404 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => control.listen(0, "127.0.0.1", r));
  const port = (control.address() as AddressInfo).port;
  console.log(JSON.stringify({ api: fake.url, token: fake.token, control: `http://127.0.0.1:${port}` }));
} else if (mode === "app") {
  const config = loadAppConfig();
  const logger = createLogger(config.runbook.logLevel, "bench-app");
  const redis = createRedis(config.redis, { role: "producer" });
  await waitUntilReady(redis);
  const deps = buildAppDeps(config, {
    redis,
    logger,
    prefix: process.env.BENCH_PREFIX,
    bullPrefix: process.env.BENCH_BULL_PREFIX,
  });
  const handle = await startSlackApp(deps, { port: 0, host: "127.0.0.1" });
  if (process.env.BENCH_PROPOSAL === "1") {
    const id = await deps.proposals.createProposal({
      incidentId: null,
      action: { kind: "restart-pod", params: { pod: "rdev-api-x", podUid: "uid-x" } },
      target: { namespace: "rdev", deployment: "rdev-api", pod: "rdev-api-x", podUid: "uid-x" },
      requestedBy: "alertmanager",
      channel: "C0RDEVOPS1",
      messageTs: null,
      expiresAt: Date.now() + 3_600_000,
    });
    console.log(JSON.stringify({ url: handle.url, proposalId: id }));
  } else console.log(JSON.stringify({ url: handle.url }));
} else if (mode === "bare") {
  const receiver = new HTTPReceiver({
    signingSecret: process.env.SLACK_SIGNING_SECRET ?? "",
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    token: process.env.SLACK_BOT_TOKEN,
    receiver,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  });
  app.command("/rdev", async ({ ack }) => ack());
  app.action(/.*/, async ({ ack }) => ack());
  const server = await receiver.start({ port: 0, host: "127.0.0.1" });
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
} else {
  throw new Error(`unknown mode ${mode}: use fake-slack, app or bare`);
}
