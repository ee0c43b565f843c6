import { describe, expect, it } from "vitest";
import {
  type ActionKind,
  ApprovalPolicy,
  mayApprove,
  parseIdList,
  RISKY_ACTIONS,
} from "../../src/remediation/policy.ts";

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
