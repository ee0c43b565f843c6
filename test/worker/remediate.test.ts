// Remediate jobs through the real worker runtime (BullMQ on a private Redis) against the Kubernetes
// API simulator and the fake Slack Web API: what each action does to the cluster, what the thread
// says (in order), and what the incident timeline records.
import { afterEach, describe, expect, it } from "vitest";
import { evictions, type Harness, readyPods, startHarness } from "./harness.ts";

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe("restart-pod", () => {
  it("evicts the pod with its UID, watches the replacement, verifies, and tells the thread in order", async () => {
    h = await startHarness({ env: { STABILISATION_WINDOW: "5m", VERIFY_SAMPLES: "3" } });
    const [victim] = await readyPods(h);
    if (!victim) throw new Error("no pod");
    const { incidentId, rootTs, replyTo } = await h.openIncident();
    const jobId = await h.remediate(replyTo, "restart-pod", { pod: victim.name, podUid: victim.uid });

    const verified = await h.waitFor(
      "verification",
      () => h?.events.find((e) => e.type === "verification"),
      30_000,
    );
    expect(verified).toMatchObject({ passed: true });

    expect(evictions(h)).toEqual([victim.name]);
    const pods = await readyPods(h);
    expect(pods.map((p) => p.uid)).not.toContain(victim.uid);

    const texts = h.threadTexts(rootTs);
    expect(texts).toHaveLength(4);
    expect(texts[0]).toMatch(new RegExp(`^About to: Evict pod ${victim.name} \\(uid ${victim.uid}\\)`));
    expect(texts[1]).toMatch(
      new RegExp(`^Evicted ${victim.name} \\(uid ${victim.uid}\\) through the Eviction API\\. \\(took \\d+`),
    );
    expect(texts[2]).toMatch(/^Finished in .*: .*rollout complete \(3 of 3 updated, 3 available\)/);
    expect(texts[3]).toMatch(/^Verification passed: Restart of .* \(memory \d+\.\d% → \d+\.\d%\)$/);

    const starting = h.slack.thread("C0ALERTS01", rootTs)[1];
    expect(JSON.stringify(starting?.blocks)).toContain("kubectl create --raw /api/v1/namespaces/rdev/pods/");

    const { job, state } = await h.finished(jobId);
    expect(state).toBe("completed");
    expect(job.returnvalue).toMatchObject({ status: "applied" });

    const types = (await h.incidents.timeline(incidentId)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        "action_started",
        "action_applied",
        "action_finished",
        "verification_scheduled",
        "verification_passed",
      ]),
    );
    expect(types.indexOf("action_started")).toBeLessThan(types.indexOf("action_applied"));
    expect(types.indexOf("action_applied")).toBeLessThan(types.indexOf("verification_passed"));

    // The incident's root message now shows the outcome.
    await h.waitFor("the root to show the verified fix", () =>
      JSON.stringify(h?.slack.thread("C0ALERTS01", rootTs)[0]?.blocks).includes("Fix verified"),
    );
  });
});
