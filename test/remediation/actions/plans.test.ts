// Action plans (what will be done, the kubectl equivalent, or why it is refused) and the kubectl
// lines themselves, table-driven. Pure.

import { loadConfig } from "@rdev/bot/config.ts";
import { ACTIONS, actionTitle } from "@rdev/bot/remediate/actions/index.ts";
import {
  deletePodCommand,
  evictCommand,
  heapProfileCommand,
  restartCommand,
  setEnvCommand,
  setMemoryLimitCommand,
  shellQuote,
} from "@rdev/bot/remediate/actions/kubectl.ts";
import { restartedAtOf } from "@rdev/bot/remediate/actions/rolling-restart.ts";
import type { ActionJob, ActionSettings } from "@rdev/bot/remediate/actions/types.ts";
import { describe, expect, it } from "vitest";

const config = loadConfig({ MEMORY_LIMIT_MAX: "2Gi" });
const settings = (allowDeleteFallback = false): ActionSettings => ({
  target: config.target,
  limits: config.limits,
  cache: config.cache,
  allowDeleteFallback,
});
const APPROVED_AT = Date.parse("2026-11-26T03:04:05.678Z");
const job = (action: ActionJob["action"], params: ActionJob["params"]): ActionJob => ({
  action,
  params,
  target: { namespace: "rdev", deployment: "rdev-api" },
  approvedAt: APPROVED_AT,
});

describe("plans", () => {
  const ok: {
    name: string;
    job: ActionJob;
    fallback?: boolean;
    kubectl: string;
    summary: RegExp;
    rollsPods: boolean;
    mutates: boolean;
  }[] = [
    {
      name: "restart-pod evicts with the UID precondition",
      job: job("restart-pod", { pod: "rdev-api-7c9", podUid: "u-1" }),
      kubectl: evictCommand("rdev", "rdev-api-7c9", "u-1"),
      summary: /^Evict pod rdev-api-7c9 \(uid u-1\) of rdev\/rdev-api/,
      rollsPods: true,
      mutates: true,
    },
    {
      name: "rolling-restart with the approved restartedAt",
      job: job("rolling-restart", { restartedAt: "2026-11-26T03:05:00Z" }),
      kubectl: restartCommand("rdev", "rdev-api", "2026-11-26T03:05:00Z"),
      summary: /^Rolling restart of rdev\/rdev-api/,
      rollsPods: true,
      mutates: true,
    },
    {
      name: "rolling-restart without one falls back to the approval time (fixed at job creation)",
      job: job("rolling-restart", {}),
      kubectl: restartCommand("rdev", "rdev-api", "2026-11-26T03:04:05.678Z"),
      summary: /^Rolling restart/,
      rollsPods: true,
      mutates: true,
    },
    {
      name: "raise-memory-limit at the maximum",
      job: job("raise-memory-limit", { memoryLimit: "2Gi" }),
      kubectl: setMemoryLimitCommand("rdev", "rdev-api", "rdev-api", "2Gi"),
      summary: /^Set the memory limit of container rdev-api in rdev\/rdev-api to 2Gi/,
      rollsPods: true,
      mutates: true,
    },
    {
      name: "set-cache-ttl",
      job: job("set-cache-ttl", { ttl: "15s", envName: "CACHE_TTL" }),
      kubectl: setEnvCommand("rdev", "rdev-api", "rdev-api", "CACHE_TTL", "15s"),
      summary: /^Set CACHE_TTL=15s on container rdev-api/,
      rollsPods: true,
      mutates: true,
    },
    {
      name: "set-cache-ttl with a composite Go duration",
      job: job("set-cache-ttl", { ttl: "1m30s", envName: "CACHE_TTL" }),
      kubectl: setEnvCommand("rdev", "rdev-api", "rdev-api", "CACHE_TTL", "1m30s"),
      summary: /^Set CACHE_TTL=1m30s on container rdev-api/,
      rollsPods: true,
      mutates: true,
    },
    {
      name: "capture-heap-profile is read-only",
      job: job("capture-heap-profile", { pod: "rdev-api-7c9", podUid: "u-1" }),
      kubectl: heapProfileCommand("rdev", "rdev-api-7c9", 8080, "/debug/pprof/heap"),
      summary: /^Capture the Go heap profile of rdev-api-7c9/,
      rollsPods: false,
      mutates: false,
    },
  ];
  it.each(ok)("$name", ({ job: j, kubectl, summary, rollsPods, mutates }) => {
    const result = ACTIONS[j.action].plan(j, settings());
    if (!result.ok) throw new Error(result.reason);
    expect(result.plan).toMatchObject({ kind: j.action, kubectl, rollsPods, mutates });
    expect(result.plan.summary).toMatch(summary);
  });

  const refused: { name: string; job: ActionJob; reason: RegExp }[] = [
    {
      name: "restart without a UID",
      job: job("restart-pod", { pod: "p" }),
      reason: /never restarts a pod without its UID/,
    },
    { name: "restart without a pod", job: job("restart-pod", { podUid: "u" }), reason: /no pod and UID/ },
    {
      name: "restartedAt that is not a time",
      job: job("rolling-restart", { restartedAt: "soon" }),
      reason: /"soon" is not a timestamp/,
    },
    { name: "limit missing", job: job("raise-memory-limit", {}), reason: /no memoryLimit value/ },
    {
      name: "limit malformed",
      job: job("raise-memory-limit", { memoryLimit: "lots" }),
      reason: /"lots" is not a memory quantity/,
    },
    {
      name: "limit zero",
      job: job("raise-memory-limit", { memoryLimit: "0" }),
      reason: /not a memory quantity/,
    },
    {
      name: "limit above MEMORY_LIMIT_MAX",
      job: job("raise-memory-limit", { memoryLimit: "2049Mi" }),
      reason: /2049Mi is above the configured maximum 2Gi \(MEMORY_LIMIT_MAX\): approve at most 2Gi/,
    },
    { name: "ttl missing", job: job("set-cache-ttl", {}), reason: /no ttl value/ },
    {
      name: "ttl malformed",
      job: job("set-cache-ttl", { ttl: "15 seconds" }),
      reason: /not a duration like 15s/,
    },
    // Go's time.ParseDuration, as rdev-api reads CACHE_TTL (the one duration parser): no days.
    { name: "ttl in days", job: job("set-cache-ttl", { ttl: "2d" }), reason: /not a duration like 15s/ },
    { name: "ttl of zero", job: job("set-cache-ttl", { ttl: "0" }), reason: /longer than 0/ },
    { name: "negative ttl", job: job("set-cache-ttl", { ttl: "-5m" }), reason: /longer than 0/ },
    {
      name: "another variable",
      job: job("set-cache-ttl", { ttl: "15s", envName: "GOGC" }),
      reason: /asks to set GOGC.*only that one/,
    },
    { name: "heap profile without a pod", job: job("capture-heap-profile", {}), reason: /names no pod/ },
  ];
  it.each(refused)("refuses: $name", ({ job: j, reason }) => {
    const result = ACTIONS[j.action].plan(j, settings());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it("mentions the delete fallback only when it is allowed", () => {
    const j = job("restart-pod", { pod: "p", podUid: "u" });
    const without = ACTIONS["restart-pod"].plan(j, settings(false));
    const withFallback = ACTIONS["restart-pod"].plan(j, settings(true));
    expect(without.ok && without.plan.mechanism).not.toContain("ALLOW_DELETE_FALLBACK");
    expect(withFallback.ok && withFallback.plan.mechanism).toContain("ALLOW_DELETE_FALLBACK");
  });

  it("restartedAtOf is fixed by the job, never by the clock", () => {
    expect(restartedAtOf(job("rolling-restart", {}))).toBe("2026-11-26T03:04:05.678Z");
    expect(restartedAtOf(job("rolling-restart", { restartedAt: "2026-11-26T03:05:00Z" }))).toBe(
      "2026-11-26T03:05:00Z",
    );
  });

  it.each([
    [job("restart-pod", { pod: "rdev-api-7c9" }), "Restart of rdev-api-7c9"],
    [job("rolling-restart", {}), "Rolling restart of rdev/rdev-api"],
    [job("raise-memory-limit", { memoryLimit: "1Gi" }), "Memory limit 1Gi for rdev/rdev-api"],
    [job("set-cache-ttl", { ttl: "15s" }), "Cache TTL 15s for rdev/rdev-api"],
    [job("capture-heap-profile", { pod: "x" }), "Heap profile of x"],
  ])("actionTitle %#", (j, title) => {
    expect(actionTitle(j)).toBe(title);
  });
});

describe("kubectl equivalents", () => {
  it.each([
    [
      evictCommand("rdev", "p-1", "u-1"),
      `echo '{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"p-1","namespace":"rdev"},"deleteOptions":{"preconditions":{"uid":"u-1"}}}' | kubectl create --raw /api/v1/namespaces/rdev/pods/p-1/eviction -f -`,
    ],
    [deletePodCommand("rdev", "p-1"), "kubectl -n rdev delete pod p-1"],
    [
      restartCommand("rdev", "rdev-api", "2026-11-26T03:05:00Z"),
      `kubectl -n rdev patch deployment rdev-api -p '{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-26T03:05:00Z"}}}}}'`,
    ],
    [
      setMemoryLimitCommand("rdev", "rdev-api", "rdev-api", "1Gi"),
      "kubectl -n rdev set resources deployment/rdev-api -c rdev-api --limits=memory=1Gi",
    ],
    [
      setEnvCommand("rdev", "rdev-api", "rdev-api", "CACHE_TTL", "15s"),
      "kubectl -n rdev set env deployment/rdev-api -c rdev-api CACHE_TTL=15s",
    ],
    [
      heapProfileCommand("rdev", "p-1", 8080, "/debug/pprof/heap"),
      "kubectl get --raw /api/v1/namespaces/rdev/pods/p-1:8080/proxy/debug/pprof/heap > heap.prof",
    ],
  ])("%s", (line, expected) => {
    expect(line).toBe(expected);
  });

  it.each([
    ["plain-word_1.2", "plain-word_1.2"],
    ["two words", "'two words'"],
    ["it's", `'it'\\''s'`],
    ["$(rm -rf /)", "'$(rm -rf /)'"],
    ["", "''"],
  ])("shellQuote(%j) = %s", (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });
});
