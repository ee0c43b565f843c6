// "Diagnose again" outside an incident, in an app serving two clusters: the button names the
// cluster its message is about, so the diagnosis goes to that cluster's worker without a question;
// a cluster the app does not serve, or a button naming none, gets an answer and queues nothing.
import { diagnoseAgainBlock } from "@rdev/bot/render/blocks/diagnose-again.ts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { blockActions, signedInteraction } from "../support/slack-sign.ts";
import {
  ALERT_CHANNEL,
  APPROVER,
  eventually,
  type Harness,
  SIGNING_SECRET,
  startHarness,
} from "./harness.ts";

let redisServer: TestRedis;
let h: Harness;
beforeAll(async () => {
  redisServer = await startRedis();
});
afterAll(async () => {
  await redisServer.stop();
});
beforeEach(async () => {
  h = await startHarness(redisServer, { env: { CLUSTERS: "a,b" } });
});
afterEach(async () => {
  await h.stop();
});

const app = () => {
  const i = h.instances[0];
  if (!i) throw new Error("no app instance");
  return i;
};

/** Posts a message with the button (as the worker would after an action) and clicks it. */
async function clickAgain(value: { cluster?: string }) {
  const blocks = [diagnoseAgainBlock({ incidentId: null, ...value })];
  const posted = await app().deps.slack.chat.postMessage({
    channel: ALERT_CHANNEL,
    text: "Finished",
    blocks,
  });
  const button = blocks[0]?.elements[0] as { value: string };
  const responseUrl = h.fake.responseUrl();
  const payload = blockActions({
    actionId: "diagnose_again",
    value: button.value,
    user: { id: APPROVER },
    channelId: ALERT_CHANNEL,
    messageTs: String(posted.ts),
    threadTs: null,
    responseUrl,
    triggerId: h.fake.issueTriggerId(),
  });
  const res = await signedInteraction(`${app().url}/slack/events`, SIGNING_SECRET, payload);
  expect(res.status).toBe(200);
  const [reply] = await eventually(() =>
    h.fake.responses(responseUrl).length > 0 ? h.fake.responses(responseUrl) : false,
  );
  return { text: String((reply?.body as { text?: string } | undefined)?.text), ts: String(posted.ts) };
}

const waiting = async () =>
  (
    await Promise.all(
      app()
        .deps.queues.all()
        .map(async (q) =>
          (await q.getJobs(["waiting", "prioritized", "delayed"])).map((j) => [q.name, j.data]),
        ),
    )
  ).flat() as [string, { target: { cluster?: string }; replyTo: { threadTs: string } }][];

describe("Diagnose again outside an incident, with two clusters", () => {
  it("goes to the cluster the button names, in the button's thread", async () => {
    const { text, ts } = await clickAgain({ cluster: "b" });
    expect(text).toContain("Diagnosing again");
    const jobs = await waiting();
    expect(jobs.map(([queue, d]) => [queue, d.target.cluster, d.replyTo.threadTs])).toEqual([
      ["rdev-diagnose.b", "b", ts],
    ]);
  });

  it("refuses a cluster the app does not serve, and queues nothing", async () => {
    const { text } = await clickAgain({ cluster: "zz" });
    expect(text).toBe("There is no cluster `zz`. Clusters: `a`, `b`.");
    expect(await waiting()).toEqual([]);
  });

  it("asks which cluster when the button names none (a message from before clusters were named)", async () => {
    const { text } = await clickAgain({});
    expect(text).toContain("Which cluster? This bot serves 2: `a`, `b`.");
    expect(await waiting()).toEqual([]);
  });
});
