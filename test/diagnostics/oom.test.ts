import {
  mergeOomKills,
  oomKillBeforeWindow,
  oomKillsFromEvents,
  oomKillsFromPods,
} from "@rdev/bot/diagnose/oom.ts";
import type { ClusterEvent } from "@rdev/bot/k8s/types.ts";
import { describe, expect, it } from "vitest";
import { pod } from "../support/fake-cluster.ts";

const NOW = Date.parse("2026-11-26T03:00:00Z");
const HOUR = 3_600_000;
const ago = (min: number) => new Date(NOW - min * 60_000);

function event(overrides: Partial<ClusterEvent> & { kind?: string; name?: string }): ClusterEvent {
  const { kind = "Pod", name = "rdev-api-7c9-a", ...rest } = overrides;
  return {
    namespace: "rdev",
    type: "Warning",
    reason: "OOMKilling",
    message: "Memory cgroup out of memory: Killed process 4242 (rdev-api)",
    involvedObject: { kind, name, namespace: "rdev", uid: `uid-${name}` },
    count: 1,
    firstTimestamp: ago(5),
    lastTimestamp: ago(5),
    source: "kernel-monitor",
    ...rest,
  };
}

describe("oomKillsFromPods", () => {
  it.each([
    ["OOMKilled in the window", { reason: "OOMKilled", exitCode: 137, finishedAt: ago(12) }, 1],
    ["exit 137 without the reason (SIGKILL)", { reason: "Error", exitCode: 137, finishedAt: ago(12) }, 1],
    ["OOMKilled before the window", { reason: "OOMKilled", exitCode: 137, finishedAt: ago(61) }, 0],
    ["OOMKilled at an unknown time", { reason: "OOMKilled", exitCode: 137, finishedAt: null }, 1],
    ["a normal exit", { reason: "Completed", exitCode: 0, finishedAt: ago(1) }, 0],
    ["an application error", { reason: "Error", exitCode: 2, finishedAt: ago(1) }, 0],
  ])("%s", (_, last, n) => {
    const p = pod("rdev-api-7c9-a", {
      container: { restartCount: 3, lastTerminated: { startedAt: null, ...last } },
    });
    const kills = oomKillsFromPods([p], NOW, HOUR);
    expect(kills).toHaveLength(n);
    if (n === 1) {
      expect(kills[0]).toMatchObject({
        pod: "rdev-api-7c9-a",
        podUid: "uid-rdev-api-7c9-a",
        container: "rdev-api",
        node: "node-1",
        source: "container-status",
        exitCode: 137,
        at: last.finishedAt?.toISOString() ?? null,
      });
      expect(kills[0]?.message).toMatch(/restarts 3/);
    }
  });

  it("reports a container that is terminated by the OOM killer right now", () => {
    const p = pod("p", { container: { state: "terminated", stateReason: "OOMKilled" } });
    expect(oomKillsFromPods([p], NOW, HOUR)).toMatchObject([{ reason: "OOMKilled", at: null }]);
  });
});

describe("oomKillBeforeWindow", () => {
  it("names the newest kill older than the window, so a restart count never stands unexplained", () => {
    const old = pod("rdev-api-7c9-a", {
      container: {
        restartCount: 1,
        lastTerminated: { startedAt: null, reason: "OOMKilled", exitCode: 137, finishedAt: ago(130) },
      },
    });
    const older = pod("rdev-api-7c9-b", {
      container: {
        restartCount: 1,
        lastTerminated: { startedAt: null, reason: "OOMKilled", exitCode: 137, finishedAt: ago(300) },
      },
    });
    const recent = pod("rdev-api-7c9-c", {
      container: {
        restartCount: 1,
        lastTerminated: { startedAt: null, reason: "OOMKilled", exitCode: 137, finishedAt: ago(5) },
      },
    });
    const error = pod("rdev-api-7c9-d", {
      container: {
        restartCount: 1,
        lastTerminated: { startedAt: null, reason: "Error", exitCode: 2, finishedAt: ago(90) },
      },
    });
    expect(oomKillBeforeWindow([older, old, recent, error], NOW, HOUR)).toEqual({
      pod: "rdev-api-7c9-a",
      at: ago(130).toISOString(),
    });
    expect(oomKillBeforeWindow([recent, error], NOW, HOUR)).toBeNull();
  });
});

describe("oomKillsFromEvents", () => {
  const pods = [pod("rdev-api-7c9-a"), pod("rdev-api-7c9-b", { nodeName: "node-2" })];
  const options = {
    nowMs: NOW,
    lookbackMs: HOUR,
    podEventReasons: ["OOMKilled", "OOMKilling"],
    nodeEventReasons: ["SystemOOM", "OOMKilling"],
    deployment: "rdev-api",
  };

  it("keeps OOM events about our pods, replaced pods of the deployment, and our nodes", () => {
    const podEvents = [
      event({ reason: "OOMKilled", count: 2 }),
      event({ name: "rdev-api-5d4-gone", reason: "OOMKilled" }), // a replaced pod of the deployment
      event({ name: "other-app-1", reason: "OOMKilled" }), // not ours
      event({ reason: "BackOff" }), // not an OOM
      event({ reason: "OOMKilled", lastTimestamp: ago(90), firstTimestamp: ago(95) }), // too old
    ];
    const nodeEvents = [
      event({
        kind: "Node",
        name: "node-2",
        reason: "SystemOOM",
        message: "System OOM encountered, victim process: rdev-api",
      }),
      event({ kind: "Node", name: "node-9", reason: "SystemOOM" }), // no pod of ours there
    ];
    const kills = oomKillsFromEvents(podEvents, nodeEvents, pods, options);
    expect(kills.map((k) => [k.source, k.pod, k.node, k.count])).toEqual([
      ["pod-event", "rdev-api-7c9-a", "node-1", 2],
      ["pod-event", "rdev-api-5d4-gone", null, 1],
      ["node-event", null, "node-2", 1],
    ]);
  });
});

describe("mergeOomKills", () => {
  it("drops an event that is the same kill as a container status, and sorts newest first", () => {
    const p = pod("rdev-api-7c9-a", {
      container: {
        lastTerminated: { reason: "OOMKilled", exitCode: 137, startedAt: null, finishedAt: ago(5) },
      },
    });
    const fromStatus = oomKillsFromPods([p], NOW, HOUR);
    const fromEvents = oomKillsFromEvents(
      [
        event({ reason: "OOMKilling", lastTimestamp: ago(4) }),
        event({ reason: "OOMKilling", lastTimestamp: ago(30) }),
      ],
      [event({ kind: "Node", name: "node-1", reason: "SystemOOM", lastTimestamp: ago(4) })],
      [p],
      {
        nowMs: NOW,
        lookbackMs: HOUR,
        podEventReasons: ["OOMKilling"],
        nodeEventReasons: ["SystemOOM"],
        deployment: "rdev-api",
      },
    );
    const merged = mergeOomKills(fromStatus, fromEvents);
    expect(merged.map((k) => [k.source, k.at])).toEqual([
      ["container-status", ago(5).toISOString()],
      ["pod-event", ago(30).toISOString()],
    ]);
  });
});
