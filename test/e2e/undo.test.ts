// Undo end to end: the real app (signed Slack requests, its own confirmation dialog) and worker,
// real Redis and the Kubernetes simulator running the bad-rollout incident (every 1.9.0 pod leaks,
// so raising the memory limit does not hold). A raised limit offers Undo next to its result; the
// failed verification offers it again; a stranger's click is refused and queues nothing; a double
// click makes one job; the worker checks the limit is still the bot's, puts back exactly the
// previous one, and the root lists the undo. And when someone changed the value (a TTL) after the
// bot, the approved undo is refused in the thread with the value named, and nothing is patched.
import { afterEach, describe, expect, it } from "vitest";
import { ALERT_CHANNEL, APPROVER, type Stack, startStack } from "./stack.ts";
import { waitFor as waitUntil } from "./wait.ts";

type Button = { type: string; action_id: string; value: string };
type Block = { type: string; accessory?: Button; elements?: Button[] };
type Msg = { ts: string; thread_ts?: string; text: string; blocks?: unknown[] };

const STRANGER = "U0E2ESTRNG";
const waitFor = <T>(what: string, probe: () => T | Promise<T>, timeoutMs = 60_000) =>
  waitUntil(what, probe, timeoutMs);

const buttons = (m: Msg | undefined): Button[] =>
  ((m?.blocks ?? []) as Block[]).flatMap((b) => [
    ...(b.accessory ? [b.accessory] : []),
    ...(b.elements ?? []),
  ]);

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.close();
  stack = null;
});

describe("Undo, end to end", () => {
  it("raise the limit, verification fails, Undo is offered; a stranger is refused; a double click undoes once, exactly", async () => {
    stack = await startStack({
      scenario: "bad-rollout",
      speed: 100,
      env: { STABILISATION_WINDOW: "2m", VERIFY_SAMPLE_INTERVAL: "20s" },
    });
    const s = stack;
    const root = () => s.slack.messages(ALERT_CHANNEL)[0] as Msg | undefined;
    const thread = () => {
      const r = root();
      return r ? (s.slack.thread(ALERT_CHANNEL, r.ts).slice(1) as Msg[]) : [];
    };
    const limit = async () =>
      (await s.worker.deps.cluster.getDeployment("rdev", "rdev-api")).containers[0]?.memoryLimit;

    // CI rolls out the leaking 1.9.0 at 3 minutes; the alert fires for one of its pods.
    const leaking = await waitFor("a 1.9.0 pod climbing", () =>
      s.sim
        .pods()
        .find((p) => p.containers[0]?.image.endsWith(":1.9.0") && (p.memoryBytes ?? 0) > 200 * 1024 ** 2),
    );
    expect((await s.alert([leaking.name])).status).toBe(200);
    const r = await waitFor("the incident root", () => root());
    const diagnosis = await waitFor("the diagnosis", () => thread().find((m) => buttons(m).length > 0));
    s.clock.setSpeed(5);
    const incidentId = (await s.app.deps.incidents.listOpen())[0]?.id ?? null;

    // A person asked for a higher limit; the approver approves 768Mi in the value dialog.
    const change = await s.app.deps.proposals.createProposal({
      incidentId,
      action: { kind: "raise-memory-limit", params: { memoryLimit: "768Mi" } },
      target: { namespace: "rdev", deployment: "rdev-api" },
      requestedBy: STRANGER,
      channel: ALERT_CHANNEL,
      threadTs: r.ts,
      messageTs: diagnosis.ts,
      expiresAt: Date.now() + 600_000,
    });
    const carrier = { ...diagnosis, thread_ts: r.ts };
    await s.click(carrier, { action_id: "proposal:raise-memory-limit:0", value: change }, APPROVER, {
      value: "768Mi",
    });
    const applied = await waitFor("the applied change with its Undo", () =>
      thread().find((m) => buttons(m).some((b) => b.action_id === "proposal:undo:applied")),
    );
    expect(applied.text).toMatch(/^Memory limit of rdev-api changed from 512Mi to 768Mi/);
    expect(await limit()).toBe("768Mi");

    // The new pods run 1.9.0 as well: the leak goes on and the verification fails (the worker's
    // delays are computed for speed 100).
    s.clock.setSpeed(100);
    const verdict = await waitFor("verification", () => s.events.find((e) => e.type === "verification"));
    expect(verdict).toMatchObject({ passed: false });
    const failed = await waitFor("the failed verification", () =>
      thread().find((m) => m.text.startsWith("Verification failed")),
    );
    const undo = buttons(failed).find((b) => b.action_id === "proposal:undo:verify");
    if (!undo) throw new Error(`no Undo in ${JSON.stringify(failed.blocks)}`);
    expect(undo).toMatchObject({ text: { text: "Undo" } });
    expect(JSON.stringify(failed.blocks)).toContain(
      "*Undo: the memory limit back to 512Mi*: set the memory limit back from 768Mi to 512Mi.",
    );
    expect(buttons(failed).some((b) => b.action_id === "diagnose_again")).toBe(true);
    s.clock.setSpeed(5);

    // A stranger (the change's requester, not an approver) is refused at the click: nothing queued.
    const dialogs = () => s.slack.calls.filter((c) => c.method === "views.open").length;
    const opened = dialogs();
    await s.click({ ...failed, thread_ts: r.ts }, undo, STRANGER);
    const refusal = await waitFor("the private refusal", () =>
      s.slack.responses().find((x) => String((x.body as { text?: string }).text).includes("not an approver")),
    );
    expect(String((refusal.body as { text: string }).text)).toContain(`<@${APPROVER}>`);
    expect(dialogs()).toBe(opened);
    expect(await s.app.deps.queues.remediate.getJob(`remediate-${undo.value}`)).toBeFalsy();

    // The approver double-clicks: one approval, one job, one undo.
    await Promise.all([
      s.click({ ...failed, thread_ts: r.ts }, undo),
      s.click({ ...failed, thread_ts: r.ts }, undo),
    ]);
    const done = await waitFor("the limit restored", () =>
      thread().find((m) => m.text.startsWith("The memory limit changed back from 768Mi to 512Mi")),
    );
    expect(done).toBeTruthy();
    expect(await limit()).toBe("512Mi");
    const undone = () => s.events.filter((e) => e.type === "action_started" && e.action === "undo");
    expect(undone()).toHaveLength(1);
    expect((await s.app.deps.proposals.get(undo.value))?.approvals.map((a) => a.userId)).toEqual([APPROVER]);

    // The undo rolls out and is verified like any action; the root lists it.
    await waitFor("the undo's rollout", () =>
      thread().find(
        (m) => m.text.startsWith("Finished") && m.text.includes("rollout complete") && m.ts > done.ts,
      ),
    );
    await waitFor("the root listing the undo", () =>
      JSON.stringify(root()?.blocks ?? []).includes(`Undo: the memory limit back to 512Mi by <@${APPROVER}>`),
    );
    expect(undone()).toHaveLength(1);
  }, 180_000);

  it("someone changed the value since: the undo is refused in the thread, naming it, and the cluster is left alone", async () => {
    stack = await startStack({ scenario: "steady", speed: 100 });
    const s = stack;
    const root = () => s.slack.messages(ALERT_CHANNEL)[0] as Msg | undefined;
    const thread = () => {
      const r = root();
      return r ? (s.slack.thread(ALERT_CHANNEL, r.ts).slice(1) as Msg[]) : [];
    };
    const pod = await waitFor("a pod", () => s.sim.pods()[0]);
    expect((await s.alert([pod.name])).status).toBe(200);
    const r = await waitFor("the incident root", () => root());
    const diagnosis = await waitFor("the diagnosis", () => thread().find((m) => buttons(m).length > 0));
    const incidentId = (await s.app.deps.incidents.listOpen())[0]?.id ?? null;
    const change = await s.app.deps.proposals.createProposal({
      incidentId,
      action: { kind: "set-cache-ttl", params: { ttl: "15s", envName: "CACHE_TTL" } },
      target: { namespace: "rdev", deployment: "rdev-api" },
      requestedBy: STRANGER,
      channel: ALERT_CHANNEL,
      threadTs: r.ts,
      messageTs: diagnosis.ts,
      expiresAt: Date.now() + 600_000,
    });
    await s.click(
      { ...diagnosis, thread_ts: r.ts },
      { action_id: "proposal:set-cache-ttl:0", value: change },
      APPROVER,
      {
        value: "15s",
      },
    );
    const applied = await waitFor("the applied change with its Undo", () =>
      thread().find((m) => buttons(m).some((b) => b.action_id === "proposal:undo:applied")),
    );
    expect(applied.text).toMatch(/^CACHE_TTL changed from 5m to 15s/);
    const undo = buttons(applied).find((b) => b.action_id === "proposal:undo:applied");
    if (!undo) throw new Error("no Undo");

    // Someone sets another TTL by hand before the undo is approved.
    const cluster = s.worker.deps.cluster;
    await cluster.setEnv("rdev", "rdev-api", "rdev-api", "CACHE_TTL", "30s");
    const before = await cluster.getDeployment("rdev", "rdev-api");
    await s.click({ ...applied, thread_ts: r.ts }, undo);
    const refused = await waitFor("the refusal", () =>
      thread().find((m) => m.text.includes("CACHE_TTL is 30s now, not the 15s the bot set")),
    );
    expect(refused.text).toContain("Nothing was changed");
    const after = await cluster.getDeployment("rdev", "rdev-api");
    expect(after.containers[0]?.env.CACHE_TTL).toBe("30s");
    expect(after.generation).toBe(before.generation);
    expect(s.events.filter((e) => e.type === "action_applied" && e.action === "undo")).toEqual([]);
  }, 120_000);
});
