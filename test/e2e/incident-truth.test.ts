// Incident truth, end to end: the real app and worker, real Redis, the Kubernetes simulator and a real
// Alertmanager (the test plays Prometheus: it posts alerts to Alertmanager's v2 API, and
// Alertmanager notifies the app through the receiver in manifests/alerts/). Each story checks that
// the thread, the root, `/rdev incident`, `/rdev mem history` and the postmortem draft agree with
// what happened in the cluster and what people did:
//   1. the untreated leak: warning, then critical (the root escalates, one entry per pod), then the
//      OOM kill; the record says "OOM-killed", naming the pod, never "resolved on its own";
//   2. a fix from a `/rdev mem status` thread is credited to the open incident; a repeat
//      notification after the verification keeps "Fix verified" on the root;
//   3. a failed verification followed by the resolve keeps the next step offered, with
//      "Diagnose again".
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { summariseIncident } from "@rdev/bot/history/summary.ts";
import { postmortemMarkdown } from "@rdev/bot/render/blocks/postmortem.ts";
import { afterEach, describe, expect, it } from "vitest";
import { setYamlValues } from "../alerts/rewrite.ts";
import { RECEIVER_FILE } from "../alerts/tools.ts";
import {
  alertmanagerBinary,
  alertmanagerDir,
  startAlertmanager,
  type TestAlertmanager,
} from "../support/alertmanager.ts";
import { signedSlashCommand } from "../support/slack-sign.ts";
import { ALERT_CHANNEL, AM_TOKEN, APPROVER, SIGNING_SECRET, type Stack, startStack } from "./stack.ts";
import { waitFor as waitUntil } from "./wait.ts";

type Block = { type: string; accessory?: Button; elements?: Button[] };
type Button = { type: string; action_id: string; value: string };
type Msg = { ts: string; thread_ts?: string; text: string; blocks?: unknown[] };

/** Longer than the default: these stories run minutes of simulated leak. */
const waitFor = <T>(what: string, probe: () => T | Promise<T>, timeoutMs = 45_000) =>
  waitUntil(what, probe, timeoutMs);

const buttons = (m: Msg | undefined): Button[] =>
  ((m?.blocks ?? []) as Block[])
    .flatMap((b) => [...(b.accessory ? [b.accessory] : []), ...(b.elements ?? [])])
    // Context blocks have elements too (text), and come before the actions in a diagnosis.
    .filter((e) => e.type === "button");
const blocksOf = (m: Msg | undefined) => JSON.stringify(m?.blocks ?? []);

type World = {
  s: Stack;
  am: TestAlertmanager;
  /** Fires (or, with `resolve`, ends) one alert per pod, as Prometheus would. */
  alert(pod: string, severity: "warning" | "critical", state?: "firing" | "resolved"): Promise<void>;
  root(): Msg | undefined;
  thread(): Msg[];
  /** `/rdev …` as the approver; the reply posted to its response_url. */
  command(text: string): Promise<string>;
};

let world: World | null = null;
afterEach(async () => {
  await world?.am.stop();
  await world?.s.close();
  world = null;
});

async function startWorld(env: Record<string, string> = {}): Promise<World> {
  const s = await startStack({ scenario: "sse-leak", speed: 100, env });
  const dir = await alertmanagerDir();
  const am = await startAlertmanager(dir, {
    config: setYamlValues(readFileSync(RECEIVER_FILE, "utf8"), {
      url: `${s.app.handle.url}/alertmanager`,
      credentials_file: join(dir, "token"),
      group_wait: "1s",
      group_interval: "1s",
      repeat_interval: "2s",
    }),
    files: { token: AM_TOKEN },
  });
  const w: World = {
    s,
    am,
    async alert(pod, severity, state = "firing") {
      const now = Date.now();
      const critical = severity === "critical";
      const body = [
        {
          labels: {
            alertname: critical ? "RdevAPIHighMemoryCritical" : "RdevAPIHighMemory",
            namespace: "rdev",
            pod,
            container: "rdev-api",
            severity,
          },
          annotations: {
            summary: critical
              ? "Memory usage above 95% of limit: OOM kill near"
              : "Memory usage exceeds 80% of limit",
            value: critical ? "0.96" : "0.84",
          },
          startsAt: new Date(now - 60_000).toISOString(),
          endsAt: new Date(state === "firing" ? now + 3_600_000 : now - 1000).toISOString(),
        },
      ];
      const res = await fetch(`${am.url}/api/v2/alerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
    },
    root: () => s.slack.messages(ALERT_CHANNEL)[0] as Msg | undefined,
    thread: () => {
      const root = s.slack.messages(ALERT_CHANNEL)[0];
      return root ? (s.slack.thread(ALERT_CHANNEL, root.ts).slice(1) as Msg[]) : [];
    },
    async command(text) {
      const responseUrl = s.slack.responseUrl();
      const res = await signedSlashCommand(`${s.app.handle.url}/slack/events`, SIGNING_SECRET, {
        text,
        channel_id: ALERT_CHANNEL,
        user_id: APPROVER,
        response_url: responseUrl,
      });
      expect(res.status).toBe(200);
      if (text.startsWith("mem status")) return "";
      const posts = await waitFor(`a reply to /rdev ${text}`, () =>
        s.slack.responses(responseUrl).length > 0 ? s.slack.responses(responseUrl) : null,
      );
      return JSON.stringify(posts[0]);
    },
  };
  return w;
}

const leakingPod = (s: Stack) => s.sim.pods().find((p) => p.podIndex === 0 && p.generation === 0);
const percent = (p: { memoryBytes: number | null; memoryLimitBytes: number | null } | undefined) =>
  p?.memoryBytes && p.memoryLimitBytes ? p.memoryBytes / p.memoryLimitBytes : 0;

/** The record as every other view reads it: incident + timeline, summarised. */
async function summary(s: Stack, incidentId: string) {
  const [record] = await s.app.deps.incidents.readMany([incidentId]);
  if (!record) throw new Error("incident gone");
  return summariseIncident(record, Date.now());
}

async function incidentIdOf(s: Stack): Promise<string> {
  const open = await s.app.deps.incidents.listOpen();
  const id = open[0]?.id ?? (await s.app.deps.incidents.listIds(0, Date.now(), 1))[0];
  if (!id) throw new Error("no incident");
  return id;
}

describe.skipIf(alertmanagerBinary() === null)("incident truth (real Alertmanager)", () => {
  it("the untreated leak: warning, then critical, then the OOM kill, recorded as an OOM kill", async () => {
    world = await startWorld();
    const w = world;
    const leaking = await waitFor(
      "the leak past 80%",
      () => percent(leakingPod(w.s)) > 0.82 && leakingPod(w.s),
    );
    await w.alert(leaking.name, "warning");
    await waitFor("the root, warning", () => w.root()?.text.includes("[FIRING:1]") && w.root());
    const id = await incidentIdOf(w.s);

    await waitFor("the leak past 95%", () => percent(leakingPod(w.s)) > 0.955);
    await w.alert(leaking.name, "critical");
    const escalated = await waitFor("the root to escalate", () =>
      blocksOf(w.root()).includes("*Severity*\\ncritical") ? w.root() : null,
    );
    // One pod, two alerts: counted once, with both alert names; the summary follows the critical.
    expect(escalated.text).toMatch(/^\[FIRING:1\] RdevAPIHighMemory rdev\/rdev-api: Memory usage above 95%/);
    expect(blocksOf(escalated)).toContain("on 1 of 1 pod for");
    expect(blocksOf(escalated)).toContain(`\`${leaking.name}\` RdevAPIHighMemory, RdevAPIHighMemoryCritical`);
    const timeline = (await summary(w.s, id)).entries.filter((e) => e.type === "alert_firing");
    expect(timeline.map((e) => (e.data as { alertName: string }).alertName).sort()).toEqual([
      "RdevAPIHighMemory",
      "RdevAPIHighMemoryCritical",
    ]);

    // Nobody acts: the kernel OOM-kills the container; then memory is low and the alerts clear.
    await waitFor(
      "the OOM kill",
      () => w.s.sim.pods().find((p) => p.uid === leaking.uid && p.restartCount > 0),
      60_000,
    );
    await w.alert(leaking.name, "critical", "resolved");
    await w.alert(leaking.name, "warning", "resolved");

    const line = await waitFor("the worker's closing line", () =>
      w.thread().find((m) => m.text.startsWith(":large_yellow_circle: Resolved after")),
    );
    expect(line.text).toContain(`\`${leaking.name}\` was OOM-killed at`);
    expect(line.text).toContain("restart count 1");
    expect(line.text).not.toMatch(/on its own|every alert of this incident has cleared/);
    expect(buttons(line).map((b) => b.action_id)).toEqual(["diagnose_again"]);
    const root = await waitFor("the root to say why", () =>
      blocksOf(w.root()).includes("Why it ended") ? w.root() : null,
    );
    expect(root.text).toContain("[RESOLVED]");
    expect(root.text).toContain("ended by an OOM kill");
    expect(blocksOf(root)).toContain(`\`${leaking.name}\` was OOM-killed at`);

    // Every other view says the same.
    const s = await summary(w.s, id);
    expect(s.outcomeText).toBe("ended by an OOM kill");
    expect(s.ending).toMatchObject({ kind: "oom_kill", pod: leaking.name, restartCount: 1 });
    expect(await w.command("mem history")).toContain("ended by an OOM kill");
    const view = await w.command(`incident ${id.slice(0, 8)}`);
    expect(view).toContain("ended by an OOM kill");
    expect(view).toContain(`Ended: ${leaking.name} was OOM-killed at`);
    const draft = postmortemMarkdown(s, { now: Date.now(), runbookUrl: null });
    expect(draft).toContain("| Outcome | ended by an OOM kill |");
    expect(draft).toMatch(new RegExp(`\\| Why it ended \\| \`${leaking.name}\` was OOM-killed at`));
    expect(draft).not.toContain("on its own");
  }, 150_000);

  it("a fix from a status thread is credited to the open incident, and stays on the root", async () => {
    world = await startWorld();
    const w = world;
    const leaking = await waitFor(
      "the leak past 80%",
      () => percent(leakingPod(w.s)) > 0.82 && leakingPod(w.s),
    );
    await w.alert(leaking.name, "warning");
    await waitFor("the incident root", () => w.root());
    const id = await incidentIdOf(w.s);
    await waitFor("the leak past 95%", () => percent(leakingPod(w.s)) > 0.955);
    w.s.clock.setSpeed(2);

    // Someone types /rdev mem status in the channel: its thread links to the incident.
    await w.command("mem status");
    const status = await waitFor("the status thread's diagnosis", () => {
      const statusRoot = w.s.slack.messages(ALERT_CHANNEL)[1] as Msg | undefined;
      const replies = statusRoot ? (w.s.slack.thread(ALERT_CHANNEL, statusRoot.ts).slice(1) as Msg[]) : [];
      const diagnosis = replies.find((m) =>
        buttons(m).some((b) => b.action_id.startsWith("proposal:restart-pod:")),
      );
      return statusRoot && diagnosis ? { statusRoot, diagnosis } : null;
    });
    const statusRoot = await waitFor("the status root to show the verdict", () => {
      const m = w.s.slack.messages(ALERT_CHANNEL).find((x) => x.ts === status.statusRoot.ts) as
        | Msg
        | undefined;
      return m && !m.text.includes("Gathering") ? m : null;
    });
    expect(statusRoot.text).toContain("Incident RdevAPIHighMemory is open for this workload");
    expect(statusRoot.text).toContain("what is approved here counts for it");

    const restart = buttons(status.diagnosis).find((b) => b.action_id.startsWith("proposal:restart-pod:"));
    if (!restart) throw new Error("no restart button");
    expect((await w.s.click(status.diagnosis, restart)).status).toBe(200);
    await waitFor("the eviction", () => w.s.events.find((e) => e.type === "action_applied"), 20_000);
    w.s.clock.setSpeed(100);
    await waitFor("verification", () => w.s.events.find((e) => e.type === "verification"), 40_000);

    // The incident's root (not the status thread's) shows the action, its owner and the verdict.
    const credited = await waitFor("the incident root to show the fix", () =>
      blocksOf(w.root()).includes("Fix verified") ? w.root() : null,
    );
    expect(blocksOf(credited)).toContain(
      `Restart pod ${leaking.name} by <@${APPROVER}> (from a status thread): applied, rollout complete, :white_check_mark: verified`,
    );
    // Alertmanager keeps repeating the still-firing alert: the fix stays on the root.
    const before = (await w.s.app.deps.incidents.get(id))?.notifications ?? 0;
    await waitFor(
      "a repeat notification",
      async () => ((await w.s.app.deps.incidents.get(id))?.notifications ?? 0) > before,
    );
    await w.s.app.handle.rootUpdater.settled();
    expect(blocksOf(w.root())).toContain("Fix verified");
    expect(blocksOf(w.root())).toContain("(from a status thread)");

    await w.alert(leaking.name, "warning", "resolved");
    const line = await waitFor("the closing line", () =>
      w.thread().find((m) => m.text.startsWith(":large_green_circle: Resolved after")),
    );
    expect(line.text).toContain(`Fixed by Restart pod ${leaking.name}, approved by <@${APPROVER}>`);
    expect(line.text).toContain("the fix was verified");
    await waitFor("the root to say why it ended", () =>
      blocksOf(w.root()).includes(`*Why it ended:* Fixed by Restart pod ${leaking.name}`),
    );
    const s = await summary(w.s, id);
    expect(s.outcomeText).toBe("fixed (verified)");
    expect(s.actions.map((a) => [a.text, a.approvedBy, a.verification, a.elsewhere])).toEqual([
      [`Restart pod ${leaking.name}`, APPROVER, "passed", true],
    ]);
    expect(s.entries.some((e) => e.type === "status_thread_linked")).toBe(true);
    expect(await w.command("mem history")).toContain("fixed (verified)");
    expect(await w.command(`incident ${id}`)).toContain(`Restart pod ${leaking.name} by <@${APPROVER}>`);
    expect(postmortemMarkdown(s, { now: Date.now(), runbookUrl: null })).toContain(
      "| Outcome | fixed (verified) |",
    );
  }, 150_000);

  it("a failed verification, then the resolve: the next step stays offered, with Diagnose again", async () => {
    world = await startWorld({ STABILISATION_WINDOW: "30s", VERIFY_SAMPLE_INTERVAL: "10s" });
    const w = world;
    const leaking = await waitFor(
      "the leak past 80%",
      () => percent(leakingPod(w.s)) > 0.82 && leakingPod(w.s),
    );
    await w.alert(leaking.name, "warning");
    const root = await waitFor("the incident root", () => w.root());
    const id = await incidentIdOf(w.s);
    const diagnosis = await waitFor("the diagnosis", () => w.thread().find((m) => buttons(m).length > 0));
    w.s.clock.setSpeed(5);
    // The wrong pod is restarted (a healthy one): the leak goes on and verification must fail.
    const healthy = w.s.sim.pods().find((p) => p.uid !== leaking.uid);
    if (!healthy) throw new Error("no healthy pod");
    const proposalId = await w.s.app.deps.proposals.createProposal({
      incidentId: id,
      action: { kind: "restart-pod", params: { pod: healthy.name, podUid: healthy.uid } },
      target: { namespace: "rdev", deployment: "rdev-api", pod: healthy.name, podUid: healthy.uid },
      requestedBy: APPROVER,
      channel: ALERT_CHANNEL,
      messageTs: diagnosis.ts,
      expiresAt: Date.now() + 600_000,
    });
    const carrier = { ...diagnosis, thread_ts: root.ts };
    expect(
      (await w.s.click(carrier, { action_id: "proposal:restart-pod:0", value: proposalId })).status,
    ).toBe(200);
    const verdict = await waitFor(
      "verification",
      () => w.s.events.find((e) => e.type === "verification"),
      60_000,
    );
    expect(verdict).toMatchObject({ passed: false });
    const failed = await waitFor("the failed verification message", () =>
      w.thread().find((m) => m.text.startsWith("Verification failed")),
    );
    const next = buttons(failed).find((b) => b.action_id.startsWith("proposal:raise-memory-limit:"));
    if (!next) throw new Error(`no next step in ${blocksOf(failed)}`);
    expect(buttons(failed).some((b) => b.action_id === "diagnose_again")).toBe(true);

    // The leak ends in an OOM kill; the alert clears.
    w.s.clock.setSpeed(60);
    await waitFor(
      "the OOM kill",
      () => w.s.sim.pods().find((p) => p.uid === leaking.uid && p.restartCount > 0),
      60_000,
    );
    await w.alert(leaking.name, "warning", "resolved");
    const line = await waitFor("the closing line", () =>
      w.thread().find((m) => m.text.includes("Resolved after")),
    );
    expect(line.text).toContain(`\`${leaking.name}\` was OOM-killed`);
    expect(line.text).toContain(`Restart pod ${healthy.name} had been tried and did not hold`);
    expect(line.text).toContain("The next step offered after the failed verification is still open above.");
    expect(buttons(line).map((b) => b.action_id)).toEqual(["diagnose_again"]);

    // The next step survived the resolution: still pending, and clicking it opens its dialog.
    expect((await w.s.app.deps.proposals.get(next.value))?.status).toBe("pending");
    const rootNow = await waitFor("the root to offer the next step", () =>
      blocksOf(w.root()).includes("Next step offered in the thread") ? w.root() : null,
    );
    expect(blocksOf(rootNow)).toContain("Raise the memory limit");
    const opened = w.s.slack.calls.filter((c) => c.method === "views.open").length;
    expect((await w.s.click({ ...failed, thread_ts: root.ts }, next)).status).toBe(200);
    await waitFor(
      "the approval dialog",
      () => w.s.slack.calls.filter((c) => c.method === "views.open").length > opened,
    );

    // Diagnose again: a fresh diagnosis in the incident's thread, on its timeline.
    const diagnosesBefore = (await summary(w.s, id)).diagnoses;
    const again = buttons(line).find((b) => b.action_id === "diagnose_again");
    if (!again) throw new Error("no Diagnose again");
    expect((await w.s.click({ ...line, thread_ts: root.ts }, again)).status).toBe(200);
    await waitFor(
      "the new diagnosis on the timeline",
      async () => (await summary(w.s, id)).diagnoses > diagnosesBefore,
    );
    const s = await summary(w.s, id);
    expect(s.outcomeText).toBe("ended by an OOM kill");
    expect(s.nextSteps.map((n) => n.proposalId)).toEqual([next.value]);
  }, 180_000);
});
