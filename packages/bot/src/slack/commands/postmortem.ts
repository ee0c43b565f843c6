// The "Export postmortem draft" button: the incident's postmortem draft (Markdown) uploaded into
// its thread as a file (files.uploadV2: getUploadURLExternal, upload, completeUploadExternal), and
// recorded on the timeline. The clicker is told privately when it cannot be done. People are named
// in it by their Slack display names (users.info).
import { findIncident } from "../../history/query.ts";
import { recordPostmortem } from "../../history/record.ts";
import { shortId } from "../../render/blocks/history.ts";
import { peopleIn, postmortemMarkdown } from "../../render/blocks/postmortem.ts";
import type { AppDeps } from "../deps.ts";
import { type HistoryViewDeps, summarise } from "../home/data.ts";
import { slackErrorCode } from "../slack-errors.ts";

export type ExportResult =
  | { ok: true; fileId: string | null; channel: string; threadTs: string }
  | { ok: false; message: string };

export async function exportPostmortem(
  deps: HistoryViewDeps & Pick<AppDeps, "logger" | "userNames">,
  input: { incidentId: string; userId: string },
): Promise<ExportResult> {
  const found = await findIncident(deps, input.incidentId);
  if (!found.found) {
    return {
      ok: false,
      message: "This incident is no longer in the history (it expired after the retention).",
    };
  }
  const [summary] = await summarise(deps, [found.found]);
  const root = summary?.root;
  if (!summary || !root)
    return { ok: false, message: "This incident has no Slack thread to put the draft in." };
  const now = deps.now();
  // A file cannot mention anyone: people are named by their display names.
  const names = await deps.userNames.lookup(peopleIn(summary));
  const markdown = postmortemMarkdown(summary, {
    now,
    runbookUrl: found.found.incident.runbookUrl,
    names,
  });
  let fileId: string | null = null;
  try {
    const uploaded = await deps.slack.filesUploadV2({
      channel_id: root.channel,
      thread_ts: root.ts,
      filename: `postmortem-${shortId(summary.id)}.md`,
      title: `Postmortem draft: ${summary.alertName} ${summary.where}`,
      content: markdown,
      initial_comment: `:memo: Postmortem draft, exported by <@${input.userId}>. Download, complete and share it.`,
    });
    fileId = uploaded.files[0]?.files?.[0]?.id ?? null;
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === null) throw error;
    deps.logger.warn({ incidentId: summary.id, error: code }, "postmortem upload refused");
    return {
      ok: false,
      message: `Slack refused the upload (${code}). The bot needs the files:write scope and must be in the thread's channel.`,
    };
  }
  await recordPostmortem(deps.incidents, {
    incidentId: summary.id,
    by: input.userId,
    fileId,
    channel: root.channel,
    threadTs: root.ts,
  });
  return { ok: true, fileId, channel: root.channel, threadTs: root.ts };
}
