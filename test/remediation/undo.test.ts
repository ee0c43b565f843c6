// The pure parts of Undo: its parameters from a change's outcome, the decision against the value
// the pod template has now, the words, and that an undo is approved like the change it undoes.

import { ApprovalPolicy, mayApprove, requiredApprovals, rulesOf } from "@rdev/bot/approve/policy.ts";
import type { DeploymentInfo } from "@rdev/bot/k8s/types.ts";
import { currentValue, FROM_REFERENCE } from "@rdev/bot/remediate/actions/undo.ts";
import { decideUndo, undoParamsFor, undoSpec, undoTitle, undoWords } from "@rdev/bot/remediate/undo.ts";
import { describe, expect, it } from "vitest";

const spec = (params: Parameters<typeof undoSpec>[0]) => {
  const s = undoSpec(params);
  if (!s.ok) throw new Error(s.reason);
  return s.spec;
};

describe("undoParamsFor", () => {
  it.each([
    [
      "a limit that had a value",
      { action: "raise-memory-limit", details: { from: "512Mi", to: "1Gi" } },
      { undoOf: "p1", undoes: "raise-memory-limit", expected: "1Gi", previous: "512Mi" },
    ],
    [
      "a limit that was unset",
      { action: "raise-memory-limit", details: { from: null, to: "1Gi" } },
      { undoOf: "p1", undoes: "raise-memory-limit", expected: "1Gi", previousUnset: true },
    ],
    [
      "an env var that had a value",
      { action: "set-cache-ttl", details: { env: "CACHE_TTL", from: "5m", to: "15s" } },
      { undoOf: "p1", undoes: "set-cache-ttl", envName: "CACHE_TTL", expected: "15s", previous: "5m" },
    ],
    [
      "an env var that was unset",
      { action: "set-cache-ttl", details: { env: "CACHE_TTL", from: null, to: "15s" } },
      { undoOf: "p1", undoes: "set-cache-ttl", envName: "CACHE_TTL", expected: "15s", previousUnset: true },
    ],
  ])("%s", (_name, change, params) => {
    expect(undoParamsFor({ proposalId: "p1", status: "applied", ...change })).toEqual(params);
  });

  it.each([
    ["not applied (already done)", { action: "set-cache-ttl", status: "already_done" }],
    ["a pod restart", { action: "restart-pod", status: "applied" }],
    ["an undo", { action: "undo", status: "applied" }],
  ])("nothing to undo: %s", (_name, change) => {
    expect(
      undoParamsFor({ proposalId: "p1", details: { env: "CACHE_TTL", from: "5m", to: "15s" }, ...change }),
    ).toBeNull();
  });
});

describe("undoSpec", () => {
  it("needs exactly one of the previous value and 'was unset'", () => {
    const base = { undoes: "raise-memory-limit", expected: "1Gi" } as const;
    expect(undoSpec(base).ok).toBe(false);
    expect(undoSpec({ ...base, previous: "512Mi", previousUnset: true }).ok).toBe(false);
    expect(undoSpec({ ...base, previous: "512Mi" })).toMatchObject({ ok: true, spec: { restore: "512Mi" } });
    expect(undoSpec({ ...base, previousUnset: true })).toMatchObject({ ok: true, spec: { restore: null } });
    expect(undoSpec({ undoes: "set-cache-ttl", expected: "15s", previous: "5m" }).ok).toBe(false);
  });
});

describe("decideUndo", () => {
  const limit = spec({ undoes: "raise-memory-limit", expected: "1Gi", previous: "512Mi" });
  const ttl = spec({ undoes: "set-cache-ttl", envName: "CACHE_TTL", expected: "15s", previousUnset: true });
  it.each<[string, ReturnType<typeof spec>, string | null, string]>([
    ["the bot's limit is still there", limit, "1Gi", "restore"],
    ["the same limit, written as the API server canonicalises it", limit, "1024Mi", "restore"],
    ["the limit is already back", limit, "512Mi", "already"],
    ["someone set another limit", limit, "2Gi", "changed"],
    ["someone removed the limit", limit, null, "changed"],
    ["the bot's TTL is still there", ttl, "15s", "restore"],
    ["the TTL is unset again", ttl, null, "already"],
    ["someone set another TTL", ttl, "30s", "changed"],
    ["env values compare exactly", ttl, "15.0s", "changed"],
  ])("%s", (_name, s, current, kind) => {
    expect(decideUndo(s, current).kind).toBe(kind);
  });

  it("names the current value and says nothing changed", () => {
    const d = decideUndo(limit, "2Gi");
    expect(d.kind === "changed" && d.message).toBe(
      "The memory limit is 2Gi now, not the 1Gi the bot set: someone changed it since, so the bot will not undo it (that would overwrite their change). Nothing was changed. Set it by hand if 512Mi is still wanted.",
    );
    const gone = decideUndo(ttl, "30s");
    expect(gone.kind === "changed" && gone.message).toMatch(/^CACHE_TTL is 30s now, not the 15s/);
  });
});

describe("words", () => {
  it("titles and sentences", () => {
    expect(undoTitle(spec({ undoes: "raise-memory-limit", expected: "1Gi", previous: "512Mi" }))).toBe(
      "Undo: the memory limit back to 512Mi",
    );
    const unset = spec({
      undoes: "set-cache-ttl",
      envName: "CACHE_TTL",
      expected: "15s",
      previousUnset: true,
    });
    expect(undoTitle(unset)).toBe("Undo: remove CACHE_TTL");
    expect(undoWords(unset)).toBe("remove CACHE_TTL (it was unset before the bot set it to 15s)");
  });
});

describe("an undo is approved like the change it undoes", () => {
  const policy = ApprovalPolicy.parse({
    approverUserIds: ["U1", "U2"],
    approverGroupIds: [],
    fourEyesActions: ["raise-memory-limit"],
  });
  const undoOfLimit = { kind: "undo" as const, params: { undoes: "raise-memory-limit" as const } };
  const undoOfTtl = { kind: "undo" as const, params: { undoes: "set-cache-ttl" as const } };

  it("rulesOf", () => {
    expect(rulesOf(undoOfLimit)).toBe("raise-memory-limit");
    expect(rulesOf({ kind: "restart-pod" })).toBe("restart-pod");
  });

  it("two people when the change needs two, one when it needs one", () => {
    expect(requiredApprovals("undo", "worker", policy, rulesOf(undoOfLimit))).toBe(2);
    expect(requiredApprovals("undo", "worker", policy, rulesOf(undoOfTtl))).toBe(1);
  });

  it("the requester of a four-eyes change may not approve its undo", () => {
    const request = { userId: "U1", userGroups: [], requestedBy: "U1", actionKind: "undo" as const, policy };
    expect(mayApprove({ ...request, rules: rulesOf(undoOfLimit) })).toMatchObject({
      allowed: false,
      reason: "requester_may_not_approve",
    });
    expect(mayApprove({ ...request, rules: rulesOf(undoOfTtl) })).toEqual({ allowed: true });
  });
});

describe("currentValue (the pod template now)", () => {
  const d = (container: Partial<DeploymentInfo["containers"][number]>) =>
    ({
      containers: [{ name: "rdev-api", memoryLimit: "1Gi", memoryRequest: null, env: {}, ...container }],
    }) as unknown as DeploymentInfo;
  const ttl = spec({ undoes: "set-cache-ttl", envName: "CACHE_TTL", expected: "15s", previousUnset: true });

  it("an env var moved to a Secret (valueFrom) is a change, never 'already unset'", () => {
    const current = currentValue(d({ envFromRefs: ["CACHE_TTL"] }), "rdev-api", ttl);
    expect(current).toBe(FROM_REFERENCE);
    const decision = decideUndo(ttl, current);
    expect(decision.kind).toBe("changed");
    expect(decision.kind === "changed" && decision.message).toMatch(
      /^CACHE_TTL is set from a reference \(valueFrom\) now, not the 15s the bot set/,
    );
  });

  it("reads the literal value, or null when absent", () => {
    expect(currentValue(d({ env: { CACHE_TTL: "15s" } }), "rdev-api", ttl)).toBe("15s");
    expect(currentValue(d({}), "rdev-api", ttl)).toBeNull();
  });
});
