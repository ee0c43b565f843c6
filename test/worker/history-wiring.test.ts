// The worker's diagnoses in the incident history: each one's snapshot goes on the incident timeline
// (peak memory %, likely cause) and is the baseline of the next one's trend, and the history view
// (`/rdev mem history`: loadHistory) sums the incident up from them. Also what a diagnose job
// shows on the worker's own /metrics: Kubernetes and Slack API calls, queue depth.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadWorkerConfig } from "@rdev/bot/config.ts";
import { parseEntry } from "@rdev/bot/history/entries.ts";
import { loadHistory } from "@rdev/bot/history/query.ts";
import type { DiagnosisSnapshot } from "@rdev/bot/history/snapshot.ts";
import type { ReplyTo } from "@rdev/bot/queue/jobs.ts";
import { startWorkerProcess, type WorkerProcess } from "@rdev/bot/worker/main.ts";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { has, scrapeUrl, value } from "../metrics/scrape.ts";
import { type Harness, readyPods, startHarness } from "./harness.ts";

let h: Harness | null = null;
let worker: WorkerProcess | null = null;
let dir: string | null = null;
afterEach(async () => {
  await worker?.stop(500).catch(() => {});
  worker?.disconnect();
  worker = null;
  await h?.close();
  h = null;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

const TARGET = { namespace: "rdev", deployment: "rdev-api" };

async function diagnose(harness: Harness, replyTo: ReplyTo, n: number) {
  const { jobId } = await harness.queues.enqueueDiagnose({
    requestId: `req-history-${n}`,
    target: TARGET,
    replyTo,
    requestedBy: "U0DEVANNA1",
    heapProfile: false,
    requestedAt: Date.now(),
  });
  const { job, state } = await harness.finished(jobId, harness.queues.diagnose);
  if (state !== "completed") throw new Error(`diagnose job ${state}: ${job.failedReason}`);
  return job;
}

/** The diagnosis snapshots on the incident's timeline, oldest first. */
async function snapshots(harness: Harness, incidentId: string): Promise<DiagnosisSnapshot[]> {
  return (await harness.incidents.timeline(incidentId))
    .map(parseEntry)
    .flatMap((e) => (e.type === "diagnosis" ? [e.data.snapshot] : []));
}

/** The simulator's leaking pod's memory in % of its limit (the highest of the pods). */
function leakPercent(harness: Harness): number {
  const percents = harness.sim
    .pods()
    .map((p) => ((p.memoryBytes ?? 0) / (p.memoryLimitBytes ?? Number.POSITIVE_INFINITY)) * 100);
  return Math.max(0, ...percents);
}

describe("diagnoses in the incident history", () => {
  it("record peak and cause on the timeline; the next diagnosis' trend compares with the stored one", async () => {
    h = await startHarness({ speed: 60, sim: { scenario: "sse-leak" } });
    const harness = h;
    await h.waitFor("the leaking pod above 65%", () => leakPercent(harness) > 65);
    const { incidentId, replyTo } = await h.openIncident();

    await diagnose(h, replyTo, 1);
    const [first] = await snapshots(h, incidentId);
    expect(first?.peak?.percent).toBeGreaterThan(60);
    // No earlier snapshot of this incident or workload: nothing to compare with.
    expect(first?.trend).toBeNull();
    expect(await h.worker?.deps.snapshots.latest(TARGET)).toEqual(first);

    // Cluster time passes and the leak grows (well before the OOM kill at ~95%).
    const base = first?.peak?.percent ?? 0;
    await h.waitFor("the leak to grow 12 points", () => leakPercent(harness) > base + 12);
    await diagnose(h, replyTo, 2);

    const both = await snapshots(h, incidentId);
    expect(both).toHaveLength(2);
    const second = both[1];
    expect(Date.parse(second?.gatheredAt ?? "")).toBeGreaterThan(Date.parse(first?.gatheredAt ?? ""));
    expect(second?.peak?.percent).toBeGreaterThan(base);
    expect(second?.trend).toBe("rising");
    expect(second?.cause).toMatchObject({ id: expect.any(String), evidence: expect.any(Array) });
    const entries = (await h.incidents.timeline(incidentId)).filter((e) => e.type === "diagnosis");
    expect(entries.map((e) => e.data?.requestId)).toEqual(["req-history-1", "req-history-2"]);
    // The worker's older summary entry is no longer written.
    expect((await h.incidents.timeline(incidentId)).some((e) => e.type === "diagnosis_posted")).toBe(false);

    // What `/rdev mem history` shows: the incident with its peak % and likely cause.
    const history = await loadHistory({ incidents: h.incidents, now: Date.now }, { limit: 10, days: 1 });
    const summary = history.find((s) => s.id === incidentId);
    expect(summary).toMatchObject({ diagnoses: 2, cause: second?.cause });
    // The peak over the incident's alert (the fixture's own value) and both diagnoses.
    expect(summary?.peakPercent).toBeGreaterThanOrEqual(second?.peak?.percent ?? Number.NaN);
    expect(summary?.latest).toEqual(second);
  });
});

describe("the worker's /metrics after a diagnose job", () => {
  it("counts Kubernetes and Slack API calls with their labels, and reads the queues", async () => {
    h = await startHarness({ worker: false });
    await readyPods(h);
    // The worker connects to the cluster itself (KUBECONFIG), so its requests are counted.
    dir = await mkdtemp(join(tmpdir(), "rdev-worker-metrics-"));
    const kubeconfig = join(dir, "kubeconfig.yaml");
    await writeFile(kubeconfig, h.sim.kubeconfig());
    worker = await startWorkerProcess(loadWorkerConfig({ ...h.env, KUBECONFIG: kubeconfig }), {
      logger: pino({ level: "silent" }),
    });
    const url = `${worker.server.url}/metrics`;
    const before = await scrapeUrl(url);
    expect(value(before, "rdev_worker_kube_api_requests_total", { verb: "list", resource: "pods" })).toBe(0);

    const { replyTo } = await h.openIncident();
    await diagnose(h, replyTo, 1);

    const after = await scrapeUrl(url);
    const kube = { verb: "list", resource: "pods", code: "200" };
    expect(value(after, "rdev_worker_kube_api_requests_total", kube)).toBeGreaterThan(0);
    expect(
      value(after, "rdev_worker_kube_api_request_seconds_count", { verb: "list", resource: "pods" }),
    ).toBeGreaterThan(0);
    expect(
      value(after, "rdev_worker_kube_api_requests_total", {
        verb: "list",
        resource: "pods.metrics.k8s.io",
        code: "200",
      }),
    ).toBeGreaterThan(0);
    expect(
      value(after, "rdev_worker_slack_api_calls_total", { method: "chat.postMessage", result: "ok" }),
    ).toBeGreaterThan(
      value(before, "rdev_worker_slack_api_calls_total", { method: "chat.postMessage", result: "ok" }),
    );
    expect(value(after, "rdev_worker_slack_api_rate_limited_total", { method: "chat.postMessage" })).toBe(0);
    for (const queue of ["rdev-diagnose", "rdev-remediate", "rdev-verify"]) {
      expect(has(after, "rdev_worker_queue_jobs", { queue, state: "waiting" })).toBe(true);
      expect(has(after, "rdev_worker_queue_oldest_waiting_seconds", { queue })).toBe(true);
    }
    expect(value(after, "rdev_worker_queue_jobs", { queue: "rdev-diagnose", state: "completed" })).toBe(0);
  });
});
