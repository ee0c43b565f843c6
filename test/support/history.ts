// A realistic incident history for tests and the history benchmark: an RdevAPIHighMemory incident
// on three pods with ~17 timeline entries written the way the app and the worker write them
// (store, recording helpers): alerts with values, the thread, a diagnosis snapshot, a refused and
// an accepted approval, the job's steps, a passed verification, the alerts clearing.

import { DiagnosisData, ENTRY } from "@rdev/bot/history/entries.ts";
import {
  recordApproval,
  recordJobOutcome,
  recordRefusal,
  recordVerification,
} from "@rdev/bot/history/record.ts";
import type { DiagnosisSnapshot } from "@rdev/bot/history/snapshot.ts";
import type { Alert } from "@rdev/bot/intake/alertmanager.ts";
import { incidentKey } from "@rdev/bot/intake/incident-key.ts";
import type { Incident, TimelineEntry } from "@rdev/bot/intake/model.ts";
import type { IncidentRecord, IncidentStore } from "@rdev/bot/intake/store.ts";

const MI = 1024 ** 2;

/** The alert Prometheus sends for one pod (RdevAPIHighMemory, description with the value). */
export function memoryAlert(pod: string, percent: number, status: "firing" | "resolved" = "firing"): Alert {
  return {
    status,
    labels: {
      alertname: "RdevAPIHighMemory",
      namespace: "rdev",
      pod,
      container: "rdev-api",
      deployment: "rdev-api",
      severity: "warning",
    },
    annotations: {
      summary: "Memory usage exceeds 80% of limit",
      description: `rdev-api pod ${pod} uses ${percent}% of its memory limit.`,
      runbook_url:
        "https://gitea.example.com/rdev/rdev/src/branch/main/docs/operations/runbooks/high-memory.md",
    },
    startsAt: "2026-11-26T02:51:03.157Z",
    endsAt: status === "resolved" ? "2026-11-26T03:40:00Z" : "0001-01-01T00:00:00Z",
    generatorURL: "",
    fingerprint: `fp-${pod}`,
  };
}

export const PODS = ["rdev-api-7d9f8b6c5d-x2k4q", "rdev-api-7d9f8b6c5d-m8zlp", "rdev-api-7d9f8b6c5d-q7r2n"];

/** A diagnosis snapshot as toSnapshot makes it for an SSE leak on the first pod. */
export function sseLeakSnapshot(
  gatheredAt: string,
  worstPercent = 93.4,
  /** Real time taken (ms); default: the same as gatheredAt (the cluster's clock is real time). */
  at: number = Date.parse(gatheredAt),
): DiagnosisSnapshot {
  const pod = (i: number, percent: number, sse: number) => ({
    uid: `uid-${i}`,
    name: PODS[i] ?? `pod-${i}`,
    workingSetBytes: Math.round((percent / 100) * 512 * MI),
    percent,
    limitBytes: 512 * MI,
    restarts: i === 0 ? 2 : 0,
    metrics: { sse, commands: 12, heapInuse: 300 * MI, goroutines: 5200 + sse, outputBuffered: 2 * MI },
  });
  return {
    version: 1,
    gatheredAt,
    at,
    target: { namespace: "rdev", deployment: "rdev-api" },
    severity: "warning",
    thresholds: { warningPercent: 80, criticalPercent: 95 },
    headline: `Memory high on 1 of 3 pods: ${PODS[0]} at ${worstPercent}% of its 512Mi limit.`,
    peak: {
      pod: PODS[0] ?? "",
      percent: worstPercent,
      workingSetBytes: Math.round((worstPercent / 100) * 512 * MI),
      limitBytes: 512 * MI,
    },
    trend: "rising",
    cause: {
      id: "sse-leak",
      title: "SSE connection leak",
      confidence: "high",
      evidence: [
        `sse_connections_active 4,812 on ${PODS[0]} vs 310 on its peers`,
        "net/http.(*conn).serve holds 61% of the heap",
      ],
    },
    oomKills: 1,
    restarts: 2,
    heap: {
      pod: PODS[0] ?? "",
      totalInuseBytes: 310 * MI,
      top: [
        { function: "bufio.NewWriterSize", share: 0.41 },
        { function: "rdev/internal/sse.(*Stream).Send", share: 0.2 },
      ],
    },
    actions: [
      { kind: "raise-memory-limit", title: "Raise the memory limit of rdev/rdev-api to 768Mi" },
      { kind: "capture-heap-profile", title: `Capture a heap profile of ${PODS[0]}` },
    ],
    pods: [pod(0, worstPercent, 4812), pod(1, 61.2, 310), pod(2, 58.9, 305)],
    error: null,
  };
}

export type SeedClock = { now(): number; advance(ms: number): void };

/**
 * Writes one whole incident through the store and the recording helpers, advancing the clock as
 * the incident would. Returns its id. `resolved: false` stops before the alerts clear.
 */
export async function seedIncident(
  store: IncidentStore,
  clock: SeedClock,
  options: { resolved?: boolean; workload?: string } = {},
): Promise<string> {
  const minute = 60_000;
  const alert = (pod: string, percent: number, status: "firing" | "resolved" = "firing") => {
    const a = memoryAlert(pod, percent, status);
    return options.workload ? { ...a, labels: { ...a.labels, deployment: options.workload } } : a;
  };
  const first = alert(PODS[0] ?? "", 86.4);
  const key = incidentKey(first.labels);
  const opened = await store.openOrUpdate(key, first);
  const id = opened.incident?.id;
  if (!id) throw new Error("the seed incident did not open");
  await store.openOrUpdate(key, alert(PODS[1] ?? "", 83.1));
  await store.setRoot(id, { channel: "C0RDEVALRT", ts: `${Math.floor(clock.now() / 1000)}.000100` });
  clock.advance(minute);
  const snapshot = sseLeakSnapshot(new Date(clock.now()).toISOString());
  await store.appendTimeline(id, {
    type: ENTRY.diagnosis,
    by: "alertmanager",
    data: DiagnosisData.parse({ snapshot, requestedBy: "alertmanager", proposals: ["p-raise", "p-heap"] }),
  });
  clock.advance(2 * minute);
  await recordRefusal(store, {
    incidentId: id,
    proposalId: "p-raise",
    action: "raise-memory-limit",
    reason: "denied",
    message: "Only approvers may approve raise-memory-limit.",
    by: "U0DEVANNA1",
  });
  await recordApproval(store, {
    incidentId: id,
    proposalId: "p-raise",
    action: "raise-memory-limit",
    params: { memoryLimit: "768Mi" },
    jobId: "remediate-p-raise",
    by: "U0LEAD0001",
  });
  const job = { incidentId: id, proposalId: "p-raise", action: "raise-memory-limit" };
  await recordJobOutcome(store, { ...job, outcome: ENTRY.actionStarted });
  clock.advance(5000);
  await recordJobOutcome(store, {
    ...job,
    outcome: ENTRY.actionApplied,
    summary: "Patched rdev/rdev-api memory limit 512Mi → 768Mi",
    tookMs: 412,
  });
  clock.advance(2 * minute);
  await recordJobOutcome(store, { ...job, outcome: ENTRY.actionFinished, progress: "3/3 pods updated" });
  await store.appendTimeline(id, {
    type: ENTRY.verificationScheduled,
    by: "worker",
    data: { proposalId: "p-raise", inMs: 5 * minute },
  });
  clock.advance(6 * minute);
  await recordVerification(store, {
    ...job,
    passed: true,
    before: 93.4,
    after: 54.2,
    checks: [
      { id: "memory", ok: true, text: "worst pod 54.2% of its limit, below 80%" },
      { id: "oom", ok: true, text: "no OOMKilled since the action" },
    ],
  });
  if (options.resolved === false) return id;
  clock.advance(minute);
  await store.openOrUpdate(key, alert(PODS[0] ?? "", 54.0, "resolved"));
  await store.openOrUpdate(key, alert(PODS[1] ?? "", 52.0, "resolved"));
  await store.resolve(id, "alertmanager");
  return id;
}

/** The same incident as seedIncident writes, in memory: for pure tests (blocks, postmortem). */
export function realisticRecord(
  options: { resolved?: boolean; permalink?: string | null } = {},
): IncidentRecord {
  const t0 = Date.parse("2026-11-26T02:51:03Z");
  const m = (n: number) => t0 + n * 60_000;
  const resolved = options.resolved ?? true;
  const alertData = (pod: string, value: number | null) => ({ fingerprint: `fp-${pod}`, pod, value });
  const job = { proposalId: "p-raise", action: "raise-memory-limit" };
  const timeline: TimelineEntry[] = [
    { at: m(0), type: ENTRY.opened, by: "alertmanager", data: { key: "RdevAPIHighMemory/rdev/rdev-api" } },
    { at: m(0), type: ENTRY.alertFiring, by: "alertmanager", data: alertData(PODS[0] ?? "", 86.4) },
    { at: m(0.5), type: ENTRY.alertFiring, by: "alertmanager", data: alertData(PODS[1] ?? "", 83.1) },
    {
      at: m(0.6),
      type: ENTRY.rootPosted,
      by: "app",
      data: { channel: "C0RDEVALRT", ts: "1764125463.000100" },
    },
    {
      at: m(1),
      type: ENTRY.diagnosis,
      by: "alertmanager",
      data: DiagnosisData.parse({
        snapshot: sseLeakSnapshot(new Date(m(1)).toISOString()),
        requestedBy: "alertmanager",
        proposals: ["p-raise", "p-heap"],
      }),
    },
    {
      at: m(3),
      type: ENTRY.proposalRefused,
      by: "U0DEVANNA1",
      data: {
        proposalId: "p-raise",
        action: "raise-memory-limit",
        reason: "denied",
        message: "Only approvers may approve.",
      },
    },
    {
      at: m(4),
      type: ENTRY.proposalApproved,
      by: "U0LEAD0001",
      data: { ...job, params: { memoryLimit: "768Mi" }, jobId: "remediate-p-raise" },
    },
    { at: m(4.1), type: ENTRY.actionStarted, by: "worker", data: { ...job } },
    {
      at: m(4.2),
      type: ENTRY.actionApplied,
      by: "worker",
      data: { ...job, summary: "Patched rdev/rdev-api memory limit 512Mi → 768Mi", tookMs: 412 },
    },
    { at: m(6), type: ENTRY.actionFinished, by: "worker", data: { ...job, progress: "3/3 pods updated" } },
    {
      at: m(6),
      type: ENTRY.verificationScheduled,
      by: "worker",
      data: { proposalId: "p-raise", inMs: 300_000 },
    },
    {
      at: m(12),
      type: ENTRY.verificationPassed,
      by: "worker",
      data: {
        ...job,
        before: 93.4,
        after: 54.2,
        checks: [{ id: "memory", ok: true, text: "worst pod 54.2% of its limit, below 80%" }],
      },
    },
  ];
  if (resolved) {
    timeline.push(
      { at: m(13), type: ENTRY.alertResolved, by: "alertmanager", data: alertData(PODS[0] ?? "", 54) },
      { at: m(13), type: ENTRY.alertResolved, by: "alertmanager", data: alertData(PODS[1] ?? "", 52) },
      { at: m(13), type: ENTRY.resolved, by: "alertmanager" },
      {
        at: m(13.2),
        type: ENTRY.outcome,
        by: "worker",
        data: {
          kind: "action",
          proposalId: "p-raise",
          action: "raise-memory-limit",
          actionText: "Raise the memory limit to 768Mi",
          approvedBy: "U0LEAD0001",
          at: m(4.2),
          verification: "passed",
          notes: [],
        },
      },
    );
  }
  const incident: Incident = {
    id: "4f1d2c3b-5a6e-4f70-8b9c-0d1e2f3a4b5c",
    key: "RdevAPIHighMemory/rdev/rdev-api",
    alertName: "RdevAPIHighMemory",
    namespace: "rdev",
    workload: "rdev-api",
    status: resolved ? "resolved" : "open",
    severity: "warning",
    summary: "Memory usage exceeds 80% of limit",
    runbookUrl: "https://gitea.example.com/rdev/rdev/src/branch/main/docs/operations/runbooks/high-memory.md",
    createdAt: m(0),
    updatedAt: m(13),
    startsAt: t0,
    notifications: 4,
    alerts: [],
    firingCount: resolved ? 0 : 2,
    pods: [],
    firingPods: resolved ? 0 : 2,
    root: { channel: "C0RDEVALRT", ts: "1764125463.000100" },
    resolvedAt: resolved ? m(13) : null,
    resolvedBy: resolved ? "alertmanager" : null,
    reopened: 0,
    suppressed: false,
    alertsDropped: 0,
  };
  return {
    incident,
    timeline,
    permalink:
      options.permalink === undefined
        ? "https://rdev.slack.com/archives/C0RDEVALRT/p1764125463000100"
        : options.permalink,
  };
}
