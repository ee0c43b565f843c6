// The metrics shared by the app and the worker, each against the real thing: Slack calls through a
// real WebClient against the fake Slack, Kubernetes requests through the real client against the
// simulator, queue gauges against real BullMQ queues in Redis.

import { ManualClock } from "@rdev/bot/clock.ts";
import { createCluster, kubeConfigFromString } from "@rdev/bot/k8s/index.ts";
import { createRedis, waitUntilReady } from "@rdev/bot/redis.ts";
import {
  CountedWebClient,
  createSlackApiMetrics,
  slackMethodOf,
} from "@rdev/bot/slack-web/counted-client.ts";
import { createKubeApiMetrics, registerQueueGauges, slackRequestKind } from "@rdev/bot/telemetry/metrics.ts";
import { type Simulator, startSimulator } from "@rdev/kube-sim/index.ts";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { blockActions, slashCommand } from "../support/slack-sign.ts";
import { histogramCount, scrapeRegistry, value } from "./scrape.ts";

describe("slackRequestKind", () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  it.each([
    ["command", form(slashCommand({ text: "help" }) as Record<string, string>)],
    ["action", form({ payload: JSON.stringify(blockActions({})) })],
    ["view", form({ payload: JSON.stringify({ type: "view_submission", view: {} }) })],
    ["shortcut", form({ payload: JSON.stringify({ team: { id: "T1" }, type: "shortcut" }) })],
    // A nested "type" (the container's) before the payload's own does not mislead it.
    ["action", form({ payload: JSON.stringify({ container: { type: "message" }, type: "block_actions" }) })],
    ["event", JSON.stringify({ token: "x", type: "event_callback", event: { type: "app_home_opened" } })],
    ["url_verification", JSON.stringify({ type: "url_verification", challenge: "c" })],
    ["ssl_check", "ssl_check=1&token=x"],
    ["other", ""],
  ])("%s", (kind, body) => expect(slackRequestKind(body)).toBe(kind));
});

describe("Slack Web API calls", () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack();
  });
  afterAll(async () => {
    await fake.close();
  });

  const client = (rejectRateLimitedCalls: boolean) => {
    const registry = new Registry();
    const metrics = createSlackApiMetrics(registry, "t_");
    const slack = new CountedWebClient(
      fake.token,
      {
        slackApiUrl: fake.url,
        rejectRateLimitedCalls,
        retryConfig: { retries: 1, minTimeout: 10, maxTimeout: 10 },
      },
      metrics,
    );
    return { slack, registry };
  };

  it("counts calls by method and result, including Slack error codes", async () => {
    const { slack, registry } = client(false);
    await slack.chat.postMessage({ channel: "C0RDEVOPS1", text: "hi" });
    await slack.chat.postMessage({ channel: "C0RDEVOPS1", text: "again" });
    await expect(slack.chat.update({ channel: "C0RDEVOPS1", ts: "1.2", text: "x" })).rejects.toThrow();
    await expect(slack.apiCall("no.suchMethod")).rejects.toThrow();
    const s = await scrapeRegistry(registry);
    expect(value(s, "t_slack_api_calls_total", { method: "chat.postMessage", result: "ok" })).toBe(2);
    expect(value(s, "t_slack_api_calls_total", { method: "chat.update", result: "message_not_found" })).toBe(
      1,
    );
    // An error code outside the known set stays a bounded label value.
    expect(value(s, "t_slack_api_calls_total", { method: "no.suchMethod", result: "error" })).toBe(1);
  });

  it("counts every 429, whether the call was retried or rejected", async () => {
    const retrying = client(false);
    fake.failNext("chat.postMessage", 429, 1, 1);
    await retrying.slack.chat.postMessage({ channel: "C0RDEVOPS1", text: "after a wait" });
    const r = await scrapeRegistry(retrying.registry);
    expect(value(r, "t_slack_api_rate_limited_total", { method: "chat.postMessage" })).toBe(1);
    expect(value(r, "t_slack_api_calls_total", { method: "chat.postMessage", result: "ok" })).toBe(1);

    const rejecting = client(true);
    fake.failNext("chat.update", 429, 1, 30);
    await expect(
      rejecting.slack.chat.update({ channel: "C0RDEVOPS1", ts: "1.2", text: "x" }),
    ).rejects.toThrow();
    const j = await scrapeRegistry(rejecting.registry);
    expect(value(j, "t_slack_api_rate_limited_total", { method: "chat.update" })).toBe(1);
    expect(value(j, "t_slack_api_calls_total", { method: "chat.update", result: "rate_limited" })).toBe(1);
  });

  it("counts a file upload as its Web API calls", async () => {
    const { slack, registry } = client(false);
    await slack.filesUploadV2({ channel_id: "C0RDEVOPS1", filename: "a.md", content: "# hi" });
    const s = await scrapeRegistry(registry);
    expect(value(s, "t_slack_api_calls_total", { method: "files.getUploadURLExternal", result: "ok" })).toBe(
      1,
    );
    expect(
      value(s, "t_slack_api_calls_total", { method: "files.completeUploadExternal", result: "ok" }),
    ).toBe(1);
    expect(
      s.find((f) => f.name === "t_slack_api_calls_total")?.metrics.map((m) => m.labels?.method),
    ).not.toContain("files.uploadV2");
  });

  it("names the method of a request URL", () => {
    expect(slackMethodOf("https://slack.com/api/chat.update", "https://slack.com/api/")).toBe("chat.update");
    expect(slackMethodOf("https://files.slack.com/upload/v1/abc", "https://slack.com/api/")).toBe(
      "file_upload",
    );
    expect(slackMethodOf("https://slack.com/api/../../x", "https://slack.com/api/")).toBe("unknown");
  });
});

describe("Kubernetes API requests", () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
  });

  it("are counted by verb, resource and code, with their latency, from the client's hook", async () => {
    sim = await startSimulator({ port: 0, scenario: "steady", replicas: 2, clock: new ManualClock() });
    const registry = new Registry();
    const kube = createKubeApiMetrics(registry, "t_");
    const cluster = createCluster(kubeConfigFromString(sim.kubeconfig()), { onRequest: kube.onRequest });
    await cluster.listPods("rdev", "app=rdev-api");
    await cluster.listPods("rdev", "app=rdev-api");
    await expect(cluster.getDeployment("rdev", "no-such-deployment")).rejects.toThrow();
    const s = await scrapeRegistry(registry);
    expect(value(s, "t_kube_api_requests_total", { verb: "list", resource: "pods", code: "200" })).toBe(2);
    expect(
      value(s, "t_kube_api_requests_total", { verb: "get", resource: "deployments.apps", code: "404" }),
    ).toBe(1);
    expect(histogramCount(s, "t_kube_api_request_seconds", { verb: "list", resource: "pods" })).toBe(2);
  });

  it("say which error when no HTTP answer came", () => {
    const registry = new Registry();
    const kube = createKubeApiMetrics(registry, "t_");
    kube.onRequest({
      verb: "list",
      resource: "pods",
      namespace: "rdev",
      status: null,
      ms: 5000,
      code: "timeout",
    });
    return scrapeRegistry(registry).then((s) =>
      expect(value(s, "t_kube_api_requests_total", { verb: "list", resource: "pods", code: "timeout" })).toBe(
        1,
      ),
    );
  });
});

describe("queue gauges", () => {
  let server: TestRedis;
  let redis: Redis;
  const queues: Queue[] = [];
  beforeAll(async () => {
    server = await startRedis();
    redis = createRedis(server.url, { role: "producer" });
    await waitUntilReady(redis);
  });
  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close()));
    redis.disconnect();
    await server.stop();
  });

  it("report depth by state and the oldest waiting job's age, read on scrape", async () => {
    const prefix = `qg${process.pid}`;
    const a = new Queue("rdev-diagnose", { connection: redis, prefix });
    const b = new Queue("rdev-verify", { connection: redis, prefix });
    queues.push(a, b);
    const clock = new ManualClock(Date.now());
    const registry = new Registry();
    registerQueueGauges(registry, "t_", [a, b], () => clock.now());
    await a.add("d", { n: 1 });
    await a.add("d", { n: 2 });
    await b.add("v", { n: 3 }, { delay: 600_000 });
    clock.advance(120_000);
    const s = await scrapeRegistry(registry);
    expect(value(s, "t_queue_jobs", { queue: "rdev-diagnose", state: "waiting" })).toBe(2);
    expect(value(s, "t_queue_jobs", { queue: "rdev-verify", state: "delayed" })).toBe(1);
    expect(value(s, "t_queue_jobs", { queue: "rdev-verify", state: "waiting" })).toBe(0);
    const age = value(s, "t_queue_oldest_waiting_seconds", { queue: "rdev-diagnose" });
    expect(age).toBeGreaterThanOrEqual(119);
    expect(age).toBeLessThan(180);
    // A delayed job is not waiting for a worker.
    expect(value(s, "t_queue_oldest_waiting_seconds", { queue: "rdev-verify" })).toBe(0);
  });

  it("leave the gauges empty, and /metrics working, while Redis is unreachable", async () => {
    const down = createRedis("redis://127.0.0.1:1", { role: "producer", lazyConnect: true });
    const q = new Queue("rdev-diagnose", { connection: down, prefix: "down" });
    q.on("error", () => {});
    const registry = new Registry();
    registerQueueGauges(registry, "t_", [q]);
    const text = await registry.metrics();
    expect(text).toContain("# TYPE t_queue_jobs gauge");
    expect(text).not.toMatch(/^t_queue_jobs\{/m);
    down.disconnect();
  });
});
