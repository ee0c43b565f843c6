// Renders pod.status from the kubelet's runtime state, like the kubelet's status manager does.
import { type ContainerState, type ContainerStatus, isoTime, type Pod } from "./manifests.ts";
import type { ContainerRuntime, PodRuntime } from "./runtime.ts";

export const IMAGE_DIGEST = "sha256:5f0c3a7e9d1b2c4a6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d";

/** Whether the container answers its readiness probe at `nowMs`. */
export function containerReady(c: ContainerRuntime, nowMs: number): boolean {
  return c.state === "running" && c.app !== null && c.app.ready(Math.max(nowMs, c.startedAtMs));
}

function currentState(c: ContainerRuntime, pod: PodRuntime): ContainerState {
  if (c.state === "running") return { running: { startedAt: isoTime(c.startedAtMs) } };
  return {
    waiting: {
      reason: "CrashLoopBackOff",
      message: `back-off ${Math.round(c.backoffMs / 1000)}s restarting failed container=${c.name} pod=${pod.name}_${pod.namespace}(${pod.uid})`,
    },
  };
}

function lastState(c: ContainerRuntime): ContainerState {
  const t = c.lastTerminated;
  if (!t) return {};
  return {
    terminated: {
      exitCode: t.exitCode,
      reason: t.reason,
      startedAt: isoTime(t.startedAtMs),
      finishedAt: isoTime(t.finishedAtMs),
      containerID: `containerd://${t.containerId}`,
    },
  };
}

export function containerStatus(c: ContainerRuntime, pod: PodRuntime, ready: boolean): ContainerStatus {
  return {
    containerID: `containerd://${c.containerId}`,
    image: c.image,
    imageID: `${c.image.split(":")[0]}@${IMAGE_DIGEST}`,
    lastState: lastState(c),
    name: c.name,
    ready,
    restartCount: c.restartCount,
    started: c.state === "running",
    state: currentState(c, pod),
  };
}

/** A cheap fingerprint of everything time-dependent in the status, to skip unchanged pods. */
export function statusFingerprint(pod: PodRuntime, readies: readonly boolean[]): string {
  return pod.containers
    .map((c, i) => `${c.state}|${c.restartCount}|${c.startedAtMs}|${readies[i]}`)
    .join(";");
}

export function renderPodStatus(
  pod: PodRuntime,
  readies: readonly boolean[],
  qosClass: string,
): Pod["status"] {
  const allReady = readies.length > 0 && readies.every(Boolean);
  const created = isoTime(pod.createdAtMs);
  const readyTransition = isoTime(pod.readySinceMs);
  const cond = (type: string, ok: boolean, at: string) => ({
    lastProbeTime: null,
    lastTransitionTime: at,
    status: ok ? ("True" as const) : ("False" as const),
    type,
    ...(ok || (type !== "Ready" && type !== "ContainersReady")
      ? {}
      : {
          reason: "ContainersNotReady",
          message: `containers with unready status: [${pod.containers
            .filter((_, i) => !readies[i])
            .map((c) => c.name)
            .join(" ")}]`,
        }),
  });
  return {
    phase: "Running",
    conditions: [
      cond("PodReadyToStartContainers", true, created),
      cond("Initialized", true, created),
      cond("Ready", allReady, readyTransition),
      cond("ContainersReady", allReady, readyTransition),
      cond("PodScheduled", true, created),
    ],
    hostIP: pod.hostIP,
    hostIPs: [{ ip: pod.hostIP }],
    podIP: pod.podIP,
    podIPs: [{ ip: pod.podIP }],
    startTime: created,
    containerStatuses: pod.containers.map((c, i) => containerStatus(c, pod, readies[i] ?? false)),
    qosClass,
  };
}

/** Guaranteed when every container's requests equal its limits, BestEffort with none, else Burstable. */
export function qosClassOf(pod: Pick<Pod, "spec">): string {
  const containers = pod.spec.containers;
  const anySet = containers.some(
    (c) =>
      Object.keys(c.resources?.limits ?? {}).length + Object.keys(c.resources?.requests ?? {}).length > 0,
  );
  if (!anySet) return "BestEffort";
  const guaranteed = containers.every((c) => {
    const l = c.resources?.limits ?? {};
    const r = c.resources?.requests ?? l;
    return l.cpu !== undefined && l.memory !== undefined && r.cpu === l.cpu && r.memory === l.memory;
  });
  return guaranteed ? "Guaranteed" : "Burstable";
}
