// Single-flight diagnoses, end to end: a burst of `/rdev mem status` commands from several people
// costs one diagnosis (one round of cluster reads); every one of their threads gets that
// diagnosis, with its own buttons, and every status message turns into the verdict.
import { afterEach, describe, expect, it } from "vitest";
import { signedSlashCommand } from "../support/slack-sign.ts";
import { ALERT_CHANNEL, APPROVER, SIGNING_SECRET, type Stack, startStack } from "./stack.ts";
import { waitFor } from "./wait.ts";

let s: Stack | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});

describe("single-flight diagnoses", () => {
  it("five status commands at once: one diagnosis, five answered threads", async () => {
    s = await startStack({ scenario: "sse-leak", speed: 1 });
    const stack = s;
    // A cluster slow enough (300 ms a call) that the five commands all arrive during one diagnosis.
    stack.sim.faults.latencyMs = 500;
    const users = [APPROVER, "U0E2EUSER2", "U0E2EUSER3", "U0E2EUSER4", "U0E2EUSER5"];
    const listsBefore = stack.sim
      .requests()
      .filter((r) => r.method === "GET" && /\/pods$/.test(r.path)).length;
    await Promise.all(
      users.map(async (user) => {
        const res = await signedSlashCommand(`${stack.app.handle.url}/slack/events`, SIGNING_SECRET, {
          text: "mem status",
          channel_id: ALERT_CHANNEL,
          user_id: user,
          response_url: stack.slack.responseUrl(),
        });
        expect(res.status).toBe(200);
      }),
    );
    const roots = await waitFor("five status threads", () => {
      const r = stack.slack.messages(ALERT_CHANNEL);
      return r.length === 5 ? r : null;
    });
    // Every thread gets the diagnosis, with buttons of its own; every status message the verdict.
    const answered = await waitFor("a diagnosis in every thread", () => {
      const threads = roots.map((r) => stack.slack.thread(ALERT_CHANNEL, r.ts).slice(1));
      return threads.every((t) => t.some((m) => /rdev\/rdev-api/.test(m.text))) ? threads : null;
    });
    expect(answered).toHaveLength(5);
    // Each joined thread's Details button opens the one stored report, from its own channel.
    const joined = answered[4]?.find((m) => /rdev\/rdev-api/.test(m.text));
    const details = ((joined?.blocks ?? []) as { accessory?: { action_id: string; value: string } }[])
      .map((b) => b.accessory)
      .find((a) => a?.action_id === "diagnosis_details");
    if (!joined || !details) throw new Error("no Details button in a joined thread");
    expect(
      new Set(
        answered.map(
          (t) =>
            JSON.stringify(t.flatMap((m) => m.blocks ?? [])).match(
              /"diagnosis_details","value":"([^"]+)"/,
            )?.[1],
        ),
      ).size,
    ).toBe(1);
    const opened = stack.slack.callsTo("views.open").length;
    await stack.click(joined, details, "U0E2EUSER5");
    const modal = await waitFor("the Details modal", () => stack.slack.callsTo("views.open")[opened]);
    expect(JSON.stringify(modal.args.view)).toContain("*Pods* (worst first)");
    await waitFor("every status message to show the verdict", () =>
      stack.slack.messages(ALERT_CHANNEL).every((m) => !m.text.includes("Gathering")),
    );
    const jobs = async () => {
      const c = await stack.app.deps.queues.diagnose.getJobCounts(
        "completed",
        "active",
        "waiting",
        "delayed",
      );
      return (c.completed ?? 0) + (c.active ?? 0) + (c.waiting ?? 0) + (c.delayed ?? 0);
    };
    expect(await jobs()).toBe(1);
    const podLists = () =>
      stack.sim.requests().filter((r) => r.method === "GET" && /\/pods$/.test(r.path)).length;
    const burstLists = podLists() - listsBefore;
    // A later request, after the flight landed, leads a new diagnosis.
    await signedSlashCommand(`${stack.app.handle.url}/slack/events`, SIGNING_SECRET, {
      text: "mem status",
      channel_id: ALERT_CHANNEL,
      user_id: APPROVER,
      response_url: stack.slack.responseUrl(),
    });
    await waitFor("a second diagnosis job", async () => (await jobs()) === 2);
    await waitFor("its diagnosis", () =>
      stack.slack.messages(ALERT_CHANNEL).every((m) => !m.text.includes("Gathering")),
    );
    // The five cost the cluster no more than the single one does.
    const singleLists = podLists() - listsBefore - burstLists;
    expect(burstLists).toBeGreaterThan(0);
    expect(burstLists).toBeLessThanOrEqual(singleLists);
  }, 60_000);
});
