// The transport through real sockets: Bolt's HTTPReceiver behind the replay guard, signed like
// Slack signs, plus the custom routes (health, readiness, metrics).
import { createHmac } from "node:crypto";
import { createLogger } from "@rdev/bot/logger.ts";
import { createRedis } from "@rdev/bot/redis.ts";
import { createHttpServer, listen } from "@rdev/bot/slack/http/server.ts";
import { createMetrics } from "@rdev/bot/telemetry/metrics.ts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { signedPost, signRequest, slashCommand } from "../support/slack-sign.ts";
import { eventually, type Harness, OPS_CHANNEL, SIGNING_SECRET, startHarness } from "./harness.ts";

let redisServer: TestRedis;
let h: Harness;
beforeAll(async () => {
  redisServer = await startRedis();
});
afterAll(async () => {
  await redisServer.stop();
});
beforeEach(async () => {
  h = await startHarness(redisServer);
});
afterEach(async () => {
  await h.stop();
});

const events = () => `${h.instances[0]?.url}/slack/events`;
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = "application/x-www-form-urlencoded";
/** Web API calls other than Bolt's auth.test at start-up. */
const slackCalls = () => h.fake.calls.filter((c) => c.method !== "auth.test");

describe("health, readiness and metrics", () => {
  it("serves /healthz, /readyz (Redis reachable) and Prometheus metrics", async () => {
    const base = h.instances[0]?.url;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    const text = await metrics.text();
    expect(text).toContain("rdev_chatops_process_resident_memory_bytes");
    expect(text).toContain("rdev_chatops_slack_ack_seconds");
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

describe("signed Slack requests", () => {
  it("accepts a correctly signed command and acks it with an empty 200", async () => {
    const responseUrl = h.fake.responseUrl();
    const res = await signedPost(
      events(),
      SIGNING_SECRET,
      form(slashCommand({ text: "help", response_url: responseUrl })),
      FORM,
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    const [post] = await eventually(() =>
      h.fake.responses(responseUrl).length > 0 ? h.fake.responses(responseUrl) : false,
    );
    expect(post?.body).toMatchObject({ response_type: "ephemeral" });
  });

  it("refuses a forged signature with 401 and does nothing", async () => {
    const responseUrl = h.fake.responseUrl();
    const body = form(slashCommand({ text: "mem status", response_url: responseUrl }));
    const ts = Math.floor(Date.now() / 1000);
    const forged = createHmac("sha256", "not-the-secret").update(`v0:${ts}:${body}`).digest("hex");
    const res = await fetch(events(), {
      method: "POST",
      headers: {
        "content-type": FORM,
        "x-slack-signature": `v0=${forged}`,
        "x-slack-request-timestamp": String(ts),
      },
      body,
    });
    expect(res.status).toBe(401);
    const unsigned = await fetch(events(), { method: "POST", headers: { "content-type": FORM }, body });
    expect(unsigned.status).toBe(401);
    // A valid signature over a different body does not transfer.
    const headers = signRequest(SIGNING_SECRET, form(slashCommand({ text: "help" })), ts);
    const tampered = await fetch(events(), {
      method: "POST",
      headers: { "content-type": FORM, ...headers },
      body,
    });
    expect(tampered.status).toBe(401);
    expect(slackCalls()).toEqual([]);
    expect(h.fake.responses(responseUrl)).toEqual([]);
    expect(await h.queue("diagnose").count()).toBe(0);
  });

  it("refuses stale and far-future timestamps (5-minute window)", async () => {
    const body = form(slashCommand({ text: "mem status", response_url: h.fake.responseUrl() }));
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now - 6 * 60, now + 6 * 60]) {
      const res = await signedPost(events(), SIGNING_SECRET, body, FORM, { timestamp });
      expect(res.status).toBe(401);
    }
    expect(slackCalls()).toEqual([]);
  });

  it("refuses a replayed request, even on another replica, and acts once", async () => {
    const second = await h.startInstance();
    const body = form(
      slashCommand({ text: "mem status", channel_id: OPS_CHANNEL, response_url: h.fake.responseUrl() }),
    );
    const headers = {
      "content-type": FORM,
      ...signRequest(SIGNING_SECRET, body, Math.floor(Date.now() / 1000)),
    };
    const first = await fetch(events(), { method: "POST", headers, body });
    expect(first.status).toBe(200);
    const again = await fetch(events(), { method: "POST", headers, body });
    const elsewhere = await fetch(`${second.url}/slack/events`, { method: "POST", headers, body });
    expect([again.status, elsewhere.status]).toEqual([401, 401]);
    await eventually(async () => (await h.queue("diagnose").count()) === 1);
    expect(h.fake.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("answers an unsigned ssl_check and nothing smuggled in with it", async () => {
    const responseUrl = h.fake.responseUrl();
    const payload = JSON.stringify({ type: "block_actions", actions: [{ action_id: "proposal:x" }] });
    for (const body of [
      "ssl_check=1",
      form({ ssl_check: "1", payload }),
      form({ ...slashCommand({ text: "mem status", response_url: responseUrl }), ssl_check: "1" }),
    ]) {
      const res = await fetch(events(), { method: "POST", headers: { "content-type": FORM }, body });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("");
    }
    expect(slackCalls()).toEqual([]);
    expect(h.fake.responses(responseUrl)).toEqual([]);
    expect(await h.queue("diagnose").count()).toBe(0);
  });

  it("answers Slack's url_verification handshake", async () => {
    const body = JSON.stringify({ token: "x", challenge: "abc123", type: "url_verification" });
    const res = await signedPost(events(), SIGNING_SECRET, body, "application/json");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: "abc123" });
  });
});

describe("socket mode's HTTP server", () => {
  it("serves the same custom routes and no Slack endpoint", async () => {
    const redis = createRedis(redisServer.url, { role: "producer" });
    const metrics = createMetrics({ defaultMetrics: false });
    const server = createHttpServer({
      slack: null,
      alertmanager: async (_req, res) => {
        res.writeHead(204);
        res.end();
      },
      redis,
      metrics,
      logger: createLogger("silent", "test"),
    });
    const { url } = await listen(server, 0, "127.0.0.1");
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/alertmanager`, { method: "POST" })).status).toBe(204);
      expect((await fetch(`${url}/slack/events`, { method: "POST" })).status).toBe(404);
    } finally {
      server.close();
      redis.disconnect();
    }
  });
});
