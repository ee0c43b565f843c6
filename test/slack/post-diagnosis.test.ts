// postDiagnosis as the worker calls it: a WebClient (pointed at the fake Slack), the proposal store
// on a private Redis, no Bolt.

import { createDiagnosisDetailsStore } from "@rdev/bot/history/diagnosis-details.ts";
import { createProposalStore, type ProposalStore } from "@rdev/bot/propose/proposals.ts";
import { createRedis, waitUntilReady } from "@rdev/bot/redis.ts";
import { DIAGNOSIS_DETAILS_ACTION } from "@rdev/bot/render/blocks/diagnosis-compact.ts";
import { slackLimitViolations } from "@rdev/bot/render/blocks/limits.ts";
import { detailsBlocks } from "@rdev/bot/slack/details/view.ts";
import { postDiagnosis, saveDiagnosisDetails } from "@rdev/bot/slack/post-diagnosis.ts";
import { webApi } from "@slack/bolt";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { criticalSseLeak, forbidden, healthy } from "../support/diagnosis-fixtures.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { startRedis, type TestRedis } from "../support/redis.ts";

const CHANNEL = "C0RDEVOPS1";
const NOW = Date.parse("2026-11-26T03:10:00Z");
const TTL = 30 * 60_000;

let server: TestRedis;
let redis: Redis;
let fake: FakeSlack;
let proposals: ProposalStore;
let deps: Parameters<typeof postDiagnosis>[0];

beforeAll(async () => {
  server = await startRedis();
  redis = createRedis(server.url, { role: "producer" });
  await waitUntilReady(redis);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});
beforeEach(async () => {
  fake = await startFakeSlack();
  proposals = createProposalStore({
    redis,
    prefix: `pd${Math.random().toString(36).slice(2, 8)}`,
    now: () => NOW,
  });
  const slack = new webApi.WebClient(fake.token, { slackApiUrl: fake.url, logLevel: webApi.LogLevel.ERROR });
  deps = { slack, proposals, now: () => NOW, proposalTtlMs: TTL };
});
afterEach(async () => {
  await fake.close();
});

describe("postDiagnosis", () => {
  it("posts the diagnosis in the thread with one button per actionable action, each an opaque proposal", async () => {
    const root = fake.postAsUser(CHANNEL, "U0DEVANNA1", "/rdev mem status");
    const diagnosis = criticalSseLeak();
    const result = await postDiagnosis(deps, {
      diagnosis,
      replyTo: { channel: CHANNEL, threadTs: root.ts, incidentId: "inc-1" },
      requestedBy: "U0DEVANNA1",
      detailsId: "details-1",
    });
    const thread = fake.thread(CHANNEL, root.ts);
    expect(thread).toHaveLength(2);
    const message = thread[1];
    expect(message?.ts).toBe(result.ts);
    expect(
      slackLimitViolations({ text: message?.text ?? "", blocks: (message?.blocks ?? []) as never }),
    ).toEqual([]);
    // restart-pod and raise-memory-limit are actionable; the two advice items are not.
    expect(result.proposalIds).toHaveLength(2);
    const [restart, raise] = await Promise.all(result.proposalIds.map((id) => proposals.get(id)));
    expect(restart).toMatchObject({
      incidentId: "inc-1",
      action: {
        kind: "restart-pod",
        params: { pod: "rdev-api-7c9f8-x2k4q", podUid: "uid-rdev-api-7c9f8-x2k4q" },
      },
      target: {
        namespace: "rdev",
        deployment: "rdev-api",
        pod: "rdev-api-7c9f8-x2k4q",
        podUid: "uid-rdev-api-7c9f8-x2k4q",
      },
      requestedBy: "U0DEVANNA1",
      channel: CHANNEL,
      messageTs: result.ts,
      expiresAt: NOW + TTL,
      status: "pending",
    });
    expect(raise?.action).toEqual({ kind: "raise-memory-limit", params: { memoryLimit: "768Mi" } });
    const buttons = JSON.stringify(message?.blocks);
    for (const id of result.proposalIds) expect(buttons).toContain(`"value":"${id}"`);
    // Destructive actions are confirmed by the app after its policy check, not by Slack before it.
    expect(buttons).toContain('"style":"danger"');
    expect(buttons).not.toContain('"confirm"');
    // Compact: the Details button carries the id of the full report; the evidence is not here.
    expect(buttons).toContain(`"action_id":"${DIAGNOSIS_DETAILS_ACTION}","value":"details-1"`);
    expect(buttons).not.toContain("Heap profile");
    expect(buttons).not.toContain("kubectl -n");
  });

  it("stores the full report once for every conversation the diagnosis goes to", async () => {
    const store = createDiagnosisDetailsStore({
      redis,
      prefix: `dd${Math.random().toString(36).slice(2, 8)}`,
    });
    const diagnosis = criticalSseLeak();
    const bytes = await saveDiagnosisDetails(store, {
      id: "details-abc123",
      diagnosis,
      channels: [CHANNEL, "C0OTHER001", CHANNEL],
    });
    const stored = await store.get("details-abc123");
    expect(stored?.channels).toEqual([CHANNEL, "C0OTHER001"]);
    expect(stored?.blocks).toEqual(detailsBlocks(diagnosis));
    const all = JSON.stringify(stored?.blocks);
    expect(all).toContain("Heap profile");
    expect(all).toContain("kubectl -n rdev delete pod rdev-api-7c9f8-x2k4q");
    // Gzipped: a few KiB per diagnosis, kept as long as the history.
    expect(bytes).toBeLessThan(4096);
  });

  it("creates no proposals for a healthy deployment or a failed diagnosis", async () => {
    for (const diagnosis of [healthy(), forbidden()]) {
      const result = await postDiagnosis(deps, {
        diagnosis,
        replyTo: { channel: CHANNEL, threadTs: null, incidentId: null },
        requestedBy: "alertmanager",
        detailsId: "details-2",
      });
      expect(result.proposalIds).toEqual([]);
    }
    expect(fake.messages(CHANNEL)).toHaveLength(2);
  });

  it("falls back to the response_url where the bot cannot post", async () => {
    const responseUrl = fake.responseUrl();
    const result = await postDiagnosis(deps, {
      diagnosis: criticalSseLeak(),
      replyTo: { channel: "D0dmx", threadTs: null, incidentId: null, responseUrl },
      requestedBy: "U0DEVANNA1",
      detailsId: "details-3",
    });
    expect(result.ts).toBeNull();
    const [post] = fake.responses(responseUrl);
    expect(post?.body).toMatchObject({ response_type: "in_channel" });
    expect(JSON.stringify(post?.body)).toContain(result.proposalIds[0] ?? "missing");
  });
});
