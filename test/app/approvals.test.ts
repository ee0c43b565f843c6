// Approval buttons and modals through the real HTTP receiver: policy, atomic claims across clicks
// and replicas, expiry, four-eyes, modal validation, and the claim released when queueing fails.

import { RemediateJob } from "@rdev/bot/queue/jobs.ts";
import { PROPOSAL_ACTION_PREFIX } from "@rdev/bot/render/blocks/diagnosis.ts";
import { postDiagnosis } from "@rdev/bot/slack/post-diagnosis.ts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { criticalSseLeak } from "../support/diagnosis-fixtures.ts";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { blockActions, signedInteraction, viewSubmission } from "../support/slack-sign.ts";
import {
  APPROVER,
  APPROVER_2,
  eventually,
  type Harness,
  ONCALL_MEMBER,
  OPS_CHANNEL,
  SIGNING_SECRET,
  STRANGER,
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
  h = await startHarness(redisServer, { replicas: 2 });
});
afterEach(async () => {
  await h.stop();
});

type Button = { actionId: string; value: string; kind: string };
type Posted = { threadTs: string; messageTs: string; buttons: Button[] };

const deps = () => {
  const d = h.instances[0]?.deps;
  if (!d) throw new Error("no app instance");
  return d;
};

function buttonsOf(blocks: unknown[]): Button[] {
  return (
    blocks
      .map((b) => (b as { accessory?: { type?: string; action_id?: string; value?: string } }).accessory)
      // Approval buttons only (the compact diagnosis also has a Details button).
      .filter((a) => a?.type === "button" && a.action_id?.startsWith(PROPOSAL_ACTION_PREFIX))
      .map((a) => ({
        actionId: a?.action_id ?? "",
        value: a?.value ?? "",
        kind: (a?.action_id ?? "").split(":")[1] ?? "",
      }))
  );
}

const message = (ts: string) => {
  const found =
    h.fake.thread(OPS_CHANNEL, ts).find((m) => m.ts === ts) ??
    h.fake.messages(OPS_CHANNEL).find((m) => m.ts === ts);
  if (!found) throw new Error(`no message ${ts}`);
  return found;
};

/** The worker's part: a diagnosis with buttons in a thread of the ops channel. */
async function diagnosisInThread(requestedBy = "U0DEVANNA1"): Promise<Posted> {
  const d = deps();
  const root = await d.slack.chat.postMessage({ channel: OPS_CHANNEL, text: "Gathering diagnostics…" });
  const threadTs = String(root.ts);
  const result = await postDiagnosis(
    { slack: d.slack, proposals: d.proposals, now: d.now, proposalTtlMs: h.config.proposalTtlMs },
    {
      diagnosis: criticalSseLeak(),
      replyTo: { channel: OPS_CHANNEL, threadTs, incidentId: null },
      requestedBy,
      detailsId: "details-of-approvals-test",
    },
  );
  const messageTs = result.ts ?? "";
  return { threadTs, messageTs, buttons: buttonsOf(message(messageTs).blocks ?? []) };
}

/** A proposal of `kind` (by the store, as postDiagnosis makes them) on a message with its button. */
async function proposalMessage(kind: "rolling-restart", requestedBy: string): Promise<Posted> {
  const d = deps();
  const id = await d.proposals.createProposal({
    incidentId: null,
    action: { kind, params: {} },
    target: { namespace: "rdev", deployment: "rdev-api" },
    requestedBy,
    channel: OPS_CHANNEL,
    messageTs: null,
    expiresAt: d.now() + h.config.proposalTtlMs,
  });
  const button = {
    type: "button" as const,
    action_id: `proposal:${kind}:0`,
    value: id,
    text: { type: "plain_text" as const, text: "Rolling restart" },
  };
  const posted = await d.slack.chat.postMessage({
    channel: OPS_CHANNEL,
    text: "Proposed: rolling restart",
    blocks: [
      {
        type: "section" as const,
        text: { type: "mrkdwn" as const, text: "*Rolling restart*" },
        accessory: button,
      },
    ],
  });
  await d.proposals.attachMessage(id, OPS_CHANNEL, String(posted.ts));
  return {
    threadTs: String(posted.ts),
    messageTs: String(posted.ts),
    buttons: buttonsOf(message(String(posted.ts)).blocks ?? []),
  };
}

async function click(posted: Posted, button: Button, userId: string, replica = 0) {
  const responseUrl = h.fake.responseUrl();
  const triggerId = h.fake.issueTriggerId();
  const payload = blockActions({
    actionId: button.actionId,
    value: button.value,
    user: { id: userId },
    channelId: OPS_CHANNEL,
    messageTs: posted.messageTs,
    threadTs: posted.threadTs === posted.messageTs ? null : posted.threadTs,
    responseUrl,
    triggerId,
  }) as { message: Record<string, unknown> };
  const current = message(posted.messageTs);
  payload.message.blocks = current.blocks;
  payload.message.text = current.text;
  const res = await signedInteraction(`${h.instances[replica]?.url}/slack/events`, SIGNING_SECRET, payload);
  expect(res.status).toBe(200);
  return { responseUrl, triggerId };
}

type Answer = {
  response_action?: string;
  view?: { blocks?: unknown[] };
  errors?: Record<string, string>;
} | null;

/**
 * A click and, when the app opens its confirmation (the policy allowed the click), "Approve" in
 * it, on the same replica. `answer` is the submission's response (null: accepted); `refused` the
 * private answer to the click when no confirmation opened.
 */
async function approveAs(posted: Posted, button: Button, userId: string, replica = 0) {
  const { responseUrl, triggerId } = await click(posted, button, userId, replica);
  const opened = await eventually(() => {
    const call = h.fake.callsTo("views.open").find((c) => c.args.trigger_id === triggerId);
    if (call) return { call };
    return h.fake.responses(responseUrl).length > 0 ? { call: null } : false;
  });
  if (!opened.call) return { responseUrl, answer: null, refused: await ephemeral(responseUrl) };
  const view = opened.call.response?.view as { id: string; private_metadata: string; callback_id: string };
  expect(view.callback_id).toBe("rdev_approve_confirm");
  const payload = viewSubmission({
    callbackId: view.callback_id,
    privateMetadata: view.private_metadata,
    values: {},
    user: { id: userId },
    viewId: view.id,
    triggerId,
  });
  const res = await signedInteraction(`${h.instances[replica]?.url}/slack/events`, SIGNING_SECRET, payload);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { responseUrl, answer: (text ? JSON.parse(text) : null) as Answer, refused: null };
}

const ephemeral = async (responseUrl: string) => {
  const [post] = await eventually(() =>
    h.fake.responses(responseUrl).length > 0 ? h.fake.responses(responseUrl) : false,
  );
  expect(post?.body).toMatchObject({ response_type: "ephemeral" });
  return String((post?.body as { text?: string } | undefined)?.text);
};

const jobs = async () => {
  const list = await h.queue("remediate").getJobs(["waiting", "delayed", "prioritized", "active"]);
  return list.map((j) => ({ id: j.id, data: RemediateJob.parse(j.data) }));
};

const byKind = (p: Posted, kind: string) => {
  const b = p.buttons.find((x) => x.kind === kind);
  if (!b) throw new Error(`no ${kind} button in ${JSON.stringify(p.buttons)}`);
  return b;
};

describe("approving a button", () => {
  it("queues one remediate job with the pod's name and uid and shows who approved it", async () => {
    const posted = await diagnosisInThread();
    expect(posted.buttons.map((b) => b.kind)).toEqual(["restart-pod", "raise-memory-limit"]);
    const restart = byKind(posted, "restart-pod");
    // The click opens the app's confirmation (no Slack `confirm`: that would show before the app
    // could refuse); nothing is queued until it is approved there.
    const { triggerId } = await click(posted, restart, APPROVER);
    const opened = await h.fake.waitForCall("views.open", (c) => c.args.trigger_id === triggerId);
    expect(JSON.stringify(opened.args.view)).toContain("Restart pod rdev-api-7c9f8-x2k4q?");
    expect(await jobs()).toEqual([]);
    const view = opened.response?.view as { private_metadata: string };
    const submitted = await signedInteraction(
      `${h.instances[0]?.url}/slack/events`,
      SIGNING_SECRET,
      viewSubmission({
        callbackId: "rdev_approve_confirm",
        privateMetadata: view.private_metadata,
        values: {},
        user: { id: APPROVER },
      }),
    );
    expect(await submitted.text()).toBe("");
    const [job] = await eventually(async () => ((await jobs()).length === 1 ? await jobs() : false));
    expect(job?.id).toBe(`remediate-${restart.value}`);
    expect(job?.data).toMatchObject({
      proposalId: restart.value,
      action: "restart-pod",
      params: { pod: "rdev-api-7c9f8-x2k4q", podUid: "uid-rdev-api-7c9f8-x2k4q" },
      target: { namespace: "rdev", deployment: "rdev-api" },
      replyTo: { channel: OPS_CHANNEL, threadTs: posted.threadTs, incidentId: null },
      approvedBy: APPROVER,
    });
    await eventually(() => h.fake.callsTo("chat.update").some((c) => c.ok));
    const after = message(posted.messageTs).blocks ?? [];
    expect(JSON.stringify(after)).toContain(`<@${APPROVER}> approved *Restart pod rdev-api-7c9f8-x2k4q*`);
    expect(buttonsOf(after).map((b) => b.value)).toEqual([byKind(posted, "raise-memory-limit").value]);
  });

  it("gives exactly one job for a double click and two people on two replicas", async () => {
    const posted = await diagnosisInThread();
    const restart = byKind(posted, "restart-pod");
    const approvals = await Promise.all([
      approveAs(posted, restart, APPROVER, 0),
      approveAs(posted, restart, APPROVER, 0),
      approveAs(posted, restart, APPROVER_2, 1),
      approveAs(posted, restart, APPROVER_2, 1),
    ]);
    await eventually(async () => (await jobs()).length === 1);
    // The winner's message is updated; each of the three others is told who was first (privately:
    // at the click when the proposal was taken before it, else after their confirmation).
    const told = await eventually(() => {
      const texts = [
        ...approvals.flatMap((a) => (a.refused ? [a.refused] : [])),
        ...h.fake.callsTo("chat.postEphemeral").map((c) => String(c.args.text)),
      ];
      return texts.length >= 3 ? texts : false;
    });
    expect(told).toHaveLength(3);
    for (const t of told) expect(t).toMatch(/already approved this at/);
    await eventually(() => h.fake.callsTo("chat.update").filter((c) => c.ok).length === 1);
    expect(await jobs()).toHaveLength(1);
  });

  it("refuses someone who is not an approver, politely and privately, and changes nothing", async () => {
    const posted = await diagnosisInThread();
    const restart = byKind(posted, "restart-pod");
    const { responseUrl } = await click(posted, restart, STRANGER);
    expect(await ephemeral(responseUrl)).toMatch(/You are not an approver/);
    expect(h.fake.callsTo("views.open")).toEqual([]);
    expect(await jobs()).toEqual([]);
    expect((await deps().proposals.get(restart.value))?.status).toBe("pending");
    expect(h.fake.callsTo("chat.update")).toEqual([]);
  });

  it("acknowledges a confirmation at once, however slow Slack's user-group lookup; the decision follows", async () => {
    const posted = await diagnosisInThread();
    const restart = byKind(posted, "restart-pod");
    // The click on replica 0 looks the group up (and caches it there); replica 1 has to ask again.
    const { triggerId } = await click(posted, restart, ONCALL_MEMBER, 0);
    const opened = await eventually(() =>
      h.fake.callsTo("views.open").find((c) => c.args.trigger_id === triggerId),
    );
    const view = opened.response?.view as { id: string; private_metadata: string; callback_id: string };
    h.fake.setLatency("usergroups.users.list", 4000);
    const lookupsBefore = h.fake.callsTo("usergroups.users.list").length;
    const payload = viewSubmission({
      callbackId: view.callback_id,
      privateMetadata: view.private_metadata,
      values: {},
      user: { id: ONCALL_MEMBER },
      viewId: view.id,
      triggerId,
    });
    const res = await signedInteraction(`${h.instances[1]?.url}/slack/events`, SIGNING_SECRET, payload);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    // Answered before the slow lookup came back; the job is queued once it has.
    expect(h.fake.callsTo("usergroups.users.list")).toHaveLength(lookupsBefore);
    expect(await jobs()).toEqual([]);
    await eventually(async () => (await jobs()).length === 1, 10_000);
    expect(h.fake.callsTo("usergroups.users.list").length).toBeGreaterThan(lookupsBefore);
  });

  it("lets members of the approver user group approve (looked up with usergroups.users.list)", async () => {
    const posted = await diagnosisInThread();
    await approveAs(posted, byKind(posted, "restart-pod"), ONCALL_MEMBER);
    await eventually(async () => (await jobs()).length === 1);
    expect(h.fake.callsTo("usergroups.users.list")[0]?.args).toMatchObject({ usergroup: "S0ONCALL01" });
  });

  it("says when a proposal has expired", async () => {
    const posted = await diagnosisInThread();
    h.clock.offsetMs = h.config.proposalTtlMs + 1000;
    const { responseUrl } = await click(posted, byKind(posted, "restart-pod"), APPROVER);
    expect(await ephemeral(responseUrl)).toMatch(/expired at/);
    expect(await jobs()).toEqual([]);
  });

  it("applies the four-eyes rule: the requester cannot approve a rolling restart, someone else can", async () => {
    const posted = await proposalMessage("rolling-restart", APPROVER);
    const button = byKind(posted, "rolling-restart");
    const { responseUrl } = await click(posted, button, APPROVER);
    expect(await ephemeral(responseUrl)).toMatch(/needs a second person/);
    expect(await jobs()).toEqual([]);
    await approveAs(posted, button, APPROVER_2);
    const [job] = await eventually(async () => ((await jobs()).length === 1 ? await jobs() : false));
    expect(job?.data.action).toBe("rolling-restart");
    expect(job?.data.params.restartedAt).toBe(new Date(job?.data.approvedAt ?? 0).toISOString());
  });

  it("releases the claim when the job cannot be queued, so a later click still works", async () => {
    const posted = await diagnosisInThread();
    const restart = byKind(posted, "restart-pod");
    // A corrupted queue key makes BullMQ's add script fail while Redis itself is fine.
    const metaKey = `${h.bullPrefix}:rdev-remediate:meta`;
    await deps().redis.set(metaKey, "not-a-hash");
    await approveAs(posted, restart, APPROVER);
    const told = await eventually(() =>
      h.fake.callsTo("chat.postEphemeral").find((c) => c.args.user === APPROVER),
    );
    expect(String(told.args.text)).toMatch(
      /Not started: the job could not be queued. The proposal is still open/,
    );
    expect((await deps().proposals.get(restart.value))?.status).toBe("pending");
    await deps().redis.del(metaKey);
    await approveAs(posted, restart, APPROVER);
    await eventually(async () => (await jobs()).length === 1);
  });
});

describe("the modal for parameterised actions", () => {
  async function openModal(userId: string) {
    const posted = await diagnosisInThread();
    const raise = byKind(posted, "raise-memory-limit");
    const { responseUrl } = await click(posted, raise, userId);
    const opened = await h.fake.waitForCall("views.open");
    const view = opened.response?.view as { id: string; private_metadata: string; blocks: unknown[] };
    return { posted, raise, view, responseUrl };
  }

  const submit = async (privateMetadata: string, value: string, userId = APPROVER) => {
    const payload = viewSubmission({
      callbackId: "rdev_approve_params",
      privateMetadata,
      values: { value: { value: { type: "plain_text_input", value } } },
      user: { id: userId },
    });
    const res = await signedInteraction(`${h.instances[1]?.url}/slack/events`, SIGNING_SECRET, payload);
    expect(res.status).toBe(200);
    const text = await res.text();
    return text ? (JSON.parse(text) as { response_action?: string; errors?: Record<string, string> }) : null;
  };

  it("opens prefilled, rejects invalid values with field errors, queues the approved value", async () => {
    const { posted, raise, view } = await openModal(APPROVER);
    expect(JSON.stringify(view.blocks)).toContain('"initial_value":"768Mi"');
    expect(await jobs()).toEqual([]);
    expect(await submit(view.private_metadata, "lots")).toEqual({
      response_action: "errors",
      errors: { value: "Use a Kubernetes quantity like 768Mi or 1Gi." },
    });
    expect((await submit(view.private_metadata, "8Gi"))?.errors?.value).toMatch(/At most 4Gi/);
    expect(await jobs()).toEqual([]);
    expect(await submit(view.private_metadata, "1536Mi")).toBeNull();
    // The submission is acknowledged at once; the decision follows.
    const [job] = await eventually(async () => ((await jobs()).length === 1 ? await jobs() : false));
    expect(job?.id).toBe(`remediate-${raise.value}`);
    expect(job?.data).toMatchObject({
      action: "raise-memory-limit",
      params: { memoryLimit: "1536Mi" },
      approvedBy: APPROVER,
    });
    await eventually(() => JSON.stringify(message(posted.messageTs).blocks).includes("with `1536Mi`"));
    // A second submission (another open modal, a replayed click) finds the proposal taken: the
    // submitter is told privately, where the buttons are.
    expect(await submit(view.private_metadata, "1Gi", APPROVER_2)).toBeNull();
    const told = await eventually(() =>
      h.fake.callsTo("chat.postEphemeral").find((c) => c.args.user === APPROVER_2),
    );
    expect(String(told.args.text)).toMatch(/already approved/);
    expect(told.args.channel).toBe(OPS_CHANNEL);
  });

  it("refuses someone who may not approve at the click, once, before any dialog", async () => {
    const posted = await diagnosisInThread();
    const { responseUrl } = await click(posted, byKind(posted, "raise-memory-limit"), STRANGER);
    const text = await ephemeral(responseUrl);
    expect(text).toMatch(
      /You are not an approver for remediations\. Who can approve: <@U0LEAD0001>, <@U0LEAD0002> or anyone in <!subteam\^S0ONCALL01>/,
    );
    // Give a stray second message the chance to arrive, then count: one answer, no modal.
    await diagnosisInThread();
    expect(h.fake.responses(responseUrl)).toHaveLength(1);
    expect(h.fake.callsTo("views.open")).toEqual([]);
    expect(await jobs()).toEqual([]);
  });

  it("answers are posted where the stored proposal is, whatever private_metadata says", async () => {
    const { posted, raise, view } = await openModal(APPROVER);
    const tampered = JSON.stringify({ p: raise.value, c: "C0ELSEWHER", m: "1.000001", t: "1.000001" });
    expect(await submit(tampered, "1Gi")).toBeNull();
    const [job] = await eventually(async () => ((await jobs()).length === 1 ? await jobs() : false));
    expect(job?.data.replyTo).toEqual({ channel: OPS_CHANNEL, threadTs: posted.threadTs, incidentId: null });
    await eventually(() => JSON.stringify(message(posted.messageTs).blocks).includes("with `1Gi`"));
    expect(h.fake.messages("C0ELSEWHER")).toEqual([]);
    expect(view.private_metadata).toBe(JSON.stringify({ p: raise.value, k: "raise-memory-limit" }));
  });

  it.each([
    ["not JSON", "{oops"],
    ["no proposal id", JSON.stringify({ c: OPS_CHANNEL })],
    ["an id that is not an id", JSON.stringify({ p: "../../x" })],
    ["empty", ""],
  ])(
    "malformed private_metadata (%s) gets a clear field error and changes nothing",
    async (_label, metadata) => {
      await openModal(APPROVER);
      const answer = await submit(metadata, "1Gi");
      expect(answer).toEqual({
        response_action: "errors",
        errors: {
          value: expect.stringMatching(/This form is damaged or out of date, so nothing was approved/),
        },
      });
      expect(await jobs()).toEqual([]);
    },
  );
});

describe("two people for risky actions", () => {
  const lastLine = (ts: string) => JSON.stringify(message(ts).blocks);

  it("an alert's rolling restart needs two different approvers; the message and thread say who is still needed", async () => {
    const posted = await proposalMessage("rolling-restart", "alertmanager");
    const button = byKind(posted, "rolling-restart");
    await approveAs(posted, button, APPROVER, 0);
    await eventually(() => lastLine(posted.messageTs).includes("needs a second, different approver"));
    expect(await jobs()).toEqual([]);
    // The button is still there, with who approved and who can give the second approval.
    expect(buttonsOf(message(posted.messageTs).blocks ?? []).map((b) => b.value)).toEqual([button.value]);
    expect(lastLine(posted.messageTs)).toContain(
      `<@${APPROVER}> approved *Rolling restart of rdev/rdev-api*`,
    );
    expect(lastLine(posted.messageTs)).toContain(`<@${APPROVER_2}> or anyone in <!subteam^${"S0ONCALL01"}>`);
    const thread = h.fake.thread(OPS_CHANNEL, posted.messageTs).map((m) => m.text);
    expect(thread.some((t) => /needs a second, different approver/.test(t ?? ""))).toBe(true);

    // The same person again: refused, once, nothing queued.
    const again = await click(posted, button, APPROVER, 1);
    expect(await ephemeral(again.responseUrl)).toMatch(
      /You have already approved \*Rolling restart\*; it needs a second, different person/,
    );
    expect(await jobs()).toEqual([]);

    const second = await approveAs(posted, button, APPROVER_2, 1);
    expect(second.answer).toBeNull();
    const [job] = await eventually(async () => ((await jobs()).length === 1 ? await jobs() : false));
    expect(job?.data).toMatchObject({ action: "rolling-restart", approvedBy: APPROVER_2 });
    const stored = await deps().proposals.get(button.value);
    expect(stored?.approvals.map((a) => a.userId)).toEqual([APPROVER, APPROVER_2]);
    expect(stored?.seal).toMatch(/^[0-9a-f]{64}$/);
    await eventually(() =>
      lastLine(posted.messageTs).includes(`<@${APPROVER}> and <@${APPROVER_2}> approved`),
    );
  });

  it("double clicks of both approvers on two replicas at once give one job with two different approvers", async () => {
    const posted = await proposalMessage("rolling-restart", "alertmanager");
    const button = byKind(posted, "rolling-restart");
    const approvals = await Promise.all([
      approveAs(posted, button, APPROVER, 0),
      approveAs(posted, button, APPROVER, 1),
      approveAs(posted, button, APPROVER_2, 0),
      approveAs(posted, button, APPROVER_2, 1),
    ]);
    const [job] = await eventually(async () => ((await jobs()).length === 1 ? await jobs() : false));
    const stored = await deps().proposals.get(button.value);
    expect(stored?.status).toBe("claimed");
    expect(new Set(stored?.approvals.map((a) => a.userId))).toEqual(new Set([APPROVER, APPROVER_2]));
    expect(job?.data.approvedBy).toBe(stored?.claimedBy);
    // Two approvals counted; the other two were each told why not (in the confirmation, or at the click).
    const told = await eventually(() => {
      const texts = [
        ...approvals.flatMap((a) => (a.refused ? [a.refused] : [])),
        ...h.fake.callsTo("chat.postEphemeral").map((c) => String(c.args.text)),
      ];
      return texts.length >= 2 ? texts : false;
    });
    expect(told).toHaveLength(2);
    for (const t of told) expect(t).toMatch(/already approved/);
    expect(await jobs()).toHaveLength(1);
  });

  it("a proposal edited in Redis after the bot made it cannot be approved", async () => {
    const posted = await proposalMessage("rolling-restart", "alertmanager");
    const button = byKind(posted, "rolling-restart");
    // Passed off as a person's request, so that one approver would do.
    await deps().redis.hset(`${h.prefix}:proposal:${button.value}`, "requestedBy", ONCALL_MEMBER);
    const { responseUrl } = await click(posted, button, APPROVER);
    expect(await ephemeral(responseUrl)).toMatch(/This proposal was changed after the bot made it/);
    expect(h.fake.callsTo("views.open")).toEqual([]);
    expect(await jobs()).toEqual([]);
  });

  it("a person's own risky request needs one approver other than them", async () => {
    const posted = await proposalMessage("rolling-restart", ONCALL_MEMBER);
    const button = byKind(posted, "rolling-restart");
    const own = await click(posted, button, ONCALL_MEMBER);
    expect(await ephemeral(own.responseUrl)).toMatch(
      /\*Rolling restart\* needs a second person: someone other than the requester has to approve it\. Who can approve: <@U0LEAD0001>, <@U0LEAD0002> or anyone in <!subteam\^S0ONCALL01> \(other than <@U0ONCALL01>\)/,
    );
    await approveAs(posted, button, APPROVER);
    await eventually(async () => (await jobs()).length === 1);
  });
});
