// A new action through the catalog alone (issue 12): a test-only entry, "set-soft-limit" (a value
// the approver may change, risky, changes the pod template), is added to the catalog's module and
// nothing else; the job schema, the approval policy, the diagnosis button, the proposal, its words,
// the value dialog and its check, the timeline label and the bot's own changes all take it from
// there, because those stages read the catalog instead of listing kinds.
import type { Action, Diagnosis } from "@rdev/bot/diagnose/types.ts";
import type {
  ActionEntry,
  CatalogKind,
  UndoableChange,
} from "@rdev/bot/runbooks/high-memory/catalog/index.ts";
import { describe, expect, it, vi } from "vitest";

const KIND = "set-soft-limit";

vi.mock("@rdev/bot/runbooks/high-memory/catalog/index.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("@rdev/bot/runbooks/high-memory/catalog/index.ts")>();
  const fixture: ActionEntry<typeof KIND, null> = {
    kind: KIND,
    name: "Set soft limit",
    risky: true,
    fourEyesByDefault: true,
    changesTemplate: true,
    recordsPrevious: true,
    undoable: null,
    restartsPods: false,
    targetsPod: false,
    fixes: true,
    stampsRestart: false,
    confirm: null,
    value: {
      param: "memoryLimit",
      modalTitle: "Set soft limit",
      label: "New soft limit",
      hint: () => "A quantity like 900Mi",
      validate: (value) =>
        /^\d+Mi$/.test(value)
          ? { ok: true, params: { memoryLimit: value }, value }
          : { ok: false, error: "Use Mi, like 900Mi." },
    },
    label: (p) => `Set the soft limit to ${p.memoryLimit ?? "?"}`,
    title: (p, where) => `Soft limit ${p.memoryLimit ?? "?"} for ${where}`,
    describe: (p, where) => `Set the soft limit of ${where} to ${p.memoryLimit ?? "?"}`,
    button: () => "Set soft limit",
    propose: (a, deployment) =>
      (a.kind as string) === KIND
        ? { params: { memoryLimit: "900Mi" }, target: { namespace: "rdev", deployment } }
        : null,
  };
  const CATALOG = { ...real.CATALOG, [KIND]: fixture } as unknown as typeof real.CATALOG;
  const ACTION_KINDS = Object.keys(CATALOG) as [CatalogKind, ...CatalogKind[]];
  const entryOf = (kind: string) =>
    Object.hasOwn(CATALOG, kind) ? (CATALOG[kind as CatalogKind] as ActionEntry<CatalogKind>) : undefined;
  const kindsWhere = (test: (e: ActionEntry) => boolean) => ACTION_KINDS.filter((k) => test(CATALOG[k]));
  return {
    ...real,
    CATALOG,
    ACTION_KINDS,
    entryOf,
    kindsWhere,
    VALUE_KINDS: kindsWhere((e) => e.value !== null),
    UNDOABLE_KINDS: kindsWhere((e) => e.undoable !== null),
    undoableOf: (kind: string): UndoableChange | null => entryOf(kind)?.undoable ?? null,
  };
});

// Imported after the mock is in place (vi.mock is hoisted above these).
const { ActionKind, RemediateJob } = await import("@rdev/bot/queue/jobs.ts");
const { RISKY_ACTIONS, ACTION_NAMES, ApprovalPolicy } = await import("@rdev/bot/approve/policy.ts");
const { ApprovalEnvShape } = await import("@rdev/bot/config/approval.ts");
const { proposalParts, PARAMETERISED } = await import("@rdev/bot/slack/proposal-input.ts");
const { describeProposal } = await import("@rdev/bot/slack/approvals/describe.ts");
const { validateModalValue } = await import("@rdev/bot/slack/approvals/validate.ts");
const { approvalModal } = await import("@rdev/bot/render/blocks/approval.ts");
const { button } = await import("@rdev/bot/render/blocks/diagnosis.ts");
const { actionLabel } = await import("@rdev/bot/history/action-label.ts");
const { actionTitle } = await import("@rdev/bot/remediate/actions/index.ts");
const { previousValue } = await import("@rdev/bot/worker/remediate-steps.ts");

const offered = {
  id: `${KIND}:rdev-api`,
  kind: KIND,
  title: "Set the soft limit",
  reason: "test",
  destructive: true,
  kubectl: null,
  params: { namespace: "rdev", deployment: "rdev-api" },
} as unknown as Action;
const diagnosis = { target: { namespace: "rdev", deployment: "rdev-api" } } as unknown as Diagnosis;

describe("an action added to the catalog alone", () => {
  it("is a job kind, risky, and two-person by default", () => {
    expect(ActionKind.parse(KIND)).toBe(KIND);
    expect(ActionKind.safeParse("not-an-action").success).toBe(false);
    expect(RISKY_ACTIONS).toContain(KIND);
    expect(ACTION_NAMES[KIND as CatalogKind]).toBe("Set soft limit");
    expect(ApprovalPolicy.parse({ approverUserIds: [], approverGroupIds: [] }).fourEyesActions).toContain(
      KIND,
    );
    expect(ApprovalEnvShape.FOUR_EYES_ACTIONS.parse(undefined)).toContain(KIND);
    expect(ApprovalEnvShape.FOUR_EYES_ACTIONS.parse(KIND)).toEqual([KIND]);
  });

  it("goes from a diagnosis button to a proposal with its words", () => {
    expect(button(offered, { actionKind: KIND, proposalId: "p1" }, 0).text.text).toBe("Set soft limit");
    const parts = proposalParts(offered, diagnosis);
    expect(parts).toEqual({
      kind: KIND,
      params: { memoryLimit: "900Mi" },
      target: { namespace: "rdev", deployment: "rdev-api" },
    });
    if (!parts) return;
    expect(PARAMETERISED.has(parts.kind)).toBe(true);
    expect(
      describeProposal({ action: { kind: parts.kind, params: parts.params }, target: parts.target }),
    ).toBe("Set the soft limit of rdev/rdev-api to 900Mi");
    const job = RemediateJob.parse({
      proposalId: "p1",
      action: parts.kind,
      params: parts.params,
      target: parts.target,
      replyTo: { channel: "C1", threadTs: null, incidentId: null },
      approvedBy: "U1",
      approvedAt: 1,
    });
    expect(actionTitle(job)).toBe("Soft limit 900Mi for rdev/rdev-api");
    expect(actionLabel(KIND, job.params)).toBe("Set the soft limit to 900Mi");
    expect(previousValue(KIND, { details: { from: "800Mi" } })).toEqual({
      previous: "800Mi",
      wasUnset: false,
    });
  });

  it("gets its value dialog and its check", () => {
    const limits = { memoryLimitMaxBytes: 4 * 1024 ** 3, memoryLimitMax: "4Gi" };
    const kind = KIND as CatalogKind;
    const modal = approvalModal({
      kind,
      title: "t",
      initialValue: "900Mi",
      hint: "h",
      privateMetadata: "{}",
    });
    expect(modal.title.text).toBe("Set soft limit");
    expect(JSON.stringify(modal.blocks)).toContain("New soft limit");
    expect(validateModalValue(kind, " 950Mi ", limits)).toEqual({
      ok: true,
      params: { memoryLimit: "950Mi" },
      value: "950Mi",
    });
    expect(validateModalValue(kind, "1Gi", limits)).toEqual({ ok: false, error: "Use Mi, like 900Mi." });
  });
});
