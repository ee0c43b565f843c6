import {
  canonicalJson,
  type SealedApproval,
  type SealedOrigin,
  sealApproval,
  sealOrigin,
  signingKey,
  verifyOrigin,
  verifySeal,
} from "@rdev/bot/propose/seal.ts";
import { describe, expect, it } from "vitest";

const key = signingKey("k".repeat(32), "xoxb-unused");
const approval: SealedApproval = {
  id: "p1",
  incidentId: "inc-1",
  kind: "raise-memory-limit",
  params: { memoryLimit: "1Gi" },
  target: { namespace: "rdev", deployment: "rdev-api" },
  requestedBy: "alertmanager",
  channel: "C0OPS",
  threadTs: "1.000001",
  approvals: [
    { userId: "U0A", at: 1 },
    { userId: "U0B", at: 2 },
  ],
  claimedAt: 2,
};

describe("the approval seal", () => {
  it("verifies its own seal, with key order and undefined fields irrelevant", () => {
    const seal = sealApproval(key, approval);
    expect(verifySeal(key, approval, seal)).toBe(true);
    const reordered = {
      ...approval,
      params: { memoryLimit: "1Gi", ttl: undefined },
      target: { deployment: "rdev-api", namespace: "rdev" },
    };
    expect(verifySeal(key, reordered, seal)).toBe(true);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
  });

  it.each([
    ["another value", { params: { memoryLimit: "4Gi" } }],
    ["another target", { target: { namespace: "kube-system", deployment: "coredns" } }],
    ["another pod", { target: { namespace: "rdev", deployment: "rdev-api", pod: "x", podUid: "u" } }],
    ["one approver fewer", { approvals: [{ userId: "U0A", at: 1 }] }],
    [
      "another approver",
      {
        approvals: [
          { userId: "U0A", at: 1 },
          { userId: "U0C", at: 2 },
        ],
      },
    ],
    ["another requester", { requestedBy: "U0A" }],
    ["another thread", { threadTs: "9.9" }],
    ["a later approval time", { claimedAt: 3 }],
    ["another proposal", { id: "p2" }],
  ] as const)("rejects %s", (_label, change) => {
    const seal = sealApproval(key, approval);
    expect(verifySeal(key, { ...approval, ...change } as SealedApproval, seal)).toBe(false);
  });

  it("rejects another key's seal, and anything that is not a seal", () => {
    const other = signingKey(null, "xoxb-1-abc");
    expect(verifySeal(key, approval, sealApproval(other, approval))).toBe(false);
    expect(signingKey(null, "xoxb-1-abc").equals(signingKey(null, "xoxb-1-abc"))).toBe(true);
    for (const bad of [null, "", "zz", "0".repeat(64)]) expect(verifySeal(key, approval, bad)).toBe(false);
  });
});

describe("the origin seal", () => {
  const origin: SealedOrigin = {
    id: "p1",
    incidentId: "inc-1",
    kind: "rolling-restart",
    params: {},
    target: { namespace: "rdev", deployment: "rdev-api" },
    requestedBy: "alertmanager",
    channel: "C0OPS",
    threadTs: "1.000001",
    createdAt: 10,
    expiresAt: 20,
  };

  it.each([
    ["a person as requester (one approver instead of two)", { requestedBy: "U0EVE" }],
    ["a later expiry", { expiresAt: 99 }],
    ["another action", { kind: "raise-memory-limit", params: { memoryLimit: "4Gi" } }],
    ["another channel", { channel: "C0ELSEWHERE" }],
    ["another pod", { target: { namespace: "rdev", deployment: "rdev-api", pod: "x", podUid: "u" } }],
  ] as const)("rejects %s", (_label, change) => {
    const seal = sealOrigin(key, origin);
    expect(verifyOrigin(key, origin, seal)).toBe(true);
    expect(verifyOrigin(key, { ...origin, ...change } as SealedOrigin, seal)).toBe(false);
  });

  it("is not interchangeable with an approval seal", () => {
    expect(sealOrigin(key, origin)).not.toBe(
      sealApproval(key, { ...approval, ...origin, approvals: [], claimedAt: 10 }),
    );
  });
});
