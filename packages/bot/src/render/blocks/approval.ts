// Approval views: the message after a decision (buttons replaced by who decided what and when),
// and the modal for parameterised actions (the catalog's entries with a value form). Pure.
import type { KnownBlock, ModalView } from "@slack/types";
import { ACTION_KINDS, CATALOG, type CatalogKind } from "../../runbooks/high-memory/catalog/index.ts";
import { clip, code, escapeMrkdwn, plain } from "./escape.ts";
import { SLACK_LIMITS as L } from "./limits.ts";

export const APPROVAL_MODAL_CALLBACK = "rdev_approve_params";
/** The confirmation of an action without parameters (the catalog's entries with `confirm`). */
export const APPROVAL_CONFIRM_CALLBACK = "rdev_approve_confirm";
export const MODAL_BLOCK_ID = "value";
export const MODAL_ACTION_ID = "value";

type Element = { type?: string; value?: string };
type LooseBlock = { type: string; accessory?: Element; elements?: Element[] } & Record<string, unknown>;

/**
 * The message's blocks with the proposal's button(s) removed and `line` added as a context block
 * right after where they were. Blocks without the proposal are kept as they are.
 */
export function markDecided(blocks: readonly unknown[], proposalId: string, line: string): KnownBlock[] {
  const note: KnownBlock = {
    type: "context",
    elements: [{ type: "mrkdwn", text: clip(line, L.contextText) }],
  };
  const out: unknown[] = [];
  let marked = false;
  for (const raw of blocks) {
    const block = raw as LooseBlock;
    if (block.accessory?.value === proposalId) {
      const { accessory: _removed, ...rest } = block;
      out.push(rest, note);
      marked = true;
    } else if (block.type === "actions" && block.elements?.some((e) => e.value === proposalId)) {
      const elements = (block.elements ?? []).filter((e) => e.value !== proposalId);
      if (elements.length > 0) out.push({ ...block, elements });
      out.push(note);
      marked = true;
    } else out.push(raw);
  }
  if (!marked) out.push(note);
  return out.slice(0, L.blocksPerMessage) as KnownBlock[];
}

/** Where the approvals of a two-person action are shown under its button. */
export const approvalsBlockId = (proposalId: string) => `approvals-${proposalId}`.slice(0, 255);

/**
 * The message's blocks with the proposal's button(s) kept and `line` shown right after them (in
 * place of an earlier such line): who has approved and who is still needed.
 */
export function markPending(blocks: readonly unknown[], proposalId: string, line: string): KnownBlock[] {
  const blockId = approvalsBlockId(proposalId);
  const note: KnownBlock = {
    type: "context",
    block_id: blockId,
    elements: [{ type: "mrkdwn", text: clip(line, L.contextText) }],
  };
  const kept = blocks.filter((b) => (b as { block_id?: string }).block_id !== blockId);
  const at = kept.findIndex((raw) => {
    const block = raw as LooseBlock;
    return (
      block.accessory?.value === proposalId ||
      (block.type === "actions" && (block.elements ?? []).some((e) => e.value === proposalId))
    );
  });
  const out = at === -1 ? [...kept, note] : [...kept.slice(0, at + 1), note, ...kept.slice(at + 1)];
  return out.slice(0, L.blocksPerMessage) as KnownBlock[];
}

const utcTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;

const people = (ids: readonly string[]) => ids.map((u) => `<@${u}>`).join(" and ");

/** "✅ <@U1> and <@U2> approved Rolling restart of rdev/rdev-api at 2026-11-26 03:12 UTC; queued as remediate-…" */
export function approvedLine(options: {
  userIds: readonly string[];
  title: string;
  at: number;
  jobId: string;
  value?: string | null;
}): string {
  const value = options.value ? ` with ${code(options.value)}` : "";
  return `:white_check_mark: ${people(options.userIds)} approved *${escapeMrkdwn(options.title)}*${value} at ${utcTime(options.at)}; queued as ${code(options.jobId)}`;
}

/** "⏳ <@U1> approved Rolling restart … at …; it needs a second approver: <@U2> or anyone in …" */
export function pendingLine(options: {
  userIds: readonly string[];
  title: string;
  at: number;
  needed: string;
  value?: string | null;
}): string {
  const value = options.value ? ` with ${code(options.value)}` : "";
  return `:hourglass_flowing_sand: ${people(options.userIds)} approved *${escapeMrkdwn(options.title)}*${value} at ${utcTime(options.at)}; it needs a second, different approver: ${options.needed}.`;
}

/** A kind with a value form (the catalog's VALUE_KINDS). */
export type ModalKind = CatalogKind;

export type ApprovalModalOptions = {
  kind: ModalKind;
  /** What the action does, e.g. "Raise the memory limit of rdev/rdev-api". */
  title: string;
  initialValue: string;
  /** Shown as a hint: "at most 4Gi" or "like 15s". */
  hint: string;
  /** JSON the submission needs back (proposal id, message). At most 3000 characters. */
  privateMetadata: string;
};

export function approvalModal(o: ApprovalModalOptions): ModalView {
  const form = CATALOG[o.kind].value;
  const t = { title: form?.modalTitle ?? "Approve", label: form?.label ?? "Value" };
  return {
    type: "modal",
    callback_id: APPROVAL_MODAL_CALLBACK,
    private_metadata: o.privateMetadata,
    title: { type: "plain_text", text: t.title },
    submit: { type: "plain_text", text: "Approve" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: clip(
            `${escapeMrkdwn(o.title)}\nThe deployment's pods are replaced one at a time.`,
            L.sectionText,
          ),
        },
      },
      {
        type: "input",
        block_id: MODAL_BLOCK_ID,
        label: { type: "plain_text", text: t.label },
        hint: { type: "plain_text", text: clip(plain(o.hint), 150) },
        element: {
          type: "plain_text_input",
          action_id: MODAL_ACTION_ID,
          initial_value: o.initialValue,
          max_length: 32,
        },
      },
    ],
  };
}

/** What each action does, for its confirmation. */
export const CONFIRM_TEXT: Record<string, string> = Object.fromEntries(
  ACTION_KINDS.flatMap((k) => {
    const confirm = CATALOG[k].confirm;
    return confirm ? [[k, confirm.text]] : [];
  }),
);

/**
 * "Restart pod rdev-api-x?" with Approve/Cancel: opened by the app after the policy allowed the
 * click (a Slack `confirm` on the button would show before the app could refuse).
 */
export function confirmModal(o: {
  kind: string;
  /** What the action does, e.g. "Restart pod rdev-api-7c9". */
  title: string;
  /** The submit button, e.g. "Restart pod". */
  confirmLabel: string;
  /** Who else approved already (a two-person action), as a sentence; null for none. */
  note: string | null;
  privateMetadata: string;
}): ModalView {
  const text = [`*${escapeMrkdwn(o.title)}?*`, CONFIRM_TEXT[o.kind] ?? "", o.note ?? ""]
    .filter((t) => t !== "")
    .join("\n");
  return {
    type: "modal",
    callback_id: APPROVAL_CONFIRM_CALLBACK,
    private_metadata: o.privateMetadata,
    title: { type: "plain_text", text: "Approve remediation" },
    submit: { type: "plain_text", text: clip(plain(o.confirmLabel), 24) },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [{ type: "section", text: { type: "mrkdwn", text: clip(text, L.sectionText) } }],
  };
}

/** Replaces an opened modal when the user turns out not to be allowed to approve. */
