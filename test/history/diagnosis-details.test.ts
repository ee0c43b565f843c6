// The store behind the Details button, on a real redis-server: what the worker saves comes back as
// it was, expires with the history, and a value someone wrote into Redis by hand can neither
// mention, link nor add controls.
import { gzipSync } from "node:zlib";
import { createDiagnosisDetailsStore } from "@rdev/bot/history/diagnosis-details.ts";
import { createRedis, waitUntilReady } from "@rdev/bot/redis.ts";
import { detailsBlocks } from "@rdev/bot/slack/details/view.ts";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { criticalSseLeak, manyPods } from "../support/diagnosis-fixtures.ts";
import { startRedis, type TestRedis } from "../support/redis.ts";

let server: TestRedis;
let redis: Redis;
beforeAll(async () => {
  server = await startRedis();
  redis = createRedis(server.url, { role: "producer" });
  await waitUntilReady(redis);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const fresh = (retentionMs?: number) => {
  const prefix = `dd${Math.random().toString(36).slice(2, 8)}`;
  return {
    prefix,
    store: createDiagnosisDetailsStore({ redis, prefix, ...(retentionMs ? { retentionMs } : {}) }),
  };
};

describe("diagnosis details store", () => {
  it("gives back the report as stored, for the history's retention", async () => {
    const { prefix, store } = fresh(7 * 86_400_000);
    const blocks = detailsBlocks(criticalSseLeak());
    const bytes = await store.save("d-0000001", { channels: ["C1", "C2"], at: 1, blocks });
    const back = await store.get("d-0000001");
    expect(back).toEqual({ version: 1, channels: ["C1", "C2"], at: 1, blocks });
    const ttl = await redis.pttl(`${prefix}:diagnosis:details:d-0000001`);
    expect(ttl).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(7 * 86_400_000);
    expect(bytes).toBe((await redis.getBuffer(`${prefix}:diagnosis:details:d-0000001`))?.length);
  });

  it("keeps a 300-pod report small (gzip)", async () => {
    const { store } = fresh();
    const blocks = detailsBlocks(manyPods(300));
    const bytes = await store.save("d-0000002", { channels: ["C1"], at: 1, blocks });
    expect(JSON.stringify(blocks).length).toBeGreaterThan(3 * bytes);
    expect(bytes).toBeLessThan(8 * 1024);
  });

  it("answers null for unknown, malformed or damaged ids and values", async () => {
    const { prefix, store } = fresh();
    expect(await store.get("d-missing1")).toBeNull();
    expect(await store.get("../../etc")).toBeNull();
    expect(await store.get("")).toBeNull();
    await redis.set(`${prefix}:diagnosis:details:d-garbage1`, "not gzip");
    expect(await store.get("d-garbage1")).toBeNull();
    await redis.set(`${prefix}:diagnosis:details:d-wrongshp`, gzipSync(JSON.stringify({ version: 2 })));
    expect(await store.get("d-wrongshp")).toBeNull();
  });

  it("defuses a value written into Redis by hand: no mentions, links or controls", async () => {
    const { prefix, store } = fresh();
    const forged = {
      version: 1,
      channels: ["C1"],
      at: 1,
      blocks: [
        { type: "header", text: { type: "plain_text", text: "<@U0ADMIN> hi" } },
        {
          type: "section",
          text: { type: "mrkdwn", text: "Hello <!channel>, see <https://evil.example|the runbook>" },
          accessory: {
            type: "button",
            text: { type: "plain_text", text: "Go" },
            url: "https://evil.example",
          },
        },
        { type: "context", elements: [{ type: "mrkdwn", text: "<@U0ADMIN>" }] },
      ],
    };
    await redis.set(`${prefix}:diagnosis:details:d-forged01`, gzipSync(JSON.stringify(forged)));
    const back = await store.get("d-forged01");
    const json = JSON.stringify(back?.blocks);
    // mrkdwn (every block after the header) keeps no raw "<": Slack shows "&lt;" as "<".
    expect(JSON.stringify(back?.blocks.slice(1))).not.toMatch(/<[!@#h]/);
    expect(json).toContain("&lt;!channel>");
    expect(json).not.toContain("accessory");
    expect(json).not.toContain('"url"');
    // plain text is not parsed by Slack: shown as written.
    expect(back?.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "<@U0ADMIN> hi" } });
    // Block types a report never has (here: actions) make the whole value unreadable.
    await redis.set(
      `${prefix}:diagnosis:details:d-forged02`,
      gzipSync(JSON.stringify({ ...forged, blocks: [{ type: "actions", elements: [] }] })),
    );
    expect(await store.get("d-forged02")).toBeNull();
  });
});
