// The log and Traefik evidence of runDiagnosis on the simulator, through the real client: per
// scenario what the logs say and what that does to the ranking (the same cluster diagnosed with
// and without log reads), the OOM-killed container's last lines, the Traefik finding with and
// without timeouts (and without CRDs, or forbidden), and the thread staying within Slack's limits.

import { ManualClock } from "@rdev/bot/clock.ts";
import { loadConfig } from "@rdev/bot/config.ts";
import { type Diagnosis, renderText, runDiagnosis } from "@rdev/bot/diagnose/index.ts";
import { createCluster, kubeConfigFromString } from "@rdev/bot/k8s/index.ts";
import { diagnosisBlocks } from "@rdev/bot/render/blocks/diagnosis.ts";
import { slackLimitViolations } from "@rdev/bot/render/blocks/limits.ts";
import { highMemoryRunbook } from "@rdev/bot/runbooks/high-memory/index.ts";
import { type Simulator, type SimulatorOptions, startSimulator } from "@rdev/kube-sim/index.ts";
import { afterEach, describe, expect, it } from "vitest";

const MINUTE = 60_000;
let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(minutes: number, options: SimulatorOptions) {
  const clock = new ManualClock();
  sim = await startSimulator({ ...options, clock });
  sim.advance(minutes * MINUTE);
  const cluster = createCluster(kubeConfigFromString(sim.kubeconfig()));
  const diagnose = async (env: Record<string, string> = {}) =>
    (await runDiagnosis({ cluster, clock }, { runbook: highMemoryRunbook(loadConfig(env)) })).diagnosis;
  return { sim, diagnose };
}

const score = (d: Diagnosis, id: string) => d.causes.find((c) => c.id === id)?.score ?? 0;
const logEvidence = (d: Diagnosis, id: string) =>
  d.causes.find((c) => c.id === id)?.evidence.filter((e) => e.kind === "log") ?? [];

function withinSlack(d: Diagnosis) {
  const message = diagnosisBlocks(d);
  expect(slackLimitViolations(message)).toEqual([]);
  return JSON.stringify(message.blocks);
}

describe("log evidence per scenario, 9 minutes in (the same cluster with and without log reads)", () => {
  it("sse-leak: the stuck connections match sse_connections_active and strengthen the SSE leak", async () => {
    const { diagnose, sim } = await start(9, { scenario: "sse-leak" });
    const withLogs = await diagnose();
    const without = await diagnose({ DIAG_LOG_PODS: "0" });
    expect(without.logs).toBeNull();
    expect(without.apiCalls.log).toBe(0);
    expect(withLogs.apiCalls.log).toBe(2);
    const leaking = sim.pods().find((p) => p.podIndex === 0)?.name ?? "";
    const pod = withLogs.logs?.pods.find((p) => p.pod === leaking);
    expect(pod?.window?.fromStart).toBe(true);
    expect(pod?.sse?.stuckClients.map((c) => c.client).sort()).toEqual([
      "203.0.113.45",
      "203.0.113.46",
      "203.0.113.47",
    ]);
    expect(pod?.sse?.stuckClients[0]?.userAgent).toBe("rdev-cli/0.9.2");
    const gauge = withLogs.pods.find((p) => p.name === leaking)?.probe?.metrics?.sse ?? 0;
    expect(Math.abs((pod?.sse?.stuck ?? 0) - (gauge - 312)) / gauge).toBeLessThan(0.05);
    const [e] = logEvidence(withLogs, "sse-leak");
    expect(e?.text).toMatch(
      /SSE connections opened and never closed since the container started by 3 client\(s\)/,
    );
    expect(e?.text).toMatch(/they account for \d+(\.\d)?% of sse_connections_active/);
    expect(e?.points).toBe(0.25);
    expect(withLogs.causes[0]?.id).toBe("sse-leak");
    expect(score(withLogs, "sse-leak")).toBeGreaterThanOrEqual(score(without, "sse-leak"));
    expect(logEvidence(without, "sse-leak")).toEqual([]);
    // The advice carries what was read, not "run this by hand".
    const advice = withLogs.actions.find((a) => a.id === "advice:sse-leak");
    expect(advice?.kind === "advice" && advice.params.evidence?.[0]).toMatch(/^Stuck connections on /);
    expect(
      advice?.kind === "advice" && advice.params.steps.some((s) => s.startsWith("Check for stuck")),
    ).toBe(false);
    const blocks = withinSlack(withLogs);
    expect(blocks).toContain("kubectl equivalent (already read)");
  });

  it("large-output: the runaway commands are named by output lines; the cause gains the evidence", async () => {
    const { diagnose } = await start(9, { scenario: "large-output" });
    const withLogs = await diagnose();
    const without = await diagnose({ DIAG_LOG_PODS: "0" });
    const [e] = logEvidence(withLogs, "large-output");
    expect(e?.text).toMatch(
      /runaway command\(s\) still writing: cmd-[0-9a-f]{8} \(.+\): [\d,]+ output lines, running \d+m/,
    );
    expect(e?.text).toContain("none finished in the window");
    expect(score(withLogs, "large-output")).toBeGreaterThan(score(without, "large-output"));
    const runaway = withLogs.logs?.pods[0]?.commands?.runaway ?? [];
    expect(runaway.length).toBeGreaterThanOrEqual(4);
    for (const c of runaway) expect(c.lines).toBeGreaterThan(200_000);
    withinSlack(withLogs);
  });

  it("many-commands: hundreds of commands running at once support the cause", async () => {
    const { diagnose } = await start(9, { scenario: "many-commands" });
    const d = await diagnose();
    const [e] = logEvidence(d, "many-commands");
    expect(e?.text).toMatch(/[\d,]+ commands running at once \(started, not finished\)/);
    expect(e?.points).toBe(0.1);
    expect(d.causes[0]?.id).toBe("many-commands");
    expect(d.logs?.pods[0]?.commands?.runaway).toEqual([]);
    withinSlack(d);
  });

  it.each(["cache-growth", "steady"] as const)(
    "%s: the logs add no evidence to any cause",
    async (scenario) => {
      const { diagnose } = await start(9, { scenario });
      const d = await diagnose();
      expect(d.causes.flatMap((c) => c.evidence).filter((e) => e.kind === "log")).toEqual([]);
      for (const p of d.logs?.pods ?? []) {
        expect(p.sse?.stuck).toBe(0);
        expect(p.commands?.runaway).toEqual([]);
      }
    },
  );

  it("a tight limitBytes: one more read of the newest lines that fit, and the note says how far back it saw", async () => {
    const { diagnose, sim: s } = await start(9, { scenario: "sse-leak" });
    const d = await diagnose({ DIAG_LOG_LIMIT_BYTES: "64Ki" });
    expect(d.apiCalls.log).toBe(4);
    for (const p of d.logs?.pods ?? []) {
      expect(p.window?.cutBy).toBe("tailLines");
      expect(p.window?.bytes).toBeLessThanOrEqual(65536);
      // The newest lines, not the oldest: the window ends now.
      expect(Date.parse(p.window?.toAt ?? "")).toBeGreaterThan(s.clock.now() - 5_000);
    }
    expect(d.notes.find((n) => n.source === "logs")?.message).toMatch(
      /cut by tailLines \(DIAG_LOG_TAIL_LINES=20,000, DIAG_LOG_LIMIT_BYTES=64(\.0)?Ki\)/,
    );
  });
});

describe("the OOM-killed container", () => {
  it("after an OOM kill: the previous container's last lines, in the text and the thread", async () => {
    const { diagnose, sim } = await start(14, { scenario: "sse-leak" });
    const d = await diagnose();
    const oomed = sim.pods().find((p) => p.restartCount > 0);
    const report = d.logs?.pods.find((p) => p.pod === oomed?.name);
    expect(report?.previous?.reason).toBe("OOMKilled");
    expect(report?.previous?.lastLines).toHaveLength(20);
    const killedAt = oomed?.containers[0]?.lastTerminatedAtMs ?? 0;
    expect(Date.parse(report?.previous?.finishedAt ?? "")).toBe(Math.floor(killedAt / 1000) * 1000);
    // The dead container's last words: the stuck clients still opening streams.
    const stuck = report?.previous?.lastLines.filter((l) =>
      /msg="SSE connection opened" .*client=203\.0\.113\./.test(l),
    );
    expect(stuck?.length).toBeGreaterThan(10);
    for (const l of report?.previous?.lastLines ?? []) {
      expect(Date.parse(/^time=(\S+)/.exec(l)?.[1] ?? "")).toBeLessThanOrEqual(killedAt);
    }
    const blocks = withinSlack(d);
    expect(blocks).toContain(`Last lines of ${oomed?.name}'s container before it was OOMKilled`);
    expect(renderText(d)).toContain(`Last lines of ${oomed?.name}'s container before it was OOMKilled`);
  });
});

describe("Traefik, read not guessed", () => {
  it("crd (timeouts off): idle connections live forever; the fix names the ServersTransport field, with YAML", async () => {
    const { diagnose } = await start(9, { scenario: "sse-leak", traefik: "crd" });
    const d = await diagnose();
    const t = d.traefik;
    expect(t?.status).toBe("read");
    expect(t?.ssePath).toBe("/api/v1/events");
    const sse = t?.routes.filter((r) => r.carriesSse);
    expect(sse?.map((r) => r.rule)).toEqual(["Host(`rdev.example.com`) && PathPrefix(`/api/v1/events`)"]);
    expect(sse?.[0]?.timeouts).toContainEqual(
      expect.objectContaining({ field: "idleConnTimeout", value: "0s", source: "set" }),
    );
    expect(t?.idleConnectionsForever).toBe(true);
    expect(t?.verdict).toContain("Stuck SSE connections can live forever");
    expect(t?.fixes.map((f) => `${f.object} ${f.field} ${f.value}`)).toEqual([
      "ServersTransport rdev/rdev-api-sse spec.forwardingTimeouts.idleConnTimeout 90s",
      "Traefik static configuration, entry point websecure entryPoints.websecure.transport.respondingTimeouts.writeTimeout 10m",
    ]);
    expect(t?.fixes[0]?.yaml).toBe(
      [
        "apiVersion: traefik.io/v1alpha1",
        "kind: ServersTransport",
        "metadata:",
        "  name: rdev-api-sse",
        "  namespace: rdev",
        "spec:",
        "  forwardingTimeouts:",
        "    responseHeaderTimeout: 30s",
        "    idleConnTimeout: 90s",
      ].join("\n"),
    );
    const advice = d.actions.find((a) => a.id === "advice:sse-leak");
    expect(advice?.kind === "advice" && advice.params.manifests?.length).toBe(2);
    const blocks = withinSlack(d);
    expect(blocks).toContain("kind: ServersTransport");
    expect(renderText(d)).toContain("entryPoints.websecure.transport.respondingTimeouts.writeTimeout");
  });

  it("crd-timeouts: the timeouts shown, idle connections close, streams still unbounded: only the entry point fix", async () => {
    const { diagnose } = await start(9, { scenario: "sse-leak", traefik: "crd-timeouts" });
    const t = (await diagnose()).traefik;
    const route = t?.routes.find((r) => r.carriesSse);
    expect(route?.timeouts.map((x) => `${x.field}=${x.value}/${x.source}`)).toEqual([
      "dialTimeout=5s/set",
      "responseHeaderTimeout=30s/set",
      "idleConnTimeout=90s/set",
    ]);
    expect(t?.idleConnectionsForever).toBe(false);
    expect(t?.streamsUnbounded).toBe(true);
    expect(t?.fixes.map((f) => f.field)).toEqual([
      "entryPoints.websecure.transport.respondingTimeouts.writeTimeout",
    ]);
  });

  it("ingress: the Ingress route with Traefik's default transport; the missing CRDs are a note", async () => {
    const { diagnose } = await start(2, { traefik: "ingress" });
    const d = await diagnose();
    expect(d.traefik?.routes).toEqual([
      expect.objectContaining({
        kind: "Ingress",
        name: "rdev-api",
        entryPoints: ["websecure"],
        transport: null,
      }),
    ]);
    expect(d.traefik?.idleConnectionsForever).toBe(false);
    expect(d.notes.filter((n) => n.source === "traefik").map((n) => n.message)).toContain(
      "IngressRoutes (traefik.io): not served by this cluster (Traefik's CRDs are not installed).",
    );
  });

  it("none: no route to the workload; forbidden: a note saying which RBAC to grant", async () => {
    const first = await start(2, { traefik: "none" });
    expect((await first.diagnose()).traefik).toMatchObject({ status: "no-routes", fixes: [] });
    await sim?.close();
    const { sim: s, diagnose } = await start(2, { traefik: "crd" });
    s.faults.add({ path: /traefik\.io/, status: 403 });
    s.faults.add({ path: /\/ingresses$/, status: 403 });
    const d = await diagnose();
    expect(d.traefik?.status).toBe("unavailable");
    expect(d.notes.filter((n) => n.source === "traefik").map((n) => n.message)).toEqual([
      'Ingresses: forbidden; grant list on "ingresses" (networking.k8s.io) in the worker\'s Role (manifests/base/rbac.yaml).',
      'IngressRoutes (traefik.io): forbidden; grant list on "ingressroutes" (traefik.io) in the worker\'s Role (manifests/base/rbac.yaml).',
      'ServersTransports (traefik.io): forbidden; grant list on "serverstransports" (traefik.io) in the worker\'s Role (manifests/base/rbac.yaml).',
    ]);
    expect(d.severity).not.toBe("unknown");
  });

  it("pods/log forbidden: the diagnosis runs on, with a note", async () => {
    const { sim: s, diagnose } = await start(9, { scenario: "sse-leak" });
    s.faults.add({ path: /\/log$/, status: 403 });
    const d = await diagnose();
    expect(d.causes[0]?.id).toBe("sse-leak");
    expect(d.notes.find((n) => n.source === "logs")?.message).toMatch(
      /Logs not read for .*HTTP 403 forbidden.*needs "get" on "pods\/log"/,
    );
    withinSlack(d);
  });
});
