// The app's /metrics move when its flows run: signed Slack requests and Alertmanager notifications
// through the real HTTP server, scraped over HTTP and parsed by an independent parser.
import { readFileSync } from "node:fs";
import { postDiagnosis } from "@rdev/bot/slack/post-diagnosis.ts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ALERT_CHANNEL,
  AM_TOKEN,
  eventually,
  type Harness,
  SIGNING_SECRET,
  STRANGER,
  startHarness,
} from "../app/harness.ts";
import { criticalSseLeak } from "../support/diagnosis-fixtures.ts";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { blockActions, signedInteraction, signedSlashCommand } from "../support/slack-sign.ts";
import { has, histogramCount, type Scrape, scrapeUrl, value } from "./scrape.ts";

const FIRING = readFileSync(
  new URL("../fixtures/alertmanager/rdev-high-memory-firing.json", import.meta.url),
  "utf8",
);
const P = "rdev_chatops_";

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

const app = () => {
  const i = h.instances[0];
  if (!i) throw new Error("no app instance");
  return i;
};
const scrape = (): Promise<Scrape> => scrapeUrl(`${app().url}/metrics`);
const alertmanager = (body: string, token = AM_TOKEN) =>
  fetch(`${app().url}/alertmanager`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
  });

describe("the app's /metrics", () => {
  it("counts commands and their ack latency by kind", async () => {
    const before = await scrape();
    expect(histogramCount(before, `${P}slack_ack_seconds`, { kind: "command" })).toBe(0);
    const responseUrl = h.fake.responseUrl();
    const res = await signedSlashCommand(`${app().url}/slack/events`, SIGNING_SECRET, {
      text: "help",
      response_url: responseUrl,
    });
    expect(res.status).toBe(200);
    await eventually(() => h.fake.responses(responseUrl).length > 0);
    const after = await scrape();
    expect(value(after, `${P}slack_requests_total`, { kind: "command" })).toBe(1);
    expect(histogramCount(after, `${P}slack_ack_seconds`, { kind: "command" })).toBe(1);
    // A request with a bad signature is acked (401) too, as "rejected".
    await fetch(`${app().url}/slack/events`, { method: "POST", body: "command=/rdev" });
    const rejected = await scrape();
    expect(histogramCount(rejected, `${P}slack_ack_seconds`, { kind: "rejected" })).toBe(1);
    expect(value(rejected, `${P}slack_rejected_total`, { reason: "bad_signature" })).toBe(1);
  });

  it("counts notifications by status, incidents open, queue depth and Slack calls", async () => {
    expect(value(await scrape(), `${P}incidents_open`)).toBe(0);
    expect((await alertmanager(FIRING)).status).toBe(200);
    expect((await alertmanager(FIRING, "wrong-token-0123456789")).status).toBe(401);
    await h.fake.waitForCall("chat.postMessage");
    const s = await eventually(async () => {
      const m = await scrape();
      return value(m, `${P}queue_jobs`, { queue: "rdev-diagnose", state: "waiting" }) === 1 ? m : false;
    });
    expect(value(s, `${P}alertmanager_notifications_total`, { status: "200" })).toBe(1);
    expect(value(s, `${P}alertmanager_notifications_total`, { status: "401" })).toBe(1);
    expect(value(s, `${P}incidents_open`)).toBe(1);
    expect(value(s, `${P}incidents_opened_total`, { cluster: "default" })).toBe(1);
    expect(
      value(s, `${P}jobs_enqueued_total`, { queue: "diagnose", outcome: "queued", cluster: "default" }),
    ).toBe(1);
    expect(value(s, `${P}slack_api_calls_total`, { method: "chat.postMessage", result: "ok" })).toBe(1);
    expect(value(s, `${P}queue_jobs`, { queue: "rdev-remediate", state: "waiting" })).toBe(0);

    // Nobody picks the job up (no worker here): its age grows with the clock.
    h.clock.offsetMs += 90_000;
    const later = await scrape();
    expect(
      value(later, `${P}queue_oldest_waiting_seconds`, { queue: "rdev-diagnose" }),
    ).toBeGreaterThanOrEqual(90);
    expect(value(later, `${P}queue_oldest_waiting_seconds`, { queue: "rdev-remediate" })).toBe(0);
  });

  it("counts Slack 429s and Slack error codes per method", async () => {
    h.fake.failNext("chat.postMessage", 429, 1, 1);
    expect((await alertmanager(FIRING)).status).toBe(200);
    await h.fake.waitForCall("chat.postMessage");
    await app()
      .deps.slack.chat.getPermalink({ channel: ALERT_CHANNEL, message_ts: "1.000001" })
      .catch(() => null);
    const s = await scrape();
    expect(value(s, `${P}slack_api_rate_limited_total`, { method: "chat.postMessage" })).toBe(1);
    // The retried call succeeded: one call, ok.
    expect(value(s, `${P}slack_api_calls_total`, { method: "chat.postMessage", result: "ok" })).toBe(1);
    expect(
      value(s, `${P}slack_api_calls_total`, { method: "chat.getPermalink", result: "message_not_found" }),
    ).toBe(1);
  });

  it("counts proposal decisions by action and decision", async () => {
    const d = app().deps;
    const root = await d.slack.chat.postMessage({ channel: ALERT_CHANNEL, text: "thread" });
    const posted = await postDiagnosis(
      { slack: d.slack, proposals: d.proposals, now: d.now, proposalTtlMs: h.config.proposalTtlMs },
      {
        diagnosis: criticalSseLeak(),
        replyTo: { channel: ALERT_CHANNEL, threadTs: String(root.ts), incidentId: null },
        requestedBy: "alertmanager",
        detailsId: "details-of-metrics-test",
      },
    );
    const proposal = await d.proposals.get(posted.proposalIds[0] ?? "");
    const kind = proposal?.action.kind ?? "";
    const payload = blockActions({
      actionId: `proposal:${kind}:0`,
      value: proposal?.id ?? "",
      user: { id: STRANGER },
      channelId: ALERT_CHANNEL,
      responseUrl: h.fake.responseUrl(),
      triggerId: h.fake.issueTriggerId(),
    });
    expect((await signedInteraction(`${app().url}/slack/events`, SIGNING_SECRET, payload)).status).toBe(200);
    const s = await eventually(async () => {
      const m = await scrape();
      return has(m, `${P}proposal_decisions_total`, { action: kind, decision: "denied", cluster: "default" })
        ? m
        : false;
    });
    expect(
      value(s, `${P}proposal_decisions_total`, { action: kind, decision: "denied", cluster: "default" }),
    ).toBe(1);
    expect(histogramCount(s, `${P}slack_ack_seconds`, { kind: "action" })).toBe(1);
    expect(value(s, `${P}slack_requests_total`, { kind: "action" })).toBe(1);
  });
});
