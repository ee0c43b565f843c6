import type { CoreV1Event, V1Deployment, V1Pod } from "@kubernetes/client-node";
import {
  isRolloutComplete,
  literalEnv,
  PodMetricsList,
  parseGoDuration,
  toClusterEvent,
  toDeploymentInfo,
  toPodInfo,
  toPodMetrics,
} from "@rdev/bot/k8s/convert.ts";
import { describe, expect, it } from "vitest";

const t = (iso: string) => new Date(iso);

const oomPod: V1Pod = {
  metadata: {
    name: "rdev-api-7d9f-abcde",
    namespace: "rdev",
    uid: "uid-1",
    creationTimestamp: t("2026-11-26T02:00:00Z"),
    labels: { app: "rdev-api", "pod-template-hash": "7d9f" },
    ownerReferences: [
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "rdev-api-7d9f", uid: "rs-1", controller: true },
    ],
  },
  spec: {
    nodeName: "node-1",
    containers: [
      {
        name: "rdev-api",
        image: "registry/rdev-api:1.2.3",
        resources: { limits: { memory: "512Mi", cpu: "1" }, requests: { memory: "256Mi" } },
        env: [
          { name: "CACHE_TTL", value: "5m" },
          { name: "EMPTY" },
          { name: "TOKEN", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
        ],
      },
      { name: "sidecar", image: "envoy" },
    ],
  },
  status: {
    phase: "Running",
    conditions: [
      { type: "Ready", status: "True" },
      { type: "ContainersReady", status: "True" },
    ],
    containerStatuses: [
      {
        name: "sidecar",
        image: "envoy:1",
        imageID: "",
        ready: false,
        restartCount: 0,
        state: { waiting: { reason: "CrashLoopBackOff" } },
      },
      {
        name: "rdev-api",
        image: "registry/rdev-api:1.2.3",
        imageID: "",
        ready: true,
        restartCount: 3,
        state: { running: { startedAt: t("2026-11-26T02:50:00Z") } },
        lastState: {
          terminated: {
            reason: "OOMKilled",
            exitCode: 137,
            startedAt: t("2026-11-26T02:30:00Z"),
            finishedAt: t("2026-11-26T02:49:59Z"),
          },
        },
      },
    ],
  },
};

describe("toPodInfo", () => {
  it("maps limits, restarts, lastState and readiness", () => {
    const info = toPodInfo(oomPod);
    expect(info).toMatchObject({
      namespace: "rdev",
      name: "rdev-api-7d9f-abcde",
      uid: "uid-1",
      nodeName: "node-1",
      phase: "Running",
      ready: true,
      createdAt: t("2026-11-26T02:00:00Z"),
      deletionTimestamp: null,
      ownerReplicaSet: "rdev-api-7d9f",
      labels: { app: "rdev-api", "pod-template-hash": "7d9f" },
    });
    expect(info.containers).toEqual([
      {
        name: "rdev-api",
        image: "registry/rdev-api:1.2.3",
        memoryLimitBytes: 536_870_912,
        memoryRequestBytes: 268_435_456,
        restartCount: 3,
        ready: true,
        state: "running",
        stateReason: null,
        startedAt: t("2026-11-26T02:50:00Z"),
        lastTerminated: {
          reason: "OOMKilled",
          exitCode: 137,
          startedAt: t("2026-11-26T02:30:00Z"),
          finishedAt: t("2026-11-26T02:49:59Z"),
        },
        env: { CACHE_TTL: "5m", EMPTY: "" },
      },
      {
        name: "sidecar",
        image: "envoy:1",
        memoryLimitBytes: null,
        memoryRequestBytes: null,
        restartCount: 0,
        ready: false,
        state: "waiting",
        stateReason: "CrashLoopBackOff",
        startedAt: null,
        lastTerminated: null,
        env: {},
      },
    ]);
  });

  it("handles a pending pod with no status and string dates", () => {
    const pod = {
      metadata: { name: "p", namespace: "rdev", uid: "u", creationTimestamp: "2026-11-26T03:00:00Z" },
      spec: { containers: [{ name: "rdev-api", image: "img" }] },
      status: { phase: "Pending", conditions: [{ type: "Ready", status: "False" }] },
    } as unknown as V1Pod; // JSON from a fixture, dates still strings
    const info = toPodInfo(pod);
    expect(info.ready).toBe(false);
    expect(info.createdAt).toEqual(t("2026-11-26T03:00:00Z"));
    expect(info.ownerReplicaSet).toBeNull();
    expect(info.containers[0]).toMatchObject({
      state: "unknown",
      restartCount: 0,
      ready: false,
      image: "img",
    });
  });

  it("reports a terminating pod", () => {
    const pod: V1Pod = {
      ...oomPod,
      metadata: { ...oomPod.metadata, deletionTimestamp: t("2026-11-26T03:00:00Z") },
    };
    expect(toPodInfo(pod).deletionTimestamp).toEqual(t("2026-11-26T03:00:00Z"));
  });
});

describe("literalEnv", () => {
  it("keeps literal values and drops valueFrom", () => {
    expect(
      literalEnv([
        { name: "A", value: "1" },
        { name: "B", valueFrom: { fieldRef: { fieldPath: "x" } } },
      ]),
    ).toEqual({
      A: "1",
    });
    expect(literalEnv(undefined)).toEqual({});
  });
});

describe("toClusterEvent", () => {
  const base: CoreV1Event = {
    metadata: { name: "e1", namespace: "rdev" },
    involvedObject: { kind: "Pod", name: "rdev-api-x", namespace: "rdev", uid: "uid-1" },
    reason: "BackOff",
    message: "Back-off restarting failed container",
    type: "Warning",
    count: 4,
    firstTimestamp: t("2026-11-26T02:00:00Z"),
    lastTimestamp: t("2026-11-26T02:10:00Z"),
    source: { component: "kubelet", host: "node-1" },
  };

  it("maps a classic core/v1 event", () => {
    expect(toClusterEvent(base)).toEqual({
      namespace: "rdev",
      type: "Warning",
      reason: "BackOff",
      message: "Back-off restarting failed container",
      involvedObject: { kind: "Pod", name: "rdev-api-x", namespace: "rdev", uid: "uid-1" },
      count: 4,
      firstTimestamp: t("2026-11-26T02:00:00Z"),
      lastTimestamp: t("2026-11-26T02:10:00Z"),
      source: "kubelet",
    });
  });

  it("maps an events.k8s.io-era event (eventTime, series, reportingComponent)", () => {
    const modern = {
      metadata: { name: "e2", namespace: "rdev" },
      involvedObject: { kind: "Node", name: "node-1" },
      reason: "SystemOOM",
      message: "System OOM encountered",
      eventTime: t("2026-11-26T02:00:00Z"),
      series: { count: 7, lastObservedTime: t("2026-11-26T02:20:00Z") },
      reportingComponent: "kubelet",
    } as CoreV1Event;
    expect(toClusterEvent(modern)).toMatchObject({
      type: "Normal",
      count: 7,
      firstTimestamp: t("2026-11-26T02:00:00Z"),
      lastTimestamp: t("2026-11-26T02:20:00Z"),
      source: "kubelet",
      involvedObject: { kind: "Node", name: "node-1", namespace: null, uid: null },
    });
  });
});

describe("isRolloutComplete (kubectl rollout status)", () => {
  const done = {
    generation: 5,
    observedGeneration: 5,
    specReplicas: 3,
    statusReplicas: 3,
    updatedReplicas: 3,
    availableReplicas: 3,
  };
  it.each([
    ["complete", done, true],
    ["controller has not observed the new spec", { ...done, observedGeneration: 4 }, false],
    ["not all replicas updated", { ...done, updatedReplicas: 2, statusReplicas: 3 }, false],
    ["old replicas pending termination", { ...done, statusReplicas: 4 }, false],
    ["updated replicas not yet available", { ...done, availableReplicas: 2 }, false],
    [
      "scaled to zero",
      { ...done, specReplicas: 0, statusReplicas: 0, updatedReplicas: 0, availableReplicas: 0 },
      true,
    ],
  ])("%s", (_name, fields, expected) => {
    expect(isRolloutComplete(fields)).toBe(expected);
  });
});

describe("toDeploymentInfo", () => {
  const deployment: V1Deployment = {
    metadata: { name: "rdev-api", namespace: "rdev", uid: "d-1", generation: 7 },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: "rdev-api" } },
      template: {
        metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-11-26T03:00:00Z" } },
        spec: {
          containers: [
            {
              name: "rdev-api",
              resources: { limits: { memory: "1Gi" }, requests: { memory: "512Mi" } },
              env: [{ name: "CACHE_TTL", value: "15s" }],
            },
          ],
        },
      },
    },
    status: {
      observedGeneration: 7,
      replicas: 4,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 1,
    },
  };

  it("summarises rollout status: one old pod left means not complete", () => {
    expect(toDeploymentInfo(deployment)).toEqual({
      namespace: "rdev",
      name: "rdev-api",
      uid: "d-1",
      generation: 7,
      observedGeneration: 7,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 1,
      rolloutComplete: false,
      restartedAt: "2026-11-26T03:00:00Z",
      selector: { app: "rdev-api" },
      containers: [
        { name: "rdev-api", memoryLimit: "1Gi", memoryRequest: "512Mi", env: { CACHE_TTL: "15s" } },
      ],
    });
  });

  it("is complete once the old pod is gone, and tolerates missing status", () => {
    const finished = { ...deployment, status: { ...deployment.status, replicas: 3, unavailableReplicas: 0 } };
    expect(toDeploymentInfo(finished).rolloutComplete).toBe(true);
    const fresh = { ...deployment, status: undefined } as V1Deployment;
    expect(toDeploymentInfo(fresh)).toMatchObject({
      rolloutComplete: false,
      updatedReplicas: 0,
      observedGeneration: 0,
    });
  });
});

describe("parseGoDuration", () => {
  it.each([
    ["30s", 30],
    ["1m0s", 60],
    ["10.062s", 10.062],
    ["500ms", 0.5],
    ["1h2m3s", 3723],
    ["0", 0],
  ])("%s -> %d s", (text, seconds) => {
    expect(parseGoDuration(text)).toBeCloseTo(seconds, 6);
  });
  it.each(["", "30", "s", "1x", "30s "])("rejects %j", (text) => {
    expect(parseGoDuration(text)).toBeNull();
  });
});

describe("toPodMetrics", () => {
  const body = {
    kind: "PodMetricsList",
    apiVersion: "metrics.k8s.io/v1beta1",
    items: [
      {
        metadata: { name: "rdev-api-x", namespace: "rdev" },
        timestamp: "2026-11-26T03:00:00Z",
        window: "15.017s",
        containers: [{ name: "rdev-api", usage: { cpu: "12345678n", memory: "419430400" } }],
      },
    ],
  };

  it("parses a metrics-server PodMetricsList", () => {
    expect(toPodMetrics(PodMetricsList.parse(body))).toEqual([
      {
        namespace: "rdev",
        name: "rdev-api-x",
        timestamp: t("2026-11-26T03:00:00Z"),
        windowSeconds: 15.017,
        containers: [{ name: "rdev-api", memoryBytes: 419_430_400, cpuNanoCores: 12_345_678 }],
      },
    ]);
  });

  it("refuses a malformed quantity instead of reporting 0 bytes", () => {
    const bad = structuredClone(body);
    const container = bad.items[0]?.containers[0];
    if (container) container.usage.memory = "lots";
    expect(PodMetricsList.safeParse(bad).success).toBe(false);
  });
});
