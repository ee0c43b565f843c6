// Approval buttons and the modal for parameterised actions. A button's value is only a proposal
// id; everything else (the action, who may approve, where the answer goes) comes from the proposal
// store. The policy is checked at the click, before any dialog, and a refusal is said once,
// privately. Two-person actions show who approved and who is still needed under their button.
import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { z } from "zod";
import { clusterOf } from "../../clusters/names.ts";
import { recordRefusal } from "../../history/record.ts";
import { claimFailureMessage, type Proposal } from "../../propose/proposals.ts";
import { RedisUnavailableError } from "../../redis.ts";
import {
  APPROVAL_CONFIRM_CALLBACK,
  APPROVAL_MODAL_CALLBACK,
  approvalModal,
  approvedLine,
  confirmModal,
  MODAL_ACTION_ID,
  MODAL_BLOCK_ID,
  type ModalKind,
  pendingLine,
} from "../../render/blocks/approval.ts";
import { PROPOSAL_ACTION_PREFIX } from "../../render/blocks/diagnosis.ts";
import { CATALOG, entryOf, VALUE_KINDS } from "../../runbooks/high-memory/catalog/index.ts";
import type { AppDeps } from "../deps.ts";
import { PARAMETERISED } from "../proposal-input.ts";
import { postToResponseUrl } from "../reply.ts";
import { type ApproveDeps, type ApproveOutcome, approveProposal, checkPolicy } from "./approve.ts";
import { type DecidedMessage, showDecided } from "./decided-message.ts";
import { describeProposal } from "./describe.ts";
import { validateModalValue } from "./validate.ts";

const REDIS_DOWN =
  ":warning: I cannot reach Redis right now, so nothing was approved or started. Please try again.";

/** What the modal's submission needs back: the proposal id only (the rest is in the store). */
export const ModalMetadata = z.object({
  p: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
  /** The value modal's kind: only to check the value's form before the ack (the proposal decides). */
  k: z.enum(VALUE_KINDS).optional(),
});

/** The modal kind a value modal says it is for, or null. */
export function modalKind(privateMetadata: string | undefined): ModalKind | null {
  try {
    const parsed = ModalMetadata.safeParse(JSON.parse(privateMetadata ?? ""));
    return parsed.success ? (parsed.data.k ?? null) : null;
  } catch {
    return null;
  }
}

/** Actions confirmed in the app's own modal after the policy check (the others have a value to set). */
const confirmOf = (kind: string) => entryOf(kind)?.confirm ?? null;

const BAD_METADATA =
  "This form is damaged or out of date, so nothing was approved. Close it and click the button again.";

/** The proposal id of a modal's private_metadata, or null when it is not ours (tampered, truncated). */
export function modalProposalId(privateMetadata: string | undefined): string | null {
  try {
    const parsed = ModalMetadata.safeParse(JSON.parse(privateMetadata ?? ""));
    return parsed.success ? parsed.data.p : null;
  } catch {
    return null;
  }
}

export type Click = {
  proposalId: string;
  userId: string;
  channel: string;
  messageTs: string | null;
  isEphemeral: boolean;
  responseUrl: string;
  triggerId: string;
  message: { text: string; blocks: unknown[] } | null;
};

/** The parts of a block_actions payload an approval needs. Pure. */
export function clickOf(body: BlockAction<ButtonAction>, action: ButtonAction): Click {
  const container = body.container as { channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
  return {
    proposalId: action.value ?? "",
    userId: body.user.id,
    channel: body.channel?.id ?? container.channel_id ?? "",
    messageTs: body.message?.ts ?? container.message_ts ?? null,
    isEphemeral: container.is_ephemeral === true,
    responseUrl: body.response_url,
    triggerId: body.trigger_id,
    message: body.message
      ? { text: body.message.text ?? "", blocks: (body.message.blocks as unknown[]) ?? [] }
      : null,
  };
}

const modalValue = (p: Proposal): string => {
  const params = p.approvedParams ?? p.action.params;
  const form = CATALOG[p.action.kind].value;
  return (form ? params[form.param] : undefined) ?? "";
};

/** The message showing the decision: the proposal's own message, wherever the click came from. */
function decidedMessage(p: Proposal, click: Click | null, line: string, mode: DecidedMessage["mode"]) {
  const same = click !== null && click.messageTs === p.messageTs && click.channel === p.channel;
  return {
    proposalId: p.id,
    line,
    mode,
    channel: p.channel,
    messageTs: p.messageTs,
    threadTs: p.threadTs ?? p.messageTs,
    message: same ? click.message : null,
    isEphemeral: same ? click.isEphemeral : false,
    responseUrl: same ? click.responseUrl : null,
  } satisfies DecidedMessage;
}

export function registerApprovalListeners(app: App, deps: AppDeps & ApproveDeps): void {
  const limits = deps.config.runbook.limits;
  const ephemeral = (url: string, text: string) =>
    postToResponseUrl(url, { text, response_type: "ephemeral", replace_original: false }, deps.fetch);

  /** After an approval that counted: the buttons' message (and, for a half-approved one, the thread). */
  const show = async (
    outcome: ApproveOutcome & { ok: true },
    userId: string,
    click: Click | null,
    value?: string,
  ) => {
    const p = outcome.proposal;
    const params = outcome.kind === "queued" ? outcome.job.params : (p.approvedParams ?? p.action.params);
    const title = describeProposal({ ...p, action: { ...p.action, params } });
    const userIds = p.approvals.length > 0 ? p.approvals.map((a) => a.userId) : [userId];
    const at = p.approvals.at(-1)?.at ?? deps.now();
    if (outcome.kind === "queued") {
      const line = approvedLine({ userIds, title, at, jobId: outcome.jobId, value: value ?? null });
      await showDecided(deps, decidedMessage(p, click, line, "decided"));
      return;
    }
    const line = pendingLine({ userIds, title, at, needed: outcome.needed, value: value ?? null });
    await showDecided(deps, decidedMessage(p, click, line, "pending"));
    // The thread hears it too, so the people who can give the second approval are asked.
    await deps.slack.chat.postMessage({
      channel: p.channel,
      text: line,
      ...(p.threadTs || p.messageTs ? { thread_ts: p.threadTs ?? p.messageTs ?? undefined } : {}),
    });
  };

  app.action<BlockAction<ButtonAction>>(
    { type: "block_actions", action_id: new RegExp(`^${PROPOSAL_ACTION_PREFIX}`) },
    async ({ ack, body, action }) => {
      await ack();
      deps.metrics.slackRequests.inc({ kind: "action" });
      const click = clickOf(body, action);
      const proposal = await deps.proposals.get(click.proposalId).catch((error: unknown) => {
        if (error instanceof RedisUnavailableError) return "redis_down" as const;
        throw error;
      });
      if (proposal === "redis_down") return await ephemeral(click.responseUrl, REDIS_DOWN);
      if (proposal === null)
        return await ephemeral(click.responseUrl, claimFailureMessage({ ok: false, reason: "not_found" }));
      const open = proposal.status === "pending" && proposal.expiresAt > deps.now();
      if (open) {
        // Refuse early and once: before any dialog, one private message.
        const decision = await checkPolicy(deps, proposal, click.userId);
        if (!decision.allowed) {
          deps.metrics.approvals.inc({ outcome: "denied" });
          deps.metrics.proposalDecisions.inc({
            action: proposal.action.kind,
            decision: "denied",
            cluster: clusterOf(proposal.target.cluster),
          });
          await recordRefusal(deps.incidents, {
            incidentId: proposal.incidentId,
            proposalId: proposal.id,
            action: proposal.action.kind,
            reason: "denied",
            message: decision.message,
            by: click.userId,
          });
          return await ephemeral(click.responseUrl, decision.message);
        }
      }
      const fixed = proposal.approvals.length > 0;
      const confirm = confirmOf(proposal.action.kind);
      if (open && confirm) {
        await deps.slack.views.open({
          trigger_id: click.triggerId,
          view: confirmModal({
            kind: proposal.action.kind,
            title: describeProposal(proposal),
            confirmLabel: confirm.label,
            note: fixed
              ? `Approved by ${proposal.approvals.map((a) => `<@${a.userId}>`).join(" and ")}; yours is the second approval.`
              : null,
            privateMetadata: JSON.stringify({ p: proposal.id }),
          }),
        });
        return;
      }
      const form = CATALOG[proposal.action.kind].value;
      if (open && form) {
        const kind: ModalKind = proposal.action.kind;
        await deps.slack.views.open({
          trigger_id: click.triggerId,
          view: approvalModal({
            kind,
            title: describeProposal(proposal),
            initialValue: modalValue(proposal),
            hint: fixed
              ? `The value <@${proposal.approvals[0]?.userId}> approved; the second approval is for the same value`
              : form.hint(limits),
            privateMetadata: JSON.stringify({ p: proposal.id, k: kind }),
          }),
        });
        return;
      }
      const outcome = await approveProposal(deps, {
        proposalId: click.proposalId,
        userId: click.userId,
        proposal,
      });
      if (!outcome.ok) return await ephemeral(click.responseUrl, outcome.message);
      await show(outcome, click.userId, click);
    },
  );

  /** The proposal a modal was opened for, or a sentence saying why there is none. */
  const modalProposal = async (
    privateMetadata: string | undefined,
    userId: string,
  ): Promise<{ error: string } | { proposal: Proposal }> => {
    const proposalId = modalProposalId(privateMetadata);
    if (proposalId === null) {
      deps.logger.warn({ userId }, "approval modal with malformed private_metadata");
      return { error: BAD_METADATA };
    }
    const proposal = await deps.proposals.get(proposalId);
    if (!proposal) return { error: claimFailureMessage({ ok: false, reason: "not_found" }) };
    return { proposal };
  };

  /**
   * The decision after a modal was acknowledged (closed): a slow Slack (user groups) or Redis never
   * keeps the submission from its ack. A refusal is one private message where the proposal's
   * buttons are; an approval shows in the thread as from a button.
   */
  const decideLater = (
    userId: string,
    decide: () => Promise<{ refusal: string; proposal: Proposal | null } | null>,
  ) => {
    const tell = async (refusal: string, proposal: Proposal | null) => {
      if (!proposal) {
        deps.logger.warn({ userId, refusal }, "approval modal refused without a proposal to answer in");
        return;
      }
      await deps.slack.chat.postEphemeral({
        channel: proposal.channel,
        user: userId,
        text: refusal,
        ...(proposal.threadTs ? { thread_ts: proposal.threadTs } : {}),
      });
    };
    void decide()
      .then((refused) => (refused ? tell(refused.refusal, refused.proposal) : undefined))
      .catch((error: unknown) => deps.logger.error({ err: error, userId }, "approval decision failed"));
  };

  app.view(APPROVAL_MODAL_CALLBACK, async ({ ack, body, view }) => {
    deps.metrics.slackRequests.inc({ kind: "view" });
    const fieldError = (message: string) =>
      ack({ response_action: "errors", errors: { [MODAL_BLOCK_ID]: message.slice(0, 300) } });
    // The value's form is checked at once (no I/O), so a typo gets its field error in the modal.
    const raw = view.state.values[MODAL_BLOCK_ID]?.[MODAL_ACTION_ID]?.value;
    // Malformed metadata is ours to refuse at once (no I/O): the field error says so.
    if (modalProposalId(view.private_metadata) === null) return await fieldError(BAD_METADATA);
    const said = modalKind(view.private_metadata);
    if (said !== null) {
      const form = validateModalValue(said, raw, limits);
      if (!form.ok) return await fieldError(form.error);
    }
    await ack();
    decideLater(body.user.id, async () => {
      const found = await modalProposal(view.private_metadata, body.user.id);
      if ("error" in found) return { refusal: found.error, proposal: null };
      const { proposal } = found;
      const refuse = (refusal: string) => ({ refusal, proposal });
      if (!PARAMETERISED.has(proposal.action.kind) || (said !== null && proposal.action.kind !== said))
        return refuse(claimFailureMessage({ ok: false, reason: "not_found" }));
      const valid = validateModalValue(proposal.action.kind, raw, limits);
      if (!valid.ok) return refuse(valid.error);
      const outcome = await approveProposal(deps, {
        proposalId: proposal.id,
        userId: body.user.id,
        overrides: valid.params,
        proposal,
      });
      if (!outcome.ok) return refuse(outcome.message);
      await show(outcome, body.user.id, null, valid.value);
      return null;
    });
  });

  app.view(APPROVAL_CONFIRM_CALLBACK, async ({ ack, body, view }) => {
    deps.metrics.slackRequests.inc({ kind: "view" });
    await ack();
    decideLater(body.user.id, async () => {
      const found = await modalProposal(view.private_metadata, body.user.id);
      if ("error" in found) return { refusal: found.error, proposal: null };
      const { proposal } = found;
      if (!confirmOf(proposal.action.kind))
        return { refusal: claimFailureMessage({ ok: false, reason: "not_found" }), proposal };
      const outcome = await approveProposal(deps, {
        proposalId: proposal.id,
        userId: body.user.id,
        proposal,
      });
      if (!outcome.ok) return { refusal: outcome.message, proposal };
      await show(outcome, body.user.id, null);
      return null;
    });
  });
}
