// End to end: the SSE-leak scenario's alert goes from the Alertmanager webhook to an incident
// thread, the worker's diagnosis with approval buttons, a signed approval click, the eviction of
// the leaking pod (exactly once, by UID), and a passing verification; the thread's messages are
// checked in order, and the incident root shows the verified fix.
import { afterEach, describe, expect, it } from "vitest";
import { ALERT_CHANNEL, type Stack, startStack } from "./stack.ts";
import { waitFor } from "./wait.ts";

let s: Stack | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});

type Block = { accessory?: { type: string; action_id: string; value: string } };

describe("SSE leak, end to end", () => {
  it("alert -> thread -> diagnosis -> approval -> eviction -> verification passed", async () => {
    s = await startStack({ scenario: "sse-leak", speed: 100 });
    const stack = s;
    // Minutes of leak in seconds: wait until the leaking pod is critical (above 95%).
    const leaking = await waitFor("a critical pod", () =>
      stack.sim
        .pods()
        .find(
          (p) =>
            p.memoryBytes !== null &&
            p.memoryLimitBytes !== null &&
            p.memoryBytes / p.memoryLimitBytes > 0.955,
        ),
    );
    // Slow down: from here on the bot acts at (nearly) human speed, before the OOM killer.
    stack.clock.setSpeed(2);
    expect((await stack.alert([leaking.name])).status).toBe(200);

    const root = await waitFor("the incident root", () => stack.slack.messages(ALERT_CHANNEL)[0]);
    const diagnosis = await waitFor("the diagnosis", () =>
      stack.slack.thread(ALERT_CHANNEL, root.ts).find((m) => m.text.startsWith("Critical")),
    );
    expect(diagnosis.text).toContain(leaking.name);
    const button = (diagnosis.blocks as Block[])
      .map((b) => b.accessory)
      .find((a) => a?.action_id.startsWith("proposal:restart-pod:"));
    if (!button) throw new Error(`no restart button in ${JSON.stringify(diagnosis.blocks)}`);
    const proposal = await stack.app.deps.proposals.get(button.value);
    expect(proposal?.action.params).toEqual({ pod: leaking.name, podUid: leaking.uid });

    // The thread message is compact; its Details button opens the full report the worker stored.
    expect(JSON.stringify(diagnosis.blocks)).not.toContain("kubectl -n rdev");
    const details = (diagnosis.blocks as Block[])
      .map((b) => b.accessory)
      .find((a) => a?.action_id === "diagnosis_details");
    if (!details) throw new Error(`no Details button in ${JSON.stringify(diagnosis.blocks)}`);
    const opened = stack.slack.callsTo("views.open").length;
    expect((await stack.click(diagnosis, details)).status).toBe(200);
    const modal = await waitFor("the Details modal", () => stack.slack.callsTo("views.open")[opened]);
    const view = JSON.stringify(modal.args.view);
    expect(modal.response?.ok).toBe(true);
    expect(view).toContain("Diagnosis details");
    expect(view).toContain(`kubectl -n rdev delete pod ${leaking.name}`);
    expect(view).toContain("Heap profile");

    expect((await stack.click(diagnosis, button)).status).toBe(200);
    await waitFor("the eviction", () => stack.events.find((e) => e.type === "action_applied"), 10_000);
    // The replacement does not leak; let the stabilisation window pass quickly.
    stack.clock.setSpeed(100);
    const verification = await waitFor(
      "verification",
      () => stack.events.find((e) => e.type === "verification"),
      40_000,
    );
    expect(verification).toMatchObject({ passed: true });

    const evictions = stack.sim.requests().filter((r) => r.method === "POST" && r.path.endsWith("/eviction"));
    expect(evictions.map((r) => [r.path.split("/").at(-2), r.status])).toEqual([[leaking.name, 201]]);
    expect(stack.sim.pods().map((p) => p.uid)).not.toContain(leaking.uid);

    // The thread, in order: diagnosis, what the worker is about to do, what it did, the rollout,
    // the verification (the app's approval note edits the diagnosis message, it is not a reply).
    const texts = stack.slack
      .thread(ALERT_CHANNEL, root.ts)
      .slice(1)
      .map((m) => m.text);
    const expected = [
      /^Critical: /,
      new RegExp(`^About to: Evict pod ${leaking.name} \\(uid ${leaking.uid}\\)`),
      new RegExp(`^Evicted ${leaking.name} \\(uid ${leaking.uid}\\) through the Eviction API`),
      /^Finished in .*rollout complete \(3 of 3 updated, 3 available\)/,
      /^Verification passed: Restart of /,
    ];
    const indexes = expected.map((re) => texts.findIndex((t) => re.test(t)));
    expect(
      indexes.every((i) => i >= 0),
      JSON.stringify(texts, null, 1),
    ).toBe(true);
    expect([...indexes].sort((a, b) => a - b)).toEqual(indexes);
    const decided = stack.slack.thread(ALERT_CHANNEL, root.ts).find((m) => m.ts === diagnosis.ts);
    expect(JSON.stringify(decided?.blocks)).toContain(`<@U0E2EONCAL> approved`);
    // The approval replaces its button with who approved; Details stays.
    expect(JSON.stringify(decided?.blocks)).toContain('"action_id":"diagnosis_details"');
    // What people read: code spans, never look-alike backticks; people as mentions, never bare ids;
    // and, the simulator's clock running ahead, the diagnosis dated in real time, cluster clock labelled.
    // Traefik match rules quote with backticks in the cluster itself (Host(`x`)): the escaper's
    // look-alikes are right there, and only there.
    const everything = JSON.stringify(stack.slack.thread(ALERT_CHANNEL, root.ts)).replace(
      /\b(Host|PathPrefix|Path)\(ˋ[^ˋ]*ˋ\)/g,
      "$1(rule)",
    );
    expect(everything).not.toContain("ˋ");
    // The same holds for the Details, where the Traefik evidence now is.
    expect(view.replace(/\b(Host|PathPrefix|Path)\(ˋ[^ˋ]*ˋ\)/g, "$1(rule)")).not.toContain("ˋ");
    expect(everything.replaceAll("<@U0E2EONCAL>", "")).not.toContain("U0E2EONCAL");
    expect(JSON.stringify(decided?.blocks)).toMatch(
      /gathered \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(cluster clock (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d\) ·/,
    );
    // The Details' full footer: also how long it took, in real time.
    expect(view).toMatch(
      /gathered \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC in \d+ ms · cluster clock (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d ·/,
    );

    const incidentId = proposal?.incidentId ?? "";
    const timeline = (await stack.app.deps.incidents.timeline(incidentId)).map((e) => e.type);
    for (const t of ["proposal_approved", "action_started", "action_applied", "verification_passed"]) {
      expect(timeline).toContain(t);
    }
    // The root is re-rendered from the store by the worker (coalesced): the verified fix shows.
    await waitFor("the root to show the verified fix", () =>
      JSON.stringify(stack.slack.messages(ALERT_CHANNEL)[0]?.blocks).includes("Fix verified"),
    );
  });
});
