// Shared setup for the simulator-backed tests of createCluster: a simulator on a free loopback
// port driven by a ManualClock, and a Cluster built from the kubeconfig it hands out.

import { ManualClock } from "@rdev/bot/clock.ts";
import { createCluster } from "@rdev/bot/k8s/client.ts";
import { KubeError } from "@rdev/bot/k8s/errors.ts";
import { kubeConfigFromString } from "@rdev/bot/k8s/kubeconfig.ts";
import type { RequestInfo } from "@rdev/bot/k8s/request.ts";
import type { Cluster, DeploymentInfo, PodInfo } from "@rdev/bot/k8s/types.ts";
import { type Simulator, type SimulatorOptions, startSimulator } from "@rdev/kube-sim/index.ts";
import { afterEach, expect } from "vitest";

export const NS = "rdev";
export const SELECTOR = "app=rdev-api";
export const DEPLOYMENT = "rdev-api";
export const CONTAINER = "rdev-api";

let sim: Simulator | null = null;

afterEach(async () => {
  await sim?.close();
  sim = null;
});

export type Setup = { sim: Simulator; cluster: Cluster; requests: RequestInfo[] };

export async function setup(options: SimulatorOptions = {}): Promise<Setup> {
  const started = await startSimulator({
    port: 0,
    scenario: "steady",
    replicas: 3,
    clock: new ManualClock(),
    ...options,
  });
  sim = started;
  const requests: RequestInfo[] = [];
  const cluster = createCluster(kubeConfigFromString(started.kubeconfig()), {
    timeoutMs: 5000,
    onRequest: (i) => requests.push(i),
  });
  return { sim: started, cluster, requests };
}

/** Advances simulated time in steps until `done` holds (checked through the API), or fails. */
export async function advanceUntil<T>(
  s: Simulator,
  stepMs: number,
  maxSteps: number,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
): Promise<T> {
  let value = await probe();
  for (let i = 0; i < maxSteps && !done(value); i++) {
    s.advance(stepMs);
    value = await probe();
  }
  if (!done(value)) throw new Error(`condition not reached after ${maxSteps} steps of ${stepMs} ms`);
  return value;
}

export const allReady = (pods: PodInfo[]) =>
  pods.length === 3 && pods.every((p) => p.ready && p.deletionTimestamp === null);

export async function readyPods(s: Setup): Promise<PodInfo[]> {
  return advanceUntil(s.sim, 1000, 30, () => s.cluster.listPods(NS, SELECTOR), allReady);
}

export async function rollOut(s: Setup): Promise<DeploymentInfo> {
  return advanceUntil(
    s.sim,
    1000,
    300,
    () => s.cluster.getDeployment(NS, DEPLOYMENT),
    (d) => d.rolloutComplete,
  );
}

export async function errorOf(promise: Promise<unknown>): Promise<KubeError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KubeError);
  return err as KubeError;
}
