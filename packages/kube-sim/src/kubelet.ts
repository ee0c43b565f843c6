// The simulated kubelet: starts containers (each runs an AppProcess), OOM-kills them when their
// working set reaches the memory limit, restarts them after crash-loop back-off, and keeps
// pod.status in the store current. Events match the real kubelet's: BackOff, Pulled, Created,
// Started, Killing on the pod, SystemOOM on the node, and no event with reason OOMKilled
// (the real kubelet emits none: kubernetes/kubernetes#69676).
import type { EventRecorder } from "./events.ts";
import type { Container, Pod } from "./manifests.ts";
import { containerReady, qosClassOf, renderPodStatus, statusFingerprint } from "./pod-status.ts";
import { quantityValue } from "./quantity.ts";
import { hexId, type Rng } from "./rand.ts";
import {
  type AppFactory,
  type ContainerRuntime,
  nextBackoff,
  nextOom,
  type PodRuntime,
  workingSetBytes,
} from "./runtime.ts";
import type { Store } from "./store.ts";
import type { ScenarioName } from "./workload/types.ts";

export type KubeletDeps = {
  store: Store;
  events: EventRecorder;
  rng: Rng;
  appFactory: AppFactory;
  scenario: ScenarioName;
  seed: number;
};

const memoryBytes = (q: string | undefined): number | null => (q === undefined ? null : quantityValue(q));

function literalEnv(c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) if (typeof e.value === "string") env[e.name] = e.value;
  return env;
}

export class Kubelet {
  readonly pods = new Map<string, PodRuntime>();
  readonly #deps: KubeletDeps;
  readonly #fingerprints = new Map<string, string>();

  constructor(deps: KubeletDeps) {
    this.#deps = deps;
  }

  #podRef(p: PodRuntime, container: string) {
    return {
      kind: "Pod",
      namespace: p.namespace,
      name: p.name,
      uid: p.uid,
      apiVersion: "v1",
      fieldPath: `spec.containers{${container}}`,
    };
  }

  #event(
    p: PodRuntime,
    at: number,
    c: string,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
  ): void {
    this.#deps.events.record(at, {
      namespace: p.namespace,
      involvedObject: this.#podRef(p, c),
      type,
      reason,
      message,
      source: { component: "kubelet", host: p.nodeName },
    });
  }

  #launch(p: PodRuntime, c: ContainerRuntime, at: number): void {
    const { rng, appFactory, scenario, seed } = this.#deps;
    c.state = "running";
    c.startedAtMs = at;
    c.restartAtMs = null;
    c.containerId = hexId(rng);
    c.pid = 1000 + rng.int(60000);
    c.oomCheckedUntil = at;
    c.nextOomAt = null;
    c.app = appFactory({
      scenario,
      podName: p.name,
      podIndex: p.podIndex,
      restartCount: c.restartCount,
      generation: p.generation,
      startedAtMs: at,
      spec: { memoryLimitBytes: c.limitBytes, env: { ...c.env }, image: c.image },
      seed,
    });
    this.#event(p, at, c.name, "Normal", "Pulled", `Container image "${c.image}" already present on machine`);
    this.#event(p, at, c.name, "Normal", "Created", `Created container: ${c.name}`);
    this.#event(p, at, c.name, "Normal", "Started", `Started container ${c.name}`);
  }

  /** Starts a new pod's containers at `at` and fills in pod.status (the pod is not stored yet). */
  start(
    pod: Pod,
    at: number,
    slot: { podIndex: number; generation: number; podIP: string; hostIP: string },
  ): PodRuntime {
    const p: PodRuntime = {
      uid: pod.metadata.uid,
      namespace: pod.metadata.namespace ?? "default",
      name: pod.metadata.name,
      nodeName: pod.spec.nodeName ?? "",
      podIP: slot.podIP,
      hostIP: slot.hostIP,
      podIndex: slot.podIndex,
      generation: slot.generation,
      createdAtMs: at,
      containers: [],
      readySinceMs: at,
      ready: false,
    };
    for (const spec of pod.spec.containers) {
      const c: ContainerRuntime = {
        name: spec.name,
        image: spec.image,
        limitBytes: memoryBytes(spec.resources?.limits?.memory),
        requestBytes: memoryBytes(spec.resources?.requests?.memory),
        env: literalEnv(spec),
        ports: (spec.ports ?? []).map((port) => port.containerPort),
        restartCount: 0,
        state: "waiting",
        startedAtMs: at,
        app: null,
        restartAtMs: null,
        backoffMs: 0,
        lastCrashAtMs: null,
        lastTerminated: null,
        containerId: "",
        pid: 0,
        oomCheckedUntil: at,
        nextOomAt: null,
        previousApp: null,
      };
      p.containers.push(c);
      this.#launch(p, c, at);
    }
    this.pods.set(p.uid, p);
    const readies = p.containers.map((c) => containerReady(c, at));
    p.ready = readies.every(Boolean);
    pod.status = renderPodStatus(p, readies, qosClassOf(pod));
    this.#fingerprints.set(p.uid, statusFingerprint(p, readies));
    return p;
  }

  /** Stops a pod's containers (delete, eviction, scale-down): a Killing event per container. */
  stop(uid: string, at: number): void {
    const p = this.pods.get(uid);
    if (!p) return;
    for (const c of p.containers) {
      if (c.state === "running")
        this.#event(p, at, c.name, "Normal", "Killing", `Stopping container ${c.name}`);
    }
    this.pods.delete(uid);
    this.#fingerprints.delete(uid);
  }

  /** The earliest OOM kill or back-off restart in (fromMs, toMs], or null. */
  nextEventAt(fromMs: number, toMs: number): number | null {
    let best: number | null = null;
    for (const p of this.pods.values()) {
      for (const c of p.containers) {
        const t = c.state === "running" ? nextOom(c, toMs) : c.restartAtMs;
        if (t !== null && t <= toMs && (best === null || t < best)) best = Math.max(t, fromMs);
      }
    }
    return best;
  }

  /** Applies every OOM kill and restart due at or before `at`. */
  processDue(at: number): void {
    for (const p of this.pods.values()) {
      for (const c of p.containers) {
        if (c.state === "running") {
          const oom = nextOom(c, at);
          if (oom !== null && oom <= at) this.#oomKill(p, c, oom);
        }
        if (c.state === "waiting" && c.restartAtMs !== null && c.restartAtMs <= at)
          this.#launch(p, c, c.restartAtMs);
      }
    }
  }

  #oomKill(p: PodRuntime, c: ContainerRuntime, at: number): void {
    c.lastTerminated = {
      reason: "OOMKilled",
      exitCode: 137,
      startedAtMs: c.startedAtMs,
      finishedAtMs: at,
      containerId: c.containerId,
    };
    c.backoffMs = nextBackoff(c, at);
    c.lastCrashAtMs = at;
    c.restartCount += 1;
    c.state = "waiting";
    c.previousApp = c.app;
    c.app = null;
    c.nextOomAt = null;
    c.restartAtMs = at + c.backoffMs;
    this.#deps.events.record(at, {
      namespace: "default",
      involvedObject: { kind: "Node", name: p.nodeName, uid: p.nodeName },
      type: "Warning",
      reason: "SystemOOM",
      message: `System OOM encountered, victim process: ${c.name}, pid: ${c.pid}`,
      source: { component: "kubelet", host: p.nodeName },
    });
    this.#event(
      p,
      at,
      c.name,
      "Warning",
      "BackOff",
      `Back-off restarting failed container ${c.name} in pod ${p.name}_${p.namespace}(${p.uid})`,
    );
  }

  /** Re-renders pod.status of every pod whose state or readiness changed; true if any did. */
  refreshStatuses(at: number): boolean {
    let changed = false;
    for (const p of this.pods.values()) {
      const readies = p.containers.map((c) => containerReady(c, at));
      const fp = statusFingerprint(p, readies);
      if (this.#fingerprints.get(p.uid) === fp) continue;
      const stored = this.#deps.store.get<Pod>("pods", p.namespace, p.name);
      if (!stored || stored.metadata.uid !== p.uid) continue;
      const ready = readies.every(Boolean);
      if (ready !== p.ready) {
        p.ready = ready;
        p.readySinceMs = at;
      }
      const next = { ...stored, status: renderPodStatus(p, readies, qosClassOf(stored)) };
      next.metadata = { ...stored.metadata };
      this.#deps.store.update("pods", next);
      this.#fingerprints.set(p.uid, fp);
      changed = true;
    }
    return changed;
  }

  /** Working-set bytes of each container of a pod at `at` (null entries: not running). */
  memory(uid: string, at: number): { name: string; bytes: number | null }[] {
    const p = this.pods.get(uid);
    return (p?.containers ?? []).map((c) => ({ name: c.name, bytes: workingSetBytes(c, at) }));
  }
}
