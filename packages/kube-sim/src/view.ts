// Read-only snapshots of the simulated pods for tests: what the kubelet knows, including the
// working set metrics.k8s.io reports, without going through HTTP.
import type { Pod } from "./manifests.ts";
import { containerReady } from "./pod-status.ts";
import { workingSetBytes } from "./runtime.ts";
import type { World } from "./world.ts";

export type SimContainerView = {
  name: string;
  image: string;
  state: "running" | "waiting";
  restartCount: number;
  startedAtMs: number;
  ready: boolean;
  /** Working-set bytes as metrics.k8s.io reports them (page-aligned); null while not running. */
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
  memoryRequestBytes: number | null;
  env: Readonly<Record<string, string>>;
  lastTerminationReason: string | null;
  lastTerminatedAtMs: number | null;
  /** When the container will be restarted after crash-loop back-off (null while running). */
  restartAtMs: number | null;
};

export type SimPodView = {
  namespace: string;
  name: string;
  uid: string;
  nodeName: string;
  podIP: string;
  podTemplateHash: string;
  ready: boolean;
  createdAtMs: number;
  /** Replica slot (stable across restarts) and pod generation (0: started with the simulator). */
  podIndex: number;
  generation: number;
  containers: readonly SimContainerView[];
  /** Shortcuts for the first container (rdev-api pods have one). */
  restartCount: number;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
};

export function podViews(world: World, namespace: string | undefined, now: number): SimPodView[] {
  return world.store.list<Pod>("pods", namespace).flatMap((pod) => {
    const rt = world.kubelet.pods.get(pod.metadata.uid);
    if (!rt) return [];
    const containers: SimContainerView[] = rt.containers.map((c) => ({
      name: c.name,
      state: c.state,
      restartCount: c.restartCount,
      startedAtMs: c.startedAtMs,
      ready: containerReady(c, now),
      memoryBytes: workingSetBytes(c, now),
      memoryLimitBytes: c.limitBytes,
      image: c.image,
      memoryRequestBytes: c.requestBytes,
      env: { ...c.env },
      lastTerminationReason: c.lastTerminated?.reason ?? null,
      lastTerminatedAtMs: c.lastTerminated?.finishedAtMs ?? null,
      restartAtMs: c.restartAtMs,
    }));
    const first = containers[0];
    return [
      {
        namespace: rt.namespace,
        name: rt.name,
        uid: rt.uid,
        nodeName: rt.nodeName,
        podIP: rt.podIP,
        podTemplateHash: pod.metadata.labels?.["pod-template-hash"] ?? "",
        ready: containers.length > 0 && containers.every((c) => c.ready),
        createdAtMs: rt.createdAtMs,
        podIndex: rt.podIndex,
        generation: rt.generation,
        containers,
        restartCount: first?.restartCount ?? 0,
        memoryBytes: first?.memoryBytes ?? null,
        memoryLimitBytes: first?.memoryLimitBytes ?? null,
      },
    ];
  });
}
