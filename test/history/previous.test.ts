// previousSnapshot / previousDiagnosis in real Redis: the incident's latest stored diagnosis, else
// the workload's latest, only when recent; failed diagnoses are never a baseline; recordDiagnosis
// copes with an incident that expired.

import { ManualClock } from "@rdev/bot/clock.ts";
import { loadConfig } from "@rdev/bot/config.ts";
import { runDiagnosis } from "@rdev/bot/diagnose/index.ts";
import type { Diagnosis } from "@rdev/bot/diagnose/types.ts";
import { previousDiagnosis, previousSnapshot } from "@rdev/bot/history/previous.ts";
import { recordDiagnosis } from "@rdev/bot/history/record.ts";
import { toSnapshot } from "@rdev/bot/history/snapshot.ts";
import { createSnapshotStore } from "@rdev/bot/history/snapshots.ts";
import { incidentKey } from "@rdev/bot/intake/incident-key.ts";
import { createIncidentStore } from "@rdev/bot/intake/store.ts";
import { createCluster, kubeConfigFromString } from "@rdev/bot/k8s/index.ts";
import { createRedis, waitUntilReady } from "@rdev/bot/redis.ts";
import { highMemoryRunbook } from "@rdev/bot/runbooks/high-memory/index.ts";
import { startSimulator } from "@rdev/kube-sim/index.ts";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryAlert, PODS } from "../support/history.ts";
import { startRedis, type TestRedis } from "../support/redis.ts";

const TARGET = { namespace: "rdev", deployment: "rdev-api" };
const HOUR = 3_600_000;
let server: TestRedis;
let redis: Redis;
let diagnosis: Diagnosis;
let counter = 0;

beforeAll(async () => {
  server = await startRedis();
  redis = createRedis(server.url, { role: "producer" });
  await waitUntilReady(redis);
  const clock = new ManualClock();
  const sim = await startSimulator({ scenario: "sse-leak", replicas: 3, clock, port: 0 });
  sim.advance(6 * 60_000);
  const cluster = createCluster(kubeConfigFromString(sim.kubeconfig()));
  diagnosis = (await runDiagnosis({ cluster, clock }, { runbook: highMemoryRunbook(loadConfig({})) }))
    .diagnosis;
  await sim.close();
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

function setup() {
  const prefix = `prev-${++counter}`;
  const clock = new ManualClock(Date.parse(diagnosis.gatheredAt));
  const incidents = createIncidentStore({ redis, prefix, now: () => clock.now() });
  const snapshots = createSnapshotStore({ redis, prefix, retentionMs: 90 * 24 * HOUR });
  return { prefix, clock, incidents, snapshots, deps: { incidents, snapshots, now: () => clock.now() } };
}

const at = (d: Diagnosis, ms: number): Diagnosis => ({ ...d, gatheredAt: new Date(ms).toISOString() });

describe("previousSnapshot", () => {
  it("prefers the incident's latest diagnosis, else the workload's latest", async () => {
    const { clock, incidents, snapshots, deps } = setup();
    const alert = memoryAlert(PODS[0] ?? "", 90);
    const id = (await incidents.openOrUpdate(incidentKey(alert.labels), alert)).incident?.id ?? "";
    const t0 = clock.now();
    await recordDiagnosis(
      { incidents, snapshots },
      { incidentId: id, diagnosis: at(diagnosis, t0), proposalIds: ["p1"] },
    );
    // A later status check outside the incident becomes the workload's latest.
    await recordDiagnosis(
      { incidents, snapshots },
      { incidentId: null, diagnosis: at(diagnosis, t0 + 60_000) },
    );
    clock.advance(120_000);
    expect((await previousSnapshot(deps, { incidentId: id, target: TARGET }))?.gatheredAt).toBe(
      new Date(t0).toISOString(),
    );
    expect((await previousSnapshot(deps, { target: TARGET }))?.gatheredAt).toBe(
      new Date(t0 + 60_000).toISOString(),
    );
    expect(await previousSnapshot(deps, { target: { namespace: "rdev", deployment: "other" } })).toBeNull();
    // In the shape runDiagnosis takes: pods with their memory and /metrics gauges.
    const previous = await previousDiagnosis(deps, { incidentId: id });
    expect(previous?.pods.map((p) => p.uid)).toEqual(diagnosis.pods.map((p) => p.uid));
    expect(previous?.pods[0]?.probe?.metrics?.sse).toBe(diagnosis.pods[0]?.probe?.metrics?.sse);
  });

  it("ignores snapshots older than maxAgeMs", async () => {
    const { clock, incidents, snapshots, deps } = setup();
    await recordDiagnosis(
      { incidents, snapshots },
      { incidentId: null, diagnosis: at(diagnosis, clock.now()) },
    );
    clock.advance(7 * HOUR);
    expect(await previousSnapshot(deps, { target: TARGET })).toBeNull();
    expect(await previousSnapshot(deps, { target: TARGET }, { maxAgeMs: 8 * HOUR })).not.toBeNull();
  });

  it("never takes a failed diagnosis as the baseline", async () => {
    const { clock, incidents, snapshots, deps } = setup();
    const alert = memoryAlert(PODS[0] ?? "", 90);
    const id = (await incidents.openOrUpdate(incidentKey(alert.labels), alert)).incident?.id ?? "";
    const good = at(diagnosis, clock.now());
    await recordDiagnosis({ incidents, snapshots }, { incidentId: id, diagnosis: good });
    clock.advance(60_000);
    const failed: Diagnosis = {
      ...at(diagnosis, clock.now()),
      pods: [],
      error: { code: "forbidden", message: "cannot list pods" },
    };
    await recordDiagnosis({ incidents, snapshots }, { incidentId: id, diagnosis: failed });
    expect((await previousSnapshot(deps, { incidentId: id }))?.gatheredAt).toBe(good.gatheredAt);
    expect((await previousSnapshot(deps, { target: TARGET }))?.gatheredAt).toBe(good.gatheredAt);
    // The failure is on the timeline all the same.
    expect((await incidents.timeline(id)).filter((e) => e.type === "diagnosis")).toHaveLength(2);
  });

  it("keeps the newer of two snapshots when a slow diagnosis finishes last", async () => {
    const { prefix, clock, snapshots } = setup();
    const t = clock.now();
    expect(await snapshots.saveLatest(toSnapshot(at(diagnosis, t + 1000)))).toBe(true);
    expect(await snapshots.saveLatest(toSnapshot(at(diagnosis, t)))).toBe(false);
    expect((await snapshots.latest(TARGET))?.gatheredAt).toBe(new Date(t + 1000).toISOString());
    const ttl = await redis.pttl(`${prefix}:diagnosis:latest:rdev/rdev-api`);
    expect(ttl).toBeGreaterThan(89 * 24 * HOUR);
  });

  it("records nothing, and does not throw, for an incident that expired", async () => {
    const { incidents, snapshots, deps } = setup();
    const snapshot = await recordDiagnosis(
      { incidents, snapshots },
      { incidentId: "expired-incident", diagnosis: at(diagnosis, deps.now()) },
    );
    expect(snapshot.target).toEqual(TARGET);
    expect(await previousSnapshot(deps, { incidentId: "expired-incident" })).toBeNull();
  });
});
