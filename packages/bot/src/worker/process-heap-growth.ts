// Heap growth before the kill (diagnose queue, job name "heap-growth"): two heap profiles of a
// climbing pod through the pod proxy, `spacingMs` of cluster time apart (a delayed step, never a
// sleep), then what grew between them, posted in the thread with both profiles attached. Bounded:
// one capture in flight per pod and a minimum interval (the lease taken when it was scheduled), a
// short proxy timeout, and no capture at all when the pod proxy is slow or the pod was replaced.
import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { formatBytes, formatDuration } from "../diagnose/format.ts";
import { heapGrowth, type SiteBytes, sitesOf } from "../diagnose/heap-diff.ts";
import { summariseHeapProfile } from "../diagnose/pprof.ts";
import { HeapGrowthJob } from "../queue/jobs.ts";
import { code, escapeMrkdwn } from "../render/blocks/escape.ts";
import type { WorkerDeps } from "./deps.ts";
import { delayRun, failStep } from "./failures.ts";
import { parseJobData } from "./job-state.ts";
import { post, uploadFile } from "./thread.ts";

const SiteBytesSchema = z.object({
  function: z.string(),
  file: z.string().nullable(),
  inuseBytes: z.number(),
});
const HeapGrowthData = HeapGrowthJob.extend({
  first: z
    .object({ at: z.number(), total: z.number(), sites: z.array(SiteBytesSchema) })
    .nullable()
    .default(null),
  done: z.boolean().default(false),
});
type HeapGrowthData = z.infer<typeof HeapGrowthData>;

/** Sites kept between the captures (a profile has a few hundred; the growth is in the top ones). */
const SITES_KEPT = 200;

type Capture =
  | { ok: true; bytes: Buffer; total: number; sites: SiteBytes[]; tookMs: number }
  | { ok: false; why: string };

async function capture(deps: WorkerDeps, data: HeapGrowthData): Promise<Capture> {
  const { namespace, port, pprofPath, selector } = deps.runbook.target;
  const pods = await deps.cluster.listPods(namespace, selector);
  if (!pods.some((p) => p.uid === data.podUid))
    return {
      ok: false,
      why: `${data.pod} is gone (killed or replaced), so there is no second profile to compare`,
    };
  const started = deps.realNow();
  const res = await deps.cluster.proxyGet(namespace, data.pod, port, pprofPath, {
    timeoutMs: deps.config.heapCaptureTimeoutMs,
    maxBytes: 16 * 1024 * 1024,
  });
  const tookMs = deps.realNow() - started;
  if (res.status !== 200) return { ok: false, why: `the pod proxy answered ${res.status} for ${pprofPath}` };
  const summary = summariseHeapProfile(res.body, { top: SITES_KEPT });
  return { ok: true, bytes: res.body, total: summary.totalInuseBytes, sites: sitesOf(summary), tookMs };
}

/** The growth message: which allocation sites grew, by how much, as a share of the growth. Pure. */
export function heapGrowthText(pod: string, spacing: string, growth: ReturnType<typeof heapGrowth>): string {
  const lines = growth.sites
    .slice(0, 6)
    .map(
      (s) =>
        `• ${code(s.function)}: +${formatBytes(s.growthBytes)} (${Math.round(s.shareOfGrowth * 100)}% of the growth; ${formatBytes(s.beforeBytes)} → ${formatBytes(s.inuseBytes)})`,
    );
  const head = `:chart_with_upwards_trend: *Heap growth of ${code(pod)}* over ${escapeMrkdwn(spacing)}: in use ${formatBytes(growth.beforeBytes)} → ${formatBytes(growth.afterBytes)}.`;
  if (lines.length === 0)
    return `${head} No allocation site grew: the climb is not on the Go heap (goroutine stacks, cgo, page cache?).`;
  return `${head} What grew, most first (both profiles attached; \`go tool pprof -base first.pb.gz second.pb.gz\` shows the same):\n${lines.join("\n")}`;
}

export async function processHeapGrowth(deps: WorkerDeps, job: Job, token?: string): Promise<unknown> {
  const parsed = parseJobData(HeapGrowthData, job.data);
  if (!parsed.ok) throw new UnrecoverableError(parsed.error);
  let data = parsed.data;
  const log = deps.logger.child({ jobId: job.id, pod: data.pod });
  const save = async (patch: Partial<HeapGrowthData>) => {
    data = { ...data, ...patch };
    await job.updateData(data);
  };
  try {
    if (data.done) return { status: "done" };
    const taken = await capture(deps, data);
    if (!taken.ok) {
      await post(deps, data.replyTo, {
        text: `:information_source: Heap growth of ${data.pod} not measured: ${taken.why}.`,
        blocks: [],
      });
      await save({ done: true });
      return { status: "skipped", why: taken.why };
    }
    if (taken.tookMs > deps.config.heapCaptureSlowMs) {
      // A slow proxy is not loaded further: the evidence is not worth slowing the pod down.
      await post(deps, data.replyTo, {
        text: `:information_source: Heap growth of ${data.pod} not measured: the pod proxy took ${formatDuration(taken.tookMs)} for one profile.`,
        blocks: [],
      });
      await save({ done: true });
      return { status: "skipped", why: "slow proxy" };
    }
    const n = data.first ? 2 : 1;
    await uploadFile(deps, data.replyTo, {
      name: `heap-${data.pod}-${n === 1 ? "first" : "second"}.pb.gz`,
      title: `Heap profile ${n} of 2 of ${data.pod}`,
      bytes: taken.bytes,
      comment: `Heap profile ${n} of 2 of ${data.pod}, for the growth between them.`,
    });
    if (!data.first) {
      await save({ first: { at: deps.now(), total: taken.total, sites: taken.sites } });
      return await delayRun(job, token, deps.realDelay(data.spacingMs));
    }
    const growth = heapGrowth(data.first, { total: taken.total, sites: taken.sites });
    const spacing = formatDuration(deps.now() - data.first.at);
    const text = heapGrowthText(data.pod, spacing, growth);
    await post(deps, data.replyTo, {
      text,
      blocks: [{ type: "section", text: { type: "mrkdwn", text: text.slice(0, 3000) } }],
    });
    await save({ done: true });
    log.info({ grown: growth.grownBytes, top: growth.sites[0]?.function }, "heap growth posted");
    return { status: "posted", top: growth.sites[0]?.function ?? null };
  } catch (error) {
    return await failStep(deps, log, { job, token }, error, "heap growth job failed");
  }
}
