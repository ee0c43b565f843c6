// Verification that fails: the SSE-leak scenario keeps climbing on the leaking pod when another pod
// is restarted, so the runbook's checks fail, the thread gets the figures and the runbook's next
// steps (a higher limit, with an approval button backed by a stored proposal; the Traefik timeout
// advice), and the incident root shows that the fix did not hold.
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, readyPods, startHarness } from "./harness.ts";

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe("verification", () => {
  it("fails when memory keeps climbing, and proposes the runbook's next steps", async () => {
    h = await startHarness({ sim: { scenario: "sse-leak" }, env: { STABILISATION_WINDOW: "8m" } });
    const pods = await readyPods(h);
    // The scenario's leaking pod is replica slot 0 of generation 0; restart another one.
    const leaking = h.sim.pods().find((p) => p.podIndex === 0 && p.generation === 0);
    const healthy = pods.find((p) => p.uid !== leaking?.uid);
    if (!leaking || !healthy) throw new Error("no pods");
    const { incidentId, rootTs, replyTo } = await h.openIncident();
    await h.remediate(replyTo, "restart-pod", { pod: healthy.name, podUid: healthy.uid });

    const event = await h.waitFor(
      "verification",
      () => h?.events.find((e) => e.type === "verification"),
      30_000,
    );
    expect(event).toMatchObject({ passed: false });

    const thread = h.slack.thread("C0ALERTS01", rootTs);
    const result = thread.at(-1);
    expect(result?.text).toMatch(/^Verification failed after Restart of /);
    const blocks = JSON.stringify(result?.blocks);
    expect(blocks).toMatch(/:x: \*(memory|trend)\*/);
    expect(blocks).toContain("Next: Raise");
    expect(blocks).toContain("Traefik");

    // The button carries only a proposal id; the proposal holds the action and its value.
    const button = ((result?.blocks ?? []) as { accessory?: { action_id: string; value: string } }[]).find(
      (b) => b.accessory?.action_id.startsWith("proposal:raise-memory-limit:"),
    )?.accessory;
    expect(button).toBeDefined();
    const proposal = await h.proposals.get(button?.value ?? "");
    expect(proposal).toMatchObject({
      status: "pending",
      incidentId,
      channel: "C0ALERTS01",
      messageTs: result?.ts,
      action: { kind: "raise-memory-limit", params: { memoryLimit: expect.stringMatching(/^\d+(Mi|Gi)$/) } },
    });

    // The root is re-rendered from the store (coalesced): it shows the verdict and the next step.
    const rootJson = await h.waitFor("the root to show the verdict", () => {
      const json = JSON.stringify(h?.slack.thread("C0ALERTS01", thread[0]?.ts ?? "")[0]?.blocks);
      return json.includes("Fix did not hold") ? json : null;
    });
    expect(rootJson).toContain(
      "Next step offered in the thread, waiting for approval: Raise the memory limit",
    );
    const timeline = await h.incidents.timeline(incidentId);
    const failed = timeline.find((e) => e.type === "verification_failed");
    expect(failed?.data).toMatchObject({
      action: "restart-pod",
      nextSteps: expect.arrayContaining([{ kind: "raise-memory-limit", proposalId: proposal?.id }]),
    });
  });
});
