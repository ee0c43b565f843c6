// The controls on an incident's root, through the real app (signed Bolt requests, real Redis, the
// fake Slack): "I'm on it" and "Take over" set the owner on the timeline and the root, "Diagnose
// again" queues one diagnosis for the incident's own thread however often it is clicked, and the
// dashboard link is filled from DASHBOARD_URL.
import { readFileSync } from "node:fs";
import type { AlertmanagerWebhook } from "@rdev/bot/intake/alertmanager.ts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { blockActions, signedInteraction } from "../support/slack-sign.ts";
import {
  ALERT_CHANNEL,
  AM_TOKEN,
  APPROVER,
  eventually,
  type Harness,
  ONCALL_MEMBER,
  SIGNING_SECRET,
  startHarness,
} from "./harness.ts";

const FIRING = JSON.parse(
  readFileSync(new URL("../fixtures/alertmanager/rdev-high-memory-firing.json", import.meta.url), "utf8"),
) as AlertmanagerWebhook;

let redisServer: TestRedis;
let h: Harness;
beforeAll(async () => {
  redisServer = await startRedis();
});
afterAll(async () => {
  await redisServer.stop();
});
beforeEach(async () => {
  h = await startHarness(redisServer, {
    env: {
      DASHBOARD_URL:
        "https://grafana.example.com/d/rdev?var-ns={namespace}&var-pod={pod}&from={from}&to={to}",
    },
  });
});
afterEach(async () => {
  await h.stop();
});

type Button = { action_id: string; value?: string; url?: string; text: { text: string } };
const root = () => h.fake.messages(ALERT_CHANNEL)[0];
const controls = (): Button[] =>
  ((root()?.blocks ?? []) as { block_id?: string; elements?: Button[] }[]).find(
    (b) => b.block_id === "incident_controls",
  )?.elements ?? [];

async function openIncident(): Promise<string> {
  const res = await fetch(`${h.instances[0]?.url}/alertmanager`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${AM_TOKEN}` },
    body: JSON.stringify(FIRING),
  });
  const body = (await res.json()) as { incidents: { id: string }[] };
  await eventually(() => root());
  return body.incidents[0]?.id ?? "";
}

async function click(button: Button, user: string) {
  const r = root();
  if (!r) throw new Error("no root");
  const responseUrl = h.fake.responseUrl();
  const payload = blockActions({
    actionId: button.action_id,
    value: button.value ?? "",
    user: { id: user },
    channelId: ALERT_CHANNEL,
    messageTs: r.ts,
    threadTs: null,
    responseUrl,
    triggerId: h.fake.issueTriggerId(),
  }) as { message: Record<string, unknown> };
  payload.message.blocks = r.blocks;
  payload.message.text = r.text;
  const res = await signedInteraction(`${h.instances[0]?.url}/slack/events`, SIGNING_SECRET, payload);
  expect(res.status).toBe(200);
  return responseUrl;
}

const thread = () => h.fake.thread(ALERT_CHANNEL, root()?.ts ?? "").slice(1);

describe("incident controls on the root", () => {
  it("I'm on it, then Take over: one owner at a time, on the root, the thread and the timeline", async () => {
    const id = await openIncident();
    const own = controls().find((b) => b.action_id === "incident_own");
    expect(own?.text.text).toBe("I'm on it");
    expect(JSON.stringify(root()?.blocks)).toContain("nobody yet: click *I'm on it*");

    await click(own as Button, APPROVER);
    await eventually(() => thread().some((m) => m.text === `:raising_hand: <@${APPROVER}> is on it.`));
    await eventually(() => JSON.stringify(root()?.blocks).includes(`*Owner*\\n<@${APPROVER}>`), 5000);
    expect(controls().find((b) => b.action_id === "incident_own")?.text.text).toBe("Take over");

    // Clicking again as the owner changes nothing and says so.
    const again = await click(controls().find((b) => b.action_id === "incident_own") as Button, APPROVER);
    const [reply] = await eventually(() =>
      h.fake.responses(again).length > 0 ? h.fake.responses(again) : false,
    );
    expect(JSON.stringify(reply)).toContain("You already own this incident.");

    await click(controls().find((b) => b.action_id === "incident_own") as Button, ONCALL_MEMBER);
    await eventually(() =>
      thread().some(
        (m) => m.text === `:handshake: <@${ONCALL_MEMBER}> took this incident over from <@${APPROVER}>.`,
      ),
    );
    await eventually(() => JSON.stringify(root()?.blocks).includes(`*Owner*\\n<@${ONCALL_MEMBER}>`), 5000);
    const owners = (await h.instances[0]?.deps.incidents.timeline(id))
      ?.filter((e) => e.type === "owner_set")
      .map((e) => [e.by, (e.data as { previous: string | null }).previous]);
    expect(owners).toEqual([
      [APPROVER, null],
      [ONCALL_MEMBER, APPROVER],
    ]);
  });

  it("Diagnose again queues one diagnosis for the incident's thread, however often it is clicked", async () => {
    const id = await openIncident();
    const again = controls().find((b) => b.action_id === "diagnose_again");
    expect(again?.value).toBe(id);
    await Promise.all([click(again as Button, APPROVER), click(again as Button, APPROVER)]);
    const jobs = await eventually(async () => {
      const all = await h.queue("diagnose").getJobs(["waiting", "prioritized", "delayed"]);
      const mine = all.filter((j) => String(j.id).startsWith("diagnose-again-"));
      return mine.length > 0 ? mine : false;
    });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.data).toMatchObject({
      requestedBy: APPROVER,
      replyTo: { channel: ALERT_CHANNEL, threadTs: root()?.ts, incidentId: id },
    });
  });

  it("links the incident's dashboard, the template filled in and encoded", async () => {
    await openIncident();
    const link = controls().find((b) => b.action_id === "incident_dashboard")?.url ?? "";
    const url = new URL(link);
    expect(url.host).toBe("grafana.example.com");
    expect(url.searchParams.get("var-ns")).toBe("rdev");
    expect(url.searchParams.get("var-pod")).toMatch(/^rdev-api-7d9f8b6c5d-/);
    expect(Number(url.searchParams.get("to"))).toBeGreaterThan(Number(url.searchParams.get("from")));
  });
});
