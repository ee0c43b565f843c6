// Approval buttons and the modal for parameterised actions. A button's value is only a proposal
// id; everything else comes from the proposal store. Answers to the clicker are ephemeral.
import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { z } from "zod";
import { recordRefusal } from "../../history/record.ts";
import { RedisUnavailableError } from "../../redis.ts";
import { claimFailureMessage, type Proposal } from "../../remediation/proposals.ts";
import {
  APPROVAL_MODAL_CALLBACK,
  approvalModal,
  approvedLine,
  MODAL_ACTION_ID,
  MODAL_BLOCK_ID,
  type ModalKind,
  refusalModal,
} from "../blocks/approval.ts";
import { PROPOSAL_ACTION_PREFIX } from "../blocks/diagnosis.ts";
import type { AppDeps } from "../deps.ts";
import { PARAMETERISED } from "../proposal-input.ts";
import { postToResponseUrl } from "../reply.ts";
import { type ApproveDeps, approveProposal, checkPolicy } from "./approve.ts";
import { showDecided } from "./decided-message.ts";
import { describeProposal } from "./describe.ts";
import { validateModalValue } from "./validate.ts";

const REDIS_DOWN =
  ":warning: I cannot reach Redis right now, so nothing was approved or started. Please try again.";

/** What the modal's submission needs back; kept short (private_metadata holds 3000 characters). */
const ModalMetadata = z.object({
  p: z.string(),
  c: z.string(),
  m: z.string().nullable(),
  t: z.string().nullable(),
});

export type Click = {
  proposalId: string;
  userId: string;
  channel: string;
  messageTs: string | null;
  threadTs: string | null;
  isEphemeral: boolean;
  responseUrl: string;
  triggerId: string;
  message: { text: string; blocks: unknown[] } | null;
};

/** The parts of a block_actions payload an approval needs. Pure. */
export function clickOf(body: BlockAction<ButtonAction>, action: ButtonAction): Click {
  const container = body.container as {
    channel_id?: string;
    message_ts?: string;
    thread_ts?: string;
    is_ephemeral?: boolean;
  };
  const messageTs = body.message?.ts ?? container.message_ts ?? null;
  return {
    proposalId: action.value ?? "",
    userId: body.user.id,
    channel: body.channel?.id ?? container.channel_id ?? "",
    messageTs,
    threadTs: (body.message?.thread_ts as string | undefined) ?? container.thread_ts ?? messageTs,
    isEphemeral: container.is_ephemeral === true,
    responseUrl: body.response_url,
    triggerId: body.trigger_id,
    message: body.message
      ? { text: body.message.text ?? "", blocks: (body.message.blocks as unknown[]) ?? [] }
      : null,
  };
}

const modalValue = (p: Proposal): string =>
  (p.action.kind === "raise-memory-limit" ? p.action.params.memoryLimit : p.action.params.ttl) ?? "";

export function registerApprovalListeners(app: App, deps: AppDeps & ApproveDeps): void {
  const limits = deps.config.runbook.limits;
  const ephemeral = (url: string, text: string) =>
    postToResponseUrl(url, { text, response_type: "ephemeral", replace_original: false }, deps.fetch);

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
      if (open && PARAMETERISED.has(proposal.action.kind)) {
        // trigger_id expires 3 s after the click: open the modal before anything slow.
        const opened = await deps.slack.views.open({
          trigger_id: click.triggerId,
          view: approvalModal({
            kind: proposal.action.kind as ModalKind,
            title: describeProposal(proposal),
            initialValue: modalValue(proposal),
            hint:
              proposal.action.kind === "raise-memory-limit"
                ? `A quantity like 1Gi, at most ${limits.memoryLimitMax}`
                : "A duration like 15s, 5m or 1h",
            privateMetadata: JSON.stringify({
              p: proposal.id,
              c: click.channel,
              m: click.messageTs,
              t: click.threadTs,
            }),
          }),
        });
        const decision = await checkPolicy(deps, proposal, click.userId);
        if (!decision.allowed) {
          deps.metrics.approvals.inc({ outcome: "denied" });
          deps.metrics.proposalDecisions.inc({ action: proposal.action.kind, decision: "denied" });
          await recordRefusal(deps.incidents, {
            incidentId: proposal.incidentId,
            proposalId: proposal.id,
            action: proposal.action.kind,
            reason: "denied",
            message: decision.message,
            by: click.userId,
          });
          if (opened.view?.id)
            await deps.slack.views.update({ view_id: opened.view.id, view: refusalModal(decision.message) });
          await ephemeral(click.responseUrl, decision.message);
        }
        return;
      }
      const outcome = await approveProposal(deps, {
        proposalId: click.proposalId,
        userId: click.userId,
        threadTs: click.threadTs,
        proposal,
      });
      if (!outcome.ok) return await ephemeral(click.responseUrl, outcome.message);
      await showDecided(deps, {
        ...click,
        line: approvedLine({
          userId: click.userId,
          title: describeProposal(outcome.proposal),
          at: outcome.job.approvedAt,
          jobId: outcome.jobId,
        }),
      });
    },
  );

  app.view(APPROVAL_MODAL_CALLBACK, async ({ ack, body, view }) => {
    deps.metrics.slackRequests.inc({ kind: "view" });
    const meta = ModalMetadata.parse(JSON.parse(view.private_metadata || "{}"));
    const fieldError = (message: string) =>
      ack({ response_action: "errors", errors: { [MODAL_BLOCK_ID]: message.slice(0, 300) } });
    const proposal = await deps.proposals.get(meta.p);
    if (!proposal || !PARAMETERISED.has(proposal.action.kind)) {
      return await fieldError(claimFailureMessage({ ok: false, reason: "not_found" }));
    }
    const raw = view.state.values[MODAL_BLOCK_ID]?.[MODAL_ACTION_ID]?.value;
    const valid = validateModalValue(proposal.action.kind as ModalKind, raw, limits);
    if (!valid.ok) return await fieldError(valid.error);
    const outcome = await approveProposal(deps, {
      proposalId: proposal.id,
      userId: body.user.id,
      threadTs: meta.t,
      overrides: valid.params,
      proposal,
    });
    if (!outcome.ok) return await fieldError(outcome.message);
    await ack();
    await showDecided(deps, {
      proposalId: proposal.id,
      channel: meta.c,
      messageTs: meta.m,
      threadTs: meta.t,
      message: null,
      isEphemeral: false,
      responseUrl: null,
      line: approvedLine({
        userId: body.user.id,
        title: describeProposal({
          ...outcome.proposal,
          action: { ...outcome.proposal.action, params: outcome.job.params },
        }),
        at: outcome.job.approvedAt,
        jobId: outcome.jobId,
        value: valid.value,
      }),
    });
  });
}
