// The history surfaces through the real app (signed requests, real Redis, the fake Slack): an
// Alertmanager incident, the worker's diagnosis with approval buttons, then App Home, `/rdev
// incident`, `/rdev mem history n`, the postmortem export into the thread, and approvals and
// refusals landing on the timeline.
import { readFileSync } from "node:fs";
import { ENTRY } from "@rdev/bot/history/entries.ts";
import { recordDiagnosis } from "@rdev/bot/history/record.ts";
import { SHOW_INCIDENT_ACTION } from "@rdev/bot/render/blocks/history.ts";
import { EXPORT_POSTMORTEM_ACTION } from "@rdev/bot/render/blocks/timeline.ts";
import { postDiagnosis } from "@rdev/bot/slack/post-diagnosis.ts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ALERT_CHANNEL,
  AM_TOKEN,
  APPROVER,
  eventually,
  type Harness,
  SIGNING_SECRET,
  STRANGER,
  startHarness,
} from "../../app/harness.ts";
import { criticalSseLeak } from "../../support/diagnosis-fixtures.ts";
import { startRedis, type TestRedis } from "../../support/redis.ts";
import {
  appHomeOpened,
  blockActions,
  signedEvent,
  signedInteraction,
  signedSlashCommand,
} from "../../support/slack-sign.ts";

const FIRING = readFileSync(
  new URL("../../fixtures/alertmanager/rdev-high-memory-firing.json", import.meta.url),
  "utf8",
);

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
const events = () => `${app().url}/slack/events`;

/** Alertmanager fires; then the worker's part: a diagnosis with buttons in the thread, recorded. */
async function incidentWithDiagnosis(): Promise<{ id: string; threadTs: string; proposalIds: string[] }> {
  const res = await fetch(`${app().url}/alertmanager`, {
    method: "POST",
    headers: { authorization: `Bearer ${AM_TOKEN}`, "content-type": "application/json" },
    body: FIRING,
  });
  const body = (await res.json()) as { incidents: { id: string }[] };
  const id = body.incidents[0]?.id ?? "";
  const incident = await eventually(async () => (await app().deps.incidents.get(id))?.root ?? false);
  const d = app().deps;
  const diagnosis = criticalSseLeak();
  const replyTo = { channel: incident.channel, threadTs: incident.ts, incidentId: id };
  const posted = await postDiagnosis(
    { slack: d.slack, proposals: d.proposals, now: d.now, proposalTtlMs: h.config.proposalTtlMs },
    { diagnosis, replyTo, requestedBy: "alertmanager", detailsId: "details-of-home-test" },
  );
  await recordDiagnosis(
    { incidents: d.incidents },
    { incidentId: id, diagnosis, requestedBy: "alertmanager", proposalIds: posted.proposalIds },
  );
  return { id, threadTs: incident.ts, proposalIds: posted.proposalIds };
}

async function command(text: string, user = APPROVER) {
  const responseUrl = h.fake.responseUrl();
  const res = await signedSlashCommand(events(), SIGNING_SECRET, {
    text,
    response_url: responseUrl,
    user_id: user,
  });
  expect(res.status).toBe(200);
  const [post] = await eventually(() =>
    h.fake.responses(responseUrl).length > 0 ? h.fake.responses(responseUrl) : false,
  );
  return JSON.stringify(post?.body);
}

async function click(
  actionId: string,
  value: string,
  options: { user?: string; responseUrl?: string | null } = {},
) {
  const responseUrl =
    options.responseUrl === null ? undefined : (options.responseUrl ?? h.fake.responseUrl());
  const payload = blockActions({
    actionId,
    value,
    user: { id: options.user ?? APPROVER },
    channelId: ALERT_CHANNEL,
    triggerId: h.fake.issueTriggerId(),
    ...(responseUrl ? { responseUrl } : {}),
  }) as Record<string, unknown>;
  if (!responseUrl) delete payload.response_url;
  const res = await signedInteraction(events(), SIGNING_SECRET, payload);
  expect(res.status).toBe(200);
  return responseUrl;
}

const timelineTypes = async (id: string) => (await app().deps.incidents.timeline(id)).map((e) => e.type);

describe("App Home", () => {
  it("publishes the open incident with its pending approvals when the Home tab opens", async () => {
    const { proposalIds } = await incidentWithDiagnosis();
    expect(proposalIds.length).toBeGreaterThan(0);
    const res = await signedEvent(events(), SIGNING_SECRET, appHomeOpened({ user: APPROVER, tab: "home" }));
    expect(res.status).toBe(200);
    await h.fake.waitForCall("views.publish");
    const view = JSON.stringify(h.fake.homeView(APPROVER)?.blocks);
    expect(view).toContain("*Open incidents* (1)");
    expect(view).toContain("firing on 3 of 3 pod(s)");
    expect(view).toContain("Waiting for approval");
    expect(view).toContain("likely SSE connection leak");
    expect(view).toContain(`https://rdev.slack.com/archives/${ALERT_CHANNEL}/p`);
  });

  it("does nothing for the Messages tab", async () => {
    await signedEvent(events(), SIGNING_SECRET, appHomeOpened({ user: APPROVER, tab: "messages" }));
    await signedEvent(events(), SIGNING_SECRET, appHomeOpened({ user: STRANGER, tab: "home" }));
    await h.fake.waitForCall("views.publish");
    expect(h.fake.callsTo("views.publish").map((c) => c.args.user_id)).toEqual([STRANGER]);
  });

  it("opens an incident's timeline in a modal from the Home tab's button", async () => {
    const { id } = await incidentWithDiagnosis();
    await click(SHOW_INCIDENT_ACTION, id, { responseUrl: null });
    const open = await h.fake.waitForCall("views.open");
    expect(JSON.stringify(open.args.view)).toContain("Diagnosis: critical");
  });
});

describe("/rdev incident and /rdev mem history", () => {
  it("shows one incident's timeline from the first characters of its id", async () => {
    const { id } = await incidentWithDiagnosis();
    const text = await command(`incident ${id.slice(0, 8)}`);
    expect(text).toContain("RdevAPIHighMemory: rdev/rdev-api");
    expect(text).toContain(
      "RdevAPIHighMemory firing (warning) on rdev-api-7d9f8b6c5d-x2k4q at 86.4% of the memory limit",
    );
    expect(text).toContain("Diagnosis: critical");
    expect(text).toContain(EXPORT_POSTMORTEM_ACTION);
    expect(await command("incident 0000dead")).toContain("No incident");
  });

  it("lists n incidents with peak, cause and id, and asks Slack for each permalink once", async () => {
    const { id } = await incidentWithDiagnosis();
    const text = await command("mem history 1");
    expect(text).toContain("peak 97.7%");
    expect(text).toContain("cause: SSE connection leak");
    expect(text).toContain(id.slice(0, 8));
    await command("mem history");
    expect(h.fake.callsTo("chat.getPermalink")).toHaveLength(1);
  });
});

describe("postmortem export", () => {
  it("uploads the Markdown draft into the incident's thread and records it", async () => {
    const { id, threadTs } = await incidentWithDiagnosis();
    const responseUrl = await click(EXPORT_POSTMORTEM_ACTION, id);
    const done = await h.fake.waitForCall("files.completeUploadExternal");
    const fileId = (done.response?.files as { id: string }[] | undefined)?.[0]?.id ?? "";
    const markdown = h.fake.file(fileId)?.bytes?.toString("utf8") ?? "";
    expect(markdown).toContain("# Postmortem draft: RdevAPIHighMemory on rdev/rdev-api");
    expect(markdown).toContain("1. [ ] Analyze heap profile for memory leaks");
    expect(markdown).toContain("SSE connection leak");
    const inThread = h.fake.thread(ALERT_CHANNEL, threadTs).find((m) => m.files?.length);
    expect(inThread?.text).toContain(`exported by <@${APPROVER}>`);
    await eventually(async () => (await timelineTypes(id)).includes(ENTRY.postmortemExported));
    const [reply] = await eventually(() =>
      h.fake.responses(responseUrl).length > 0 ? h.fake.responses(responseUrl) : false,
    );
    expect(JSON.stringify(reply?.body)).toContain("postmortem draft is in the incident's thread");
  });
});

describe("postmortem names", () => {
  /** An incident whose timeline names a person (a refused approval), exported as Markdown. */
  async function exportWithPerson(): Promise<string> {
    const { id, proposalIds } = await incidentWithDiagnosis();
    const proposal = await app().deps.proposals.get(proposalIds[0] ?? "");
    await click(`proposal:${proposal?.action.kind}:0`, proposal?.id ?? "", { user: STRANGER });
    await eventually(async () => (await timelineTypes(id)).includes(ENTRY.proposalRefused));
    await click(EXPORT_POSTMORTEM_ACTION, id);
    const done = await h.fake.waitForCall("files.completeUploadExternal");
    const fileId = (done.response?.files as { id: string }[] | undefined)?.[0]?.id ?? "";
    return h.fake.file(fileId)?.bytes?.toString("utf8") ?? "";
  }

  it("shows display names from users.info, never a user id", async () => {
    // Display name left empty, as many people do: Slack's clients then show the real name.
    h.fake.setUser({ id: STRANGER, name: "sam", realName: "Sam Stranger", displayName: "" });
    const markdown = await exportWithPerson();
    expect(markdown).toContain("(Sam Stranger)");
    expect(markdown).not.toContain(STRANGER);
    expect(h.fake.callsTo("users.info").map((c) => c.args.user)).toEqual([STRANGER]);
  });

  it("falls back to the id, saying why, without the users:read scope", async () => {
    h.fake.setUser({ id: STRANGER, name: "sam", realName: "Sam Stranger", displayName: "sam" });
    h.fake.setScopes(["chat:write", "channels:history", "files:write", "usergroups:read", "commands"]);
    const markdown = await exportWithPerson();
    expect(markdown).toContain(`(${STRANGER})`);
    expect(markdown).not.toContain(`@${STRANGER}`);
    expect(markdown).toContain("missing_scope; the app needs the users:read scope");
    expect(h.fake.callsTo("users.info")[0]?.response).toMatchObject({
      ok: false,
      error: "missing_scope",
      needed: "users:read",
    });
  });
});

describe("approvals on the timeline", () => {
  it("records who was refused and who approved", async () => {
    const { id, proposalIds } = await incidentWithDiagnosis();
    const proposal = await app().deps.proposals.get(proposalIds[0] ?? "");
    const actionId = `proposal:${proposal?.action.kind}:0`;
    await click(actionId, proposal?.id ?? "", { user: STRANGER });
    const refused = await eventually(async () =>
      (await app().deps.incidents.timeline(id)).find((e) => e.type === ENTRY.proposalRefused),
    );
    expect(refused).toMatchObject({ by: STRANGER, data: { reason: "denied", proposalId: proposal?.id } });
  });
});

describe("who may read and export incidents", () => {
  it("someone outside the alert channel is refused the timeline, the history and the export, privately", async () => {
    const { id, threadTs } = await incidentWithDiagnosis();
    const members = `for members of <#${ALERT_CHANNEL}>; join it to read them`;
    for (const text of [`incident ${id.slice(0, 8)}`, "mem history"]) {
      const answer = await command(text, STRANGER);
      expect(answer).toContain(members);
      expect(answer).not.toContain("RdevAPIHighMemory");
    }
    const timeline = await click(SHOW_INCIDENT_ACTION, id, { user: STRANGER });
    const exported = await click(EXPORT_POSTMORTEM_ACTION, id, { user: STRANGER });
    for (const url of [timeline, exported]) {
      const [reply] = await eventually(() =>
        h.fake.responses(url).length > 0 ? h.fake.responses(url) : false,
      );
      expect(JSON.stringify(reply?.body)).toContain(members);
    }
    // From App Home (no response_url): a modal that says so, not the timeline.
    await click(SHOW_INCIDENT_ACTION, id, { user: STRANGER, responseUrl: null });
    const open = await h.fake.waitForCall("views.open");
    expect(JSON.stringify(open.args.view)).toContain(members);
    expect(JSON.stringify(open.args.view)).not.toContain("Diagnosis");
    expect(h.fake.callsTo("files.getUploadURLExternal")).toEqual([]);
    expect(h.fake.thread(ALERT_CHANNEL, threadTs).some((m) => m.files?.length)).toBe(false);
    // One conversations.members call answered them all (cached).
    expect(h.fake.callsTo("conversations.members")).toHaveLength(1);
  });

  it("the export goes into the incident's own thread even when clicked from another conversation", async () => {
    const { id, threadTs } = await incidentWithDiagnosis();
    const payload = blockActions({
      actionId: EXPORT_POSTMORTEM_ACTION,
      value: id,
      user: { id: APPROVER },
      channelId: "D0DIRECTMS",
      triggerId: h.fake.issueTriggerId(),
      responseUrl: h.fake.responseUrl(),
    });
    expect((await signedInteraction(events(), SIGNING_SECRET, payload)).status).toBe(200);
    const done = await h.fake.waitForCall("files.completeUploadExternal");
    expect(done.args).toMatchObject({ channel_id: ALERT_CHANNEL, thread_ts: threadTs });
    expect(h.fake.messages("D0DIRECTMS")).toEqual([]);
  });

  it("with INCIDENT_READER_GROUP_IDS, the group's members read, other channel members do not", async () => {
    await h.stop();
    h = await startHarness(redisServer, { env: { INCIDENT_READER_GROUP_IDS: "S0ONCALL01" } });
    const { id } = await incidentWithDiagnosis();
    expect(await command(`incident ${id.slice(0, 8)}`, "U0ONCALL01")).toContain(
      "RdevAPIHighMemory: rdev/rdev-api",
    );
    expect(await command(`incident ${id.slice(0, 8)}`, APPROVER)).toContain(
      "Incident timelines and postmortems are for members of <!subteam^S0ONCALL01>",
    );
  });

  it("reads every page of a large channel, and refuses with the reason when Slack cannot say", async () => {
    const { id } = await incidentWithDiagnosis();
    const crowd = Array.from({ length: 2500 }, (_, i) => `U0CROWD${String(i).padStart(4, "0")}`);
    h.fake.setChannelMembers(ALERT_CHANNEL, [...crowd, "U0LATECOMR"]);
    expect(await command(`incident ${id.slice(0, 8)}`, "U0LATECOMR")).toContain(
      "RdevAPIHighMemory: rdev/rdev-api",
    );
    expect(h.fake.callsTo("conversations.members").map((c) => c.args.cursor ?? null)).toHaveLength(3);

    await h.stop();
    h = await startHarness(redisServer, { fake: { channelMembers: {} } });
    const again = await incidentWithDiagnosis();
    expect(await command(`incident ${again.id.slice(0, 8)}`, APPROVER)).toContain(
      "I could not check who is in <#C0RDEVALRT> (Slack said channel_not_found",
    );
  });
});
