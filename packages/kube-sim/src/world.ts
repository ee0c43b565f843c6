// The simulated cluster's state and its clock-driven evolution. Time is evaluated lazily: every API
// request (and Simulator.advance) calls sync(), which replays everything that happened since the
// last sync in time order (OOM kills, back-off restarts, rollout steps), so a test can jump ten
// simulated minutes in one call and see every OOM on the way.
import type { Clock } from "@rdev/bot/clock.ts";
import { defaultPodContainerResources } from "./defaults.ts";
import { reconcileDeployments, rolloutPending } from "./deployment-controller.ts";
import { EventRecorder } from "./events.ts";
import { Kubelet } from "./kubelet.ts";
import { isoTime, type Pod, type ReplicaSet } from "./manifests.ts";
import { reconcilePdbs } from "./pdb.ts";
import { createRng, type Rng, randomSuffix, uuid } from "./rand.ts";
import { reconcileReplicaSets } from "./replicaset-controller.ts";
import type { AppFactory } from "./runtime.ts";
import { Store } from "./store.ts";
import type { ScenarioName } from "./workload/types.ts";

/** Simulated time between controller passes while a rollout waits for pods to become ready. */
export const ROLLOUT_TICK_MS = 1000;

export type SimNode = { name: string; ip: string; index: number; podsCreated: number };

export type WorldOptions = {
  clock: Clock;
  scenario: ScenarioName;
  seed: number;
  appFactory: AppFactory;
};

export class World {
  readonly store = new Store();
  readonly clock: Clock;
  readonly rng: Rng;
  readonly events: EventRecorder;
  readonly kubelet: Kubelet;
  readonly nodes: SimNode[] = [];
  /** Per workload (namespace/deployment): the last pod generation started in each replica slot. */
  readonly #slots = new Map<string, Map<number, number>>();
  #t: number;
  #dirty = true;
  /** Changes made through the API at a set simulated time (a CI deploy), soonest first. */
  readonly #scheduled: { at: number; run: (at: number) => void }[] = [];
  #rolloutActive = false;
  /** While true, new pods are the simulator's starting pods (generation 0). */
  bootstrapping = false;

  constructor(options: WorldOptions) {
    this.clock = options.clock;
    this.rng = createRng(options.seed);
    this.#t = options.clock.now();
    this.events = new EventRecorder(this.store, () => this.newUid());
    this.kubelet = new Kubelet({
      store: this.store,
      events: this.events,
      rng: this.rng,
      appFactory: options.appFactory,
      scenario: options.scenario,
      seed: options.seed,
    });
  }

  /** Simulated time up to which the world has been evaluated. */
  get time(): number {
    return this.#t;
  }

  newUid(): string {
    return uuid(this.rng);
  }

  /** Runs `run` (a change as a client would make it) when simulated time reaches `at`. */
  schedule(at: number, run: (at: number) => void): void {
    this.#scheduled.push({ at, run });
    this.#scheduled.sort((a, b) => a.at - b.at);
  }

  /** Something changed through the API: controllers must run even if the clock stood still. */
  markDirty(): void {
    this.#dirty = true;
  }

  /** Brings the world up to the clock's now, returns now. */
  sync(): number {
    const now = Math.max(this.clock.now(), this.#t);
    let steps = 0;
    while (this.#t < now) {
      let next = now;
      const due = this.kubelet.nextEventAt(this.#t, now);
      if (due !== null && due < next) next = due;
      if (this.#rolloutActive) next = Math.min(next, this.#t + ROLLOUT_TICK_MS);
      const planned = this.#scheduled[0]?.at;
      if (planned !== undefined && planned > this.#t && planned < next) next = planned;
      if (next <= this.#t) next = this.#t + 1;
      this.#t = next;
      this.#process(next);
      if (++steps > 5_000_000) throw new Error("simulator: time stepping did not converge");
    }
    if (this.#dirty) this.#process(now);
    return now;
  }

  #process(at: number): void {
    this.kubelet.processDue(at);
    while ((this.#scheduled[0]?.at ?? Number.POSITIVE_INFINITY) <= at) this.#scheduled.shift()?.run(at);
    for (let pass = 0; pass < 20; pass++) {
      const a = this.kubelet.refreshStatuses(at);
      const b = reconcileReplicaSets(this, at);
      const c = reconcileDeployments(this, at);
      if (!a && !b && !c) break;
    }
    reconcilePdbs(this, at);
    this.events.prune(at);
    this.#rolloutActive = rolloutPending(this);
    this.#dirty = false;
  }

  #pickNode(): SimNode {
    const counts = new Map(this.nodes.map((n) => [n.name, 0]));
    for (const p of this.kubelet.pods.values()) counts.set(p.nodeName, (counts.get(p.nodeName) ?? 0) + 1);
    let best = this.nodes[0];
    for (const n of this.nodes) if ((counts.get(n.name) ?? 0) < (counts.get(best?.name ?? "") ?? 0)) best = n;
    if (!best) throw new Error("simulator: no nodes to schedule pods on");
    return best;
  }

  /** Creates (and starts) one pod for a ReplicaSet, with scheduler, kubelet and controller events. */
  createPodFor(rs: ReplicaSet, at: number, siblings: readonly Pod[]): Pod {
    const ns = rs.metadata.namespace ?? "default";
    const owner = rs.metadata.ownerReferences?.find((o) => o.controller)?.name ?? rs.metadata.name;
    const slotKey = `${ns}/${owner}`;
    const slots = this.#slots.get(slotKey) ?? new Map<number, number>();
    this.#slots.set(slotKey, slots);
    const used = new Set(siblings.map((p) => this.kubelet.pods.get(p.metadata.uid)?.podIndex));
    let podIndex = 0;
    while (used.has(podIndex)) podIndex++;
    const generation = this.bootstrapping ? 0 : (slots.get(podIndex) ?? -1) + 1;
    slots.set(podIndex, generation);

    let name = `${rs.metadata.name}-${randomSuffix(this.rng)}`;
    while (this.store.get("pods", ns, name)) name = `${rs.metadata.name}-${randomSuffix(this.rng)}`;
    const node = this.#pickNode();
    const n = node.podsCreated++;
    const podIP = `10.244.${node.index + 16 * Math.floor(n / 250)}.${(n % 250) + 2}`;
    const template = structuredClone(rs.spec.template);
    const { creationTimestamp: _ignored, ...templateMeta } = template.metadata;
    const pod: Pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        ...templateMeta,
        name,
        generateName: `${rs.metadata.name}-`,
        namespace: ns,
        uid: this.newUid(),
        resourceVersion: "",
        creationTimestamp: isoTime(at),
        labels: { ...(template.metadata.labels ?? {}) },
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "ReplicaSet",
            name: rs.metadata.name,
            uid: rs.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        ...template.spec,
        containers: template.spec.containers.map(defaultPodContainerResources),
        nodeName: node.name,
        serviceAccountName: "default",
        serviceAccount: "default",
        enableServiceLinks: true,
        preemptionPolicy: "PreemptLowerPriority",
        priority: 0,
        tolerations: [
          {
            effect: "NoExecute",
            key: "node.kubernetes.io/not-ready",
            operator: "Exists",
            tolerationSeconds: 300,
          },
          {
            effect: "NoExecute",
            key: "node.kubernetes.io/unreachable",
            operator: "Exists",
            tolerationSeconds: 300,
          },
        ],
      },
      status: { phase: "Pending" },
    };
    if (!templateMeta.annotations) delete pod.metadata.annotations;
    this.events.record(at, {
      namespace: ns,
      involvedObject: {
        kind: "ReplicaSet",
        namespace: ns,
        name: rs.metadata.name,
        uid: rs.metadata.uid,
        apiVersion: "apps/v1",
      },
      type: "Normal",
      reason: "SuccessfulCreate",
      message: `Created pod: ${name}`,
      source: { component: "replicaset-controller" },
    });
    this.events.record(at, {
      namespace: ns,
      involvedObject: { kind: "Pod", namespace: ns, name, uid: pod.metadata.uid, apiVersion: "v1" },
      type: "Normal",
      reason: "Scheduled",
      message: `Successfully assigned ${ns}/${name} to ${node.name}`,
      source: { component: "default-scheduler" },
    });
    this.kubelet.start(pod, at, { podIndex, generation, podIP, hostIP: node.ip });
    return this.store.create("pods", pod);
  }

  /** Removes a pod now (the simulator skips the Terminating phase): Killing events, then gone. */
  deletePod(namespace: string, name: string, at: number): Pod | undefined {
    const pod = this.store.get<Pod>("pods", namespace, name);
    if (!pod) return undefined;
    this.kubelet.stop(pod.metadata.uid, at);
    this.store.delete("pods", namespace, name);
    this.markDirty();
    return pod;
  }
}
