// With Redis down the app stays up, says so, and changes nothing: readiness 503, commands and
// clicks answered privately, Alertmanager told to retry (503).
import { readFileSync } from "node:fs";
import { DIAGNOSIS_DETAILS_ACTION } from "@rdev/bot/render/blocks/diagnosis-compact.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { blockActions, signedInteraction, signedSlashCommand } from "../support/slack-sign.ts";
import {
  AM_TOKEN,
  APPROVER,
  eventually,
  type Harness,
  OPS_CHANNEL,
  SIGNING_SECRET,
  startHarness,
} from "./harness.ts";

let redisServer: TestRedis;
let h: Harness;
let proposalId: string;

beforeAll(async () => {
  redisServer = await startRedis();
  h = await startHarness(redisServer);
  const deps = h.instances[0]?.deps;
  if (!deps) throw new Error("no instance");
  proposalId = await deps.proposals.createProposal({
    incidentId: null,
    action: { kind: "restart-pod", params: { pod: "rdev-api-x", podUid: "uid-x" } },
    target: { namespace: "rdev", deployment: "rdev-api", pod: "rdev-api-x", podUid: "uid-x" },
    requestedBy: "alertmanager",
    channel: OPS_CHANNEL,
    messageTs: null,
    expiresAt: deps.now() + 60_000,
  });
  await redisServer.kill();
});
afterAll(async () => {
  await h.stop();
  await redisServer.stop();
});

const base = () => h.instances[0]?.url ?? "";
const ephemeral = async (url: string) => {
  const [post] = await eventually(() => (h.fake.responses(url).length > 0 ? h.fake.responses(url) : false));
  expect(post?.body).toMatchObject({ response_type: "ephemeral" });
  return JSON.stringify(post?.body);
};
const sideEffects = () => h.fake.calls.filter((c) => c.method !== "auth.test");

describe("Redis down", () => {
  it("stays ready (it still answers everyone) and says Redis is unreachable", async () => {
    const res = await fetch(`${base()}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, redis: "unreachable", degraded: true });
    expect((await fetch(`${base()}/healthz`)).status).toBe(200);
  });

  it("tells the user of /rdev mem status and posts nothing", async () => {
    const responseUrl = h.fake.responseUrl();
    const res = await signedSlashCommand(`${base()}/slack/events`, SIGNING_SECRET, {
      text: "mem status",
      response_url: responseUrl,
    });
    expect(res.status).toBe(200);
    expect(await ephemeral(responseUrl)).toMatch(/cannot reach Redis/);
    expect(sideEffects()).toEqual([]);
  });

  it("tells the approver and starts nothing", async () => {
    const responseUrl = h.fake.responseUrl();
    const payload = blockActions({
      actionId: "proposal:restart-pod:0",
      value: proposalId,
      user: { id: APPROVER },
      responseUrl,
      triggerId: h.fake.issueTriggerId(),
    });
    const res = await signedInteraction(`${base()}/slack/events`, SIGNING_SECRET, payload);
    expect(res.status).toBe(200);
    expect(await ephemeral(responseUrl)).toMatch(/cannot reach Redis/);
    expect(sideEffects()).toEqual([]);
  });

  it("answers Alertmanager 503 so it retries", async () => {
    const body = readFileSync(
      new URL("../fixtures/alertmanager/rdev-high-memory-firing.json", import.meta.url),
      "utf8",
    );
    const res = await fetch(`${base()}/alertmanager`, {
      method: "POST",
      headers: { authorization: `Bearer ${AM_TOKEN}`, "content-type": "application/json" },
      body,
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(sideEffects()).toEqual([]);
  });

  // Last: the modal is this test's one side effect.
  it("says so in the Details modal of a diagnosis, and posts nothing", async () => {
    const triggerId = h.fake.issueTriggerId();
    const payload = blockActions({
      actionId: DIAGNOSIS_DETAILS_ACTION,
      value: "d-0123456789",
      user: { id: APPROVER },
      channelId: OPS_CHANNEL,
      responseUrl: h.fake.responseUrl(),
      triggerId,
    });
    const res = await signedInteraction(`${base()}/slack/events`, SIGNING_SECRET, payload);
    expect(res.status).toBe(200);
    const opened = await eventually(() =>
      h.fake.callsTo("views.open").find((c) => c.args.trigger_id === triggerId),
    );
    expect(JSON.stringify(opened.args.view)).toMatch(/cannot reach Redis/);
    expect(sideEffects().map((c) => c.method)).toEqual(["views.open"]);
  });
});
