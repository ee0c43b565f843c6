import {
  type ActionKind,
  ApprovalPolicy,
  approvalsSatisfy,
  mayApprove,
  parseIdList,
  RISKY_ACTIONS,
  requiredApprovals,
  whoCanApprove,
} from "@rdev/bot/approve/policy.ts";
import { describe, expect, it } from "vitest";

const ONCALL = "S0ONCALL";
const policy = ApprovalPolicy.parse({ approverUserIds: ["U0LEAD"], approverGroupIds: [ONCALL] });

describe("mayApprove", () => {
  type Row = [
    string,
    { userId: string; userGroups?: string[]; requestedBy: string; actionKind: ActionKind },
    string,
  ];
  const rows: Row[] = [
    [
      "a listed approver",
      { userId: "U0LEAD", requestedBy: "U0DEV", actionKind: "rolling-restart" },
      "allowed",
    ],
    [
      "a member of the approver group",
      { userId: "U0ANNA", userGroups: [ONCALL], requestedBy: "U0DEV", actionKind: "restart-pod" },
      "allowed",
    ],
    [
      "someone outside both",
      { userId: "U0EVE", userGroups: ["S0OTHER"], requestedBy: "U0DEV", actionKind: "restart-pod" },
      "not_an_approver",
    ],
    [
      "the requester of a risky action",
      { userId: "U0LEAD", requestedBy: "U0LEAD", actionKind: "raise-memory-limit" },
      "requester_may_not_approve",
    ],
    [
      "the requester of set-cache-ttl",
      { userId: "U0ANNA", userGroups: [ONCALL], requestedBy: "U0ANNA", actionKind: "set-cache-ttl" },
      "requester_may_not_approve",
    ],
    [
      "the requester of a pod restart (not risky)",
      { userId: "U0LEAD", requestedBy: "U0LEAD", actionKind: "restart-pod" },
      "allowed",
    ],
    [
      "the requester of a heap profile",
      { userId: "U0LEAD", requestedBy: "U0LEAD", actionKind: "capture-heap-profile" },
      "allowed",
    ],
    [
      "an approver for an alert-made proposal",
      { userId: "U0LEAD", requestedBy: "alertmanager", actionKind: "rolling-restart" },
      "allowed",
    ],
    [
      "a non-approver who is also the requester",
      { userId: "U0EVE", requestedBy: "U0EVE", actionKind: "rolling-restart" },
      "not_an_approver",
    ],
  ];
  it.each(rows)("%s", (_label, request, expected) => {
    const decision = mayApprove({ userGroups: [], ...request, policy });
    expect(decision.allowed ? "allowed" : decision.reason).toBe(expected);
    if (!decision.allowed) expect(decision.message.length).toBeGreaterThan(20);
  });

  it("names the approver group in the refusal", () => {
    const decision = mayApprove({
      userId: "U0EVE",
      userGroups: [],
      requestedBy: "U0DEV",
      actionKind: "restart-pod",
      policy,
    });
    expect(decision).toMatchObject({
      allowed: false,
      message: expect.stringContaining("<!subteam^S0ONCALL>"),
    });
  });

  it("refuses everyone when no approvers are configured, saying what to configure", () => {
    const empty = ApprovalPolicy.parse({ approverUserIds: [], approverGroupIds: [] });
    const decision = mayApprove({
      userId: "U0LEAD",
      userGroups: [],
      requestedBy: "U0DEV",
      actionKind: "restart-pod",
      policy: empty,
    });
    expect(decision).toMatchObject({ allowed: false, reason: "no_approvers_configured" });
    expect(!decision.allowed && decision.message).toMatch(/configure approver/);
  });

  it("lets anyone approve when configured so, still keeping four-eyes", () => {
    const open = ApprovalPolicy.parse({ approverUserIds: [], approverGroupIds: [], anyoneMayApprove: true });
    expect(
      mayApprove({
        userId: "U0X",
        userGroups: [],
        requestedBy: "U0Y",
        actionKind: "rolling-restart",
        policy: open,
      }).allowed,
    ).toBe(true);
    expect(
      mayApprove({
        userId: "U0Y",
        userGroups: [],
        requestedBy: "U0Y",
        actionKind: "rolling-restart",
        policy: open,
      }).allowed,
    ).toBe(false);
  });

  it("can switch four-eyes off", () => {
    const solo = ApprovalPolicy.parse({
      approverUserIds: ["U0LEAD"],
      approverGroupIds: [],
      fourEyesActions: [],
    });
    expect(
      mayApprove({
        userId: "U0LEAD",
        userGroups: [],
        requestedBy: "U0LEAD",
        actionKind: "rolling-restart",
        policy: solo,
      }).allowed,
    ).toBe(true);
  });

  it("defaults four-eyes to the risky actions", () => {
    expect(policy.fourEyesActions).toEqual([...RISKY_ACTIONS]);
    expect(RISKY_ACTIONS).toEqual(["rolling-restart", "raise-memory-limit", "set-cache-ttl", "rollback"]);
  });
});

describe("ApprovalPolicy", () => {
  it.each([
    [{ approverUserIds: ["lead"], approverGroupIds: [] }, /Slack user id/],
    [{ approverUserIds: [], approverGroupIds: ["oncall"] }, /user group id/],
    [{ approverUserIds: [], approverGroupIds: [], fourEyesActions: ["reboot-node"] }, /fourEyesActions/],
  ])("rejects %j", (input, pattern) => {
    const parsed = ApprovalPolicy.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toMatch(pattern);
  });
});

describe("parseIdList", () => {
  it.each([
    ["U1,U2", ["U1", "U2"]],
    [" U1 ,  U2 U3 ", ["U1", "U2", "U3"]],
    ["", []],
    [undefined, []],
  ])("%j -> %j", (text, ids) => {
    expect(parseIdList(text)).toEqual(ids);
  });
});

describe("two people for risky actions", () => {
  it.each([
    ["rolling-restart", "alertmanager", 2],
    ["raise-memory-limit", "alertmanager", 2],
    ["restart-pod", "alertmanager", 1],
    ["rolling-restart", "U0DEV", 1],
    ["capture-heap-profile", "alertmanager", 1],
  ] as const)("%s proposed by %s needs %i approver(s)", (kind, by, n) => {
    expect(requiredApprovals(kind, by, policy)).toBe(n);
  });

  it("refuses the same person twice and says who else can approve", () => {
    const decision = mayApprove({
      userId: "U0LEAD",
      userGroups: [],
      requestedBy: "alertmanager",
      actionKind: "rolling-restart",
      policy,
      approvedBy: ["U0LEAD"],
    });
    expect(decision).toEqual({
      allowed: false,
      reason: "already_approved",
      message:
        "You have already approved *Rolling restart*; it needs a second, different person: anyone in <!subteam^S0ONCALL> (other than <@U0LEAD>).",
    });
  });

  it("names actions for people, not by their ids", () => {
    const decision = mayApprove({
      userId: "U0LEAD",
      userGroups: [],
      requestedBy: "U0LEAD",
      actionKind: "raise-memory-limit",
      policy,
    });
    expect(!decision.allowed && decision.message).toMatch(/^\*Raise memory limit\* needs a second person/);
    expect(!decision.allowed && decision.message).not.toContain("raise-memory-limit");
  });

  it.each([
    [{ anyoneMayApprove: true }, [], "anyone"],
    [{ anyoneMayApprove: true }, ["U0A"], "anyone other than <@U0A>"],
    [{ approverUserIds: ["U0A", "U0B"] }, ["U0A"], "<@U0B>"],
    [{ approverUserIds: ["U0A"] }, ["U0A"], null],
    [{ approverUserIds: ["U0A"], approverGroupIds: ["S0G"] }, [], "<@U0A> or anyone in <!subteam^S0G>"],
  ] as const)("whoCanApprove(%j, without %j) = %j", (p, exclude, expected) => {
    const parsed = ApprovalPolicy.parse({ approverUserIds: [], approverGroupIds: [], ...p });
    expect(whoCanApprove(parsed, exclude)).toBe(expected);
  });

  it("approvalsSatisfy: distinct approvers, each allowed, as many as needed", () => {
    const check = (approvals: { userId: string; userGroups?: string[] }[], requestedBy = "alertmanager") =>
      approvalsSatisfy({
        approvals: approvals.map((a) => ({ userGroups: [], ...a })),
        requestedBy,
        actionKind: "rolling-restart",
        policy,
      });
    expect(check([{ userId: "U0LEAD" }, { userId: "U0ANNA", userGroups: [ONCALL] }])).toBeNull();
    expect(check([{ userId: "U0LEAD" }])).toBe("Rolling restart needs 2 approvers and has 1");
    expect(check([{ userId: "U0LEAD" }, { userId: "U0LEAD" }])).toBe("the same person approved twice");
    expect(check([{ userId: "U0LEAD" }, { userId: "U0EVE" }])).toMatch(
      /<@U0EVE> may not approve it \(not_an_approver\)/,
    );
    expect(check([{ userId: "U0LEAD" }], "U0DEV")).toBeNull();
    expect(check([{ userId: "U0LEAD" }], "U0LEAD")).toMatch(/requester_may_not_approve/);
  });
});
