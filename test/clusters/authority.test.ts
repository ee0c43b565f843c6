// The worker's check of a sealed approval against its own cluster: a proposal made by cluster b's
// worker runs only in b; a job claiming another cluster than its proposal is refused; the cluster
// is sealed, so rewriting it in Redis breaks the seal.

import { checkAuthority } from "@rdev/bot/approve/authority.ts";
import { originOf, type Proposal, sealedApprovalOf } from "@rdev/bot/propose/proposal-model.ts";
import { sealApproval, sealOrigin, signingKey } from "@rdev/bot/propose/seal.ts";
import { describe, expect, it } from "vitest";

const key = signingKey("k".repeat(32), "xoxb-unused");
const NOW = 1_800_000_000_000;

function sealed(cluster: string | undefined): Proposal {
  const base: Proposal = {
    id: "p1",
    incidentId: "inc-1",
    action: { kind: "restart-pod", params: { pod: "rdev-api-x", podUid: "uid-1" } },
    target: {
      namespace: "rdev",
      deployment: "rdev-api",
      pod: "rdev-api-x",
      podUid: "uid-1",
      ...(cluster ? { cluster } : {}),
    },
    requestedBy: "alertmanager",
    channel: "C0OPS",
    threadTs: "1.1",
    messageTs: "1.2",
    expiresAt: NOW + 60_000,
    createdAt: NOW - 1000,
    status: "claimed",
    approvals: [{ userId: "U0ALICE", at: NOW - 500 }],
    approvedParams: { pod: "rdev-api-x", podUid: "uid-1" },
    seal: null,
    originSeal: null,
    claimedBy: "U0ALICE",
    claimedAt: NOW - 500,
    cancelledBy: null,
    cancelledAt: null,
    usedBy: null,
    usedAt: null,
  };
  const originSeal = sealOrigin(key, originOf(base));
  const seal = sealApproval(
    key,
    sealedApprovalOf(base, {
      params: base.approvedParams ?? {},
      approvals: base.approvals,
      claimedAt: NOW - 500,
    }),
  );
  return { ...base, originSeal, seal };
}

const ctx = (cluster: string | undefined) => ({
  policy: {
    approverUserIds: ["U0ALICE"],
    approverGroupIds: [],
    anyoneMayApprove: false,
    fourEyesActions: [],
  },
  signingKey: key,
  target: { namespace: "rdev", deployment: "rdev-api" },
  ...(cluster ? { cluster } : {}),
  groups: new Map(),
  now: NOW,
  maxAgeMs: 3_600_000,
});

const job = (cluster?: string) => ({
  proposalId: "p1",
  action: "restart-pod" as const,
  params: { pod: "rdev-api-x", podUid: "uid-1" },
  target: { namespace: "rdev", deployment: "rdev-api", ...(cluster ? { cluster } : {}) },
});

describe("a sealed approval and the worker's cluster", () => {
  it("runs in the proposal's own cluster", () => {
    expect(checkAuthority(job("b"), sealed("b"), ctx("b"))).toBeNull();
    // Single-cluster setups: no cluster anywhere is the default cluster.
    expect(checkAuthority(job(), sealed(undefined), ctx(undefined))).toBeNull();
    expect(checkAuthority(job(), sealed(undefined), ctx("default"))).toBeNull();
  });

  it("refuses a proposal of another cluster, whatever the job says", () => {
    expect(checkAuthority(job("b"), sealed("b"), ctx("a"))).toMatchObject({
      reason: "wrong_cluster",
      message: "proposal p1 is for cluster b; this worker runs in cluster a",
    });
    expect(checkAuthority(job("a"), sealed("b"), ctx("a"))?.reason).toBe("wrong_cluster");
    expect(checkAuthority(job(), sealed(undefined), ctx("a"))?.reason).toBe("wrong_cluster");
    expect(checkAuthority(job(), sealed("b"), ctx(undefined))?.reason).toBe("wrong_cluster");
  });

  it("refuses a job that names another cluster than its proposal", () => {
    expect(checkAuthority(job("a"), sealed("b"), ctx("b"))?.reason).toBe("altered_target");
  });

  it("seals the cluster: a proposal moved to another cluster in Redis carries a broken seal", () => {
    const moved = sealed("b");
    moved.target = { ...moved.target, cluster: "a" };
    expect(checkAuthority(job("a"), moved, ctx("a"))?.reason).toBe("bad_seal");
  });
});
