// `/rdev incident <id>` and the "Timeline" buttons of the history views: one incident's timeline,
// privately. From a message (a command or a button in one) the answer goes to its response_url;
// from App Home, which has none, it opens in a modal.
import type { ModalView } from "@slack/types";
import { findIncident } from "../../history/query.ts";
import { clip, code, escapeMrkdwn } from "../../render/blocks/escape.ts";
import { incidentTimelineBlocks } from "../../render/blocks/timeline.ts";
import type { AppDeps } from "../deps.ts";
import { type HistoryViewDeps, summarise } from "../home/data.ts";
import { postToResponseUrl } from "../reply.ts";

export type IncidentRequest = { id: string } & ({ responseUrl: string } | { triggerId: string });

/** The timeline message, or a sentence saying why there is none. */
export async function incidentMessage(
  deps: HistoryViewDeps,
  id: string,
): Promise<{ text: string; blocks?: ReturnType<typeof incidentTimelineBlocks>["blocks"] }> {
  const result = await findIncident(deps, id);
  if (result.found) {
    const [summary] = await summarise(deps, [result.found]);
    if (summary) return incidentTimelineBlocks(summary);
  }
  if ("problem" in result) return { text: `Sorry, ${escapeMrkdwn(result.problem)}.` };
  if ("candidates" in result && result.candidates.length > 1) {
    return {
      text: `Several incidents start with ${code(id)}: ${result.candidates.map((c) => code(c)).join(", ")}. Give more of the id.`,
    };
  }
  return {
    text: `No incident ${code(id)}: it never existed or expired after the history retention. \`/rdev mem history\` lists the ones kept.`,
  };
}

function modalOf(message: Awaited<ReturnType<typeof incidentMessage>>): ModalView {
  return {
    type: "modal",
    title: { type: "plain_text", text: "Incident timeline" },
    close: { type: "plain_text", text: "Close" },
    blocks: message.blocks ?? [{ type: "section", text: { type: "mrkdwn", text: clip(message.text, 3000) } }],
  };
}

export async function runIncident(
  deps: HistoryViewDeps & Pick<AppDeps, "fetch">,
  request: IncidentRequest,
): Promise<void> {
  const message = await incidentMessage(deps, request.id);
  if ("triggerId" in request) {
    await deps.slack.views.open({ trigger_id: request.triggerId, view: modalOf(message) });
    return;
  }
  await postToResponseUrl(
    request.responseUrl,
    { ...message, response_type: "ephemeral", replace_original: false },
    deps.fetch,
  );
}
