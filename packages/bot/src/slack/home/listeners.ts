// The history surfaces' listeners: App Home (app_home_opened), the "Timeline" buttons of history
// rows and Home, and "Export postmortem draft". Registered from src/slack/listeners.ts.
import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { SHOW_INCIDENT_ACTION } from "../../render/blocks/history.ts";
import { EXPORT_POSTMORTEM_ACTION } from "../../render/blocks/timeline.ts";
import type { ReaderCheck } from "../access/readers.ts";
import { runIncident } from "../commands/incident.ts";
import { exportPostmortem } from "../commands/postmortem.ts";
import type { AppDeps } from "../deps.ts";
import { postToResponseUrl } from "../reply.ts";
import { publishHome } from "./publish.ts";

export function registerHistoryListeners(app: App, deps: AppDeps & { readers: ReaderCheck }): void {
  /** Says why not (privately, or in a modal from App Home) when `userId` may not read incidents. */
  const refused = async (
    userId: string,
    where: { responseUrl?: string | undefined; triggerId: string },
  ): Promise<boolean> => {
    const access = await deps.readers.check(userId);
    if (access.allowed) return false;
    if (where.responseUrl)
      await postToResponseUrl(
        where.responseUrl,
        { text: access.message, response_type: "ephemeral", replace_original: false },
        deps.fetch,
      );
    else
      await deps.slack.views.open({
        trigger_id: where.triggerId,
        view: {
          type: "modal",
          title: { type: "plain_text", text: "Not allowed" },
          close: { type: "plain_text", text: "Close" },
          blocks: [{ type: "section", text: { type: "mrkdwn", text: access.message } }],
        },
      });
    return true;
  };

  app.event("app_home_opened", async ({ event }) => {
    deps.metrics.slackRequests.inc({ kind: "event" });
    if (event.tab !== "home") return;
    await publishHome(deps, event.user);
  });

  app.action<BlockAction<ButtonAction>>(SHOW_INCIDENT_ACTION, async ({ ack, body, action }) => {
    await ack();
    deps.metrics.slackRequests.inc({ kind: "action" });
    const id = action.value ?? "";
    if (await refused(body.user.id, { responseUrl: body.response_url, triggerId: body.trigger_id })) return;
    // Buttons in messages come with a response_url; App Home's do not, so a modal shows it there.
    if (body.response_url) await runIncident(deps, { id, responseUrl: body.response_url });
    else await runIncident(deps, { id, triggerId: body.trigger_id });
  });

  app.action<BlockAction<ButtonAction>>(EXPORT_POSTMORTEM_ACTION, async ({ ack, body, action }) => {
    await ack();
    deps.metrics.slackRequests.inc({ kind: "action" });
    if (await refused(body.user.id, { responseUrl: body.response_url, triggerId: body.trigger_id })) return;
    // Only ever into the incident's own thread (from the store), whatever the click came with.
    const result = await exportPostmortem(deps, { incidentId: action.value ?? "", userId: body.user.id });
    if (!body.response_url) return;
    const text = result.ok
      ? ":memo: The postmortem draft is in the incident's thread."
      : `:warning: ${result.message}`;
    await postToResponseUrl(
      body.response_url,
      { text, response_type: "ephemeral", replace_original: false },
      deps.fetch,
    );
  });
}
