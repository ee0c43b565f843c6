// Runbook "Check heap profile": fetches the pod's Go heap profile through the API server's pod proxy
// (what `kubectl exec ... curl localhost:8080/debug/pprof/heap` gets), summarises it like
// `go tool pprof -top`, and hands the bytes to the worker to attach to the thread. Read-only.
import { PprofError, summariseHeapProfile } from "../../diagnose/pprof.ts";
import { heapProfileCommand } from "./kubectl.ts";
import {
  type ActionJob,
  ActionRefused,
  type ActionSettings,
  type ExecuteContext,
  type Outcome,
  type PlanResult,
  type RemediationAction,
} from "./types.ts";

const MAX_PROFILE_BYTES = 64 * 1024 * 1024;

export function planCaptureHeapProfile(job: ActionJob, settings: ActionSettings): PlanResult {
  const pod = job.params.pod;
  if (!pod) return { ok: false, reason: "the job names no pod to profile" };
  const { port, pprofPath } = settings.target;
  return {
    ok: true,
    plan: {
      kind: "capture-heap-profile",
      summary: `Capture the Go heap profile of ${pod} (${pprofPath} on port ${port}) and attach it here with a summary.`,
      kubectl: heapProfileCommand(job.target.namespace, pod, port, pprofPath),
      mechanism: null,
      mutates: false,
      rollsPods: false,
    },
  };
}

export async function executeCaptureHeapProfile(ctx: ExecuteContext): Promise<Outcome> {
  const pod = ctx.job.params.pod ?? "";
  const uid = ctx.job.params.podUid;
  const ns = ctx.job.target.namespace;
  const { port, pprofPath, selector } = ctx.settings.target;
  const options = ctx.signal ? { signal: ctx.signal } : {};
  const current = (await ctx.cluster.listPods(ns, selector, options)).find((p) => p.name === pod);
  if (!current || (uid && current.uid !== uid)) {
    throw new ActionRefused(
      "pod_gone",
      `${pod}${uid ? ` (uid ${uid})` : ""} no longer exists, so its heap cannot be profiled; ask for a fresh diagnosis and profile the pod that is high now.`,
    );
  }
  const res = await ctx.cluster.proxyGet(ns, pod, port, pprofPath, {
    ...options,
    maxBytes: MAX_PROFILE_BYTES,
  });
  if (res.status === 404) {
    throw new ActionRefused(
      "no_pprof",
      `${pod} answered 404 for ${pprofPath}: it does not serve net/http/pprof there (RDEV_PPROF_PATH).`,
    );
  }
  if (res.status !== 200) throw new Error(`${pod} answered HTTP ${res.status} for ${pprofPath}`);
  let summary: ReturnType<typeof summariseHeapProfile>;
  try {
    summary = summariseHeapProfile(res.body, { top: 10 });
  } catch (error) {
    if (error instanceof PprofError) throw new ActionRefused(`pprof_${error.code}`, error.message);
    throw error;
  }
  const name = `heap-${pod}.pb.gz`;
  return {
    status: "applied",
    summary: `Captured the heap profile of ${pod} (${res.body.length} bytes).`,
    details: { pod, uid: current.uid, bytes: res.body.length, inuseBytes: summary.totalInuseBytes },
    file: { name, title: `Heap profile of ${pod}`, bytes: res.body, summary },
  };
}

export const captureHeapProfile: RemediationAction = {
  kind: "capture-heap-profile",
  plan: planCaptureHeapProfile,
  execute: executeCaptureHeapProfile,
  verify: async () => ({ done: true, summary: "read-only: nothing to wait for" }),
};
