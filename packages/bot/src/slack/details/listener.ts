// The Details button of a diagnosis: opens its full report in a modal for whoever clicked. A modal
// (not a thread message) because it is private to the clicker, costs the thread nothing however
// often it is clicked, holds 100 blocks where a message holds 50, and works where the diagnosis
// came through a response_url. The report is read with one Redis GET (stored by the worker before
// it posted), well within the 3 s Slack gives a trigger_id. Registered from src/slack/listeners.ts.
import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { createDiagnosisDetailsStore } from "../../history/diagnosis-details.ts";
import { RedisUnavailableError } from "../../redis.ts";
import { DIAGNOSIS_DETAILS_ACTION } from "../../render/blocks/diagnosis-compact.ts";
import type { AppDeps } from "../deps.ts";
import { detailsModal, detailsNoticeModal } from "./view.ts";

const GONE =
  "These details are no longer kept (older than the history retention). Click *Diagnose again* on the incident, or run `/rdev mem status`, for a fresh diagnosis.";
const ELSEWHERE = "These details belong to a diagnosis posted in another conversation.";
const REDIS_DOWN =
  ":warning: I cannot reach Redis right now, so I cannot show the details. Please try again.";

export function registerDetailsListener(app: App, deps: AppDeps): void {
  const store = createDiagnosisDetailsStore({ redis: deps.redis, prefix: deps.prefix });
  app.action<BlockAction<ButtonAction>>(DIAGNOSIS_DETAILS_ACTION, async ({ ack, body, action }) => {
    await ack();
    deps.metrics.slackRequests.inc({ kind: "action" });
    const open = (view: ReturnType<typeof detailsModal>) =>
      deps.slack.views.open({ trigger_id: body.trigger_id, view });
    let details: Awaited<ReturnType<typeof store.get>>;
    try {
      details = await store.get(action.value ?? "");
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      await open(detailsNoticeModal(REDIS_DOWN));
      return;
    }
    const container = body.container as { channel_id?: string };
    const channel = body.channel?.id ?? container.channel_id ?? "";
    if (!details) await open(detailsNoticeModal(GONE));
    else if (!details.channels.includes(channel)) await open(detailsNoticeModal(ELSEWHERE));
    else await open(detailsModal(details.blocks));
  });
}
