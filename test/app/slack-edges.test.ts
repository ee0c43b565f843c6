// /slack/events and /rdev at the edges, through real sockets: unsigned or oversized bodies are
// refused from their headers (never read), unverified requests are bounded, a replay after a Redis
// restart changes nothing, commands are rate limited, and every command gets an answer.
import { request } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { signRequest, slashCommand } from "../support/slack-sign.ts";
import { eventually, type Harness, OPS_CHANNEL, SIGNING_SECRET, startHarness } from "./harness.ts";

let redisServer: TestRedis;
let h: Harness | null = null;
beforeAll(async () => {
  redisServer = await startRedis();
});
afterAll(async () => {
  await redisServer.stop();
});
afterEach(async () => {
  await h?.stop();
  h = null;
});
const app = () => {
  if (!h) throw new Error("no harness");
  return h;
};

/**
 * Sends the headers and only the first KiB of a body that claims `declared` bytes, and resolves
 * with the status if the server answers without the rest (null if it waits for it).
 */
function partialPost(
  url: string,
  headers: Record<string, string>,
  declared: number,
  waitMs = 1500,
): Promise<{ status: number | null; abort: () => void }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: "POST",
        headers: { ...headers, "content-length": String(declared) },
      },
      (res) => {
        clearTimeout(timer);
        res.resume();
        resolve({ status: res.statusCode ?? 0, abort: () => req.destroy() });
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "ECONNRESET" && error.code !== "EPIPE") reject(error);
    });
    req.write(Buffer.alloc(1024, 120));
    const timer = setTimeout(() => resolve({ status: null, abort: () => req.destroy() }), waitMs);
  });
}

const FORM = "application/x-www-form-urlencoded";
const events = (i = 0) => `${app().instances[i]?.url}/slack/events`;

async function command(text: string, fields: Record<string, string> = {}, body?: string, headers?: object) {
  const responseUrl = app().fake.responseUrl();
  const raw =
    body ?? new URLSearchParams(slashCommand({ text, response_url: responseUrl, ...fields })).toString();
  const signed = headers ?? signRequest(SIGNING_SECRET, raw, Math.floor(Date.now() / 1000));
  const res = await fetch(events(), {
    method: "POST",
    headers: { "content-type": FORM, ...signed },
    body: raw,
  });
  return { res, responseUrl, raw, signed };
}
const answer = async (url: string) => {
  const [post] = await eventually(() =>
    app().fake.responses(url).length > 0 ? app().fake.responses(url) : false,
  );
  return JSON.stringify(post?.body);
};

describe("/slack/events reads no body it will refuse", () => {
  it("refuses an unsigned POST (and a 4 MiB one) from its headers, without reading the body", async () => {
    h = await startHarness(redisServer);
    const answered = await partialPost(events(), { "content-type": FORM }, 200_000);
    answered.abort();
    expect(answered.status).toBe(401);
    // 4 MiB is over the body limit as well: refused from its declared length, whoever signed it.
    const huge = await partialPost(events(), { "content-type": FORM }, 4 * 1024 * 1024);
    huge.abort();
    expect(huge.status).toBe(413);
  });

  it("refuses a signed body declared over SLACK_EVENTS_BODY_LIMIT with 413, unread", async () => {
    h = await startHarness(redisServer, { env: { SLACK_EVENTS_BODY_LIMIT: "65536" } });
    const headers = {
      "content-type": FORM,
      ...signRequest(SIGNING_SECRET, "x", Math.floor(Date.now() / 1000)),
    };
    const answered = await partialPost(events(), headers, 70_000);
    answered.abort();
    expect(answered.status).toBe(413);
  });

  it("refuses a stale timestamp from its headers", async () => {
    h = await startHarness(redisServer);
    const headers = {
      "content-type": FORM,
      ...signRequest(SIGNING_SECRET, "x", Math.floor(Date.now() / 1000) - 600),
    };
    const answered = await partialPost(events(), headers, 100_000);
    answered.abort();
    expect(answered.status).toBe(401);
  });

  it("answers 503 once SLACK_EVENTS_MAX_PENDING requests are still being read", async () => {
    h = await startHarness(redisServer, { env: { SLACK_EVENTS_MAX_PENDING: "2" } });
    const headers = {
      "content-type": FORM,
      ...signRequest(SIGNING_SECRET, "x", Math.floor(Date.now() / 1000)),
    };
    // Two slow senders hold their slots (the server waits for the rest of their bodies)...
    const slow = await Promise.all([
      partialPost(events(), headers, 50_000, 300),
      partialPost(events(), headers, 50_000, 300),
    ]);
    expect(slow.map((s) => s.status)).toEqual([null, null]);
    // ...so the third is refused at once, and a real command still works once they are gone.
    const third = await partialPost(events(), headers, 50_000);
    third.abort();
    expect(third.status).toBe(503);
    for (const s of slow) s.abort();
    await eventually(async () => {
      const { res, responseUrl } = await command("help");
      return res.status === 200 && (await answer(responseUrl)).includes("/rdev");
    });
  });
});

describe("replays and Redis restarts", () => {
  it("refuses a replay; after a Redis restart a replayed status command starts nothing", async () => {
    h = await startHarness(redisServer, { replicas: 2 });
    const first = await command("mem status", { channel_id: OPS_CHANNEL });
    expect(first.res.status).toBe(200);
    await answer(first.responseUrl).catch(() => "");
    await eventually(async () => (await app().queue("diagnose").count()) === 1);
    // The same bytes again: refused, on either replica.
    const again = await command("", {}, first.raw, first.signed);
    expect(again.res.status).toBe(401);

    await redisServer.restart(); // loses every key, the seen set with them
    for (const i of app().instances) await eventually(() => i.redis.status === "ready", 10_000);
    for (const i of app().instances) await i.redis.ping();
    const jobsBefore = await app().queue("diagnose").count();
    // Replica 2 never saw it and Redis forgot it: it cannot rule out a replay, so nothing starts.
    const replayed = await fetch(events(1), {
      method: "POST",
      headers: { "content-type": FORM, ...first.signed },
      body: first.raw,
    });
    expect(replayed.status).toBe(200);
    expect(await answer(first.responseUrl)).toMatch(/not a replay|cannot reach Redis/);
    expect(await app().queue("diagnose").count()).toBe(jobsBefore);
    // A fresh request after the restart works.
    const fresh = await command("mem status", { channel_id: OPS_CHANNEL });
    expect(fresh.res.status).toBe(200);
    await eventually(async () => (await app().queue("diagnose").count()) === jobsBefore + 1);
  }, 30_000);
});

describe("/rdev limits and answers", () => {
  it("limits commands per user per minute, with a private answer saying so", async () => {
    h = await startHarness(redisServer, { env: { COMMANDS_PER_USER_PER_MINUTE: "2" } });
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { responseUrl } = await command("mem history", { user_id: "U0SPAMMER1" });
      answers.push(await answer(responseUrl));
    }
    // Five commands span at most two one-minute windows of two each.
    expect(answers.filter((a) => a.includes("Slow down")).length).toBeGreaterThanOrEqual(1);
    expect(answers.find((a) => a.includes("Slow down"))).toContain("COMMANDS_PER_USER_PER_MINUTE");
    // Another user is not limited by them.
    const other = await command("mem history", { user_id: "U0SOMEONE1" });
    expect(await answer(other.responseUrl)).not.toContain("Slow down");
  });

  it("answers /rdev mem history and /rdev incident while Redis is down", async () => {
    h = await startHarness(redisServer);
    await redisServer.kill();
    try {
      for (const text of ["mem history", "incident abc123"]) {
        const { res, responseUrl } = await command(text);
        expect(res.status).toBe(200);
        expect(await answer(responseUrl)).toContain("cannot reach Redis");
      }
    } finally {
      await redisServer.start();
    }
  });
});
