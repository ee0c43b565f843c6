// The worker's side effects on the incident: messages in the thread (same helper as the app, with
// the response_url fallback) and entries on the incident timeline.
import type { KnownBlock } from "@slack/types";
import { IncidentNotFoundError } from "../intake/store.ts";
import type { Logger } from "../logger.ts";
import type { ReplyTo } from "../queue/jobs.ts";
import { type Posted, postInConversation } from "../slack/reply.ts";
import type { WorkerDeps } from "./deps.ts";

export type Message = { text: string; blocks: KnownBlock[] };

export async function post(
  deps: Pick<WorkerDeps, "slack">,
  replyTo: ReplyTo,
  message: Message,
): Promise<Posted> {
  return await postInConversation(
    deps.slack,
    { channel: replyTo.channel, threadTs: replyTo.threadTs, responseUrl: replyTo.responseUrl ?? null },
    message,
  );
}

/** Posts, and logs instead of throwing: for failure notes while the job is failing anyway. */
export async function postBestEffort(
  deps: Pick<WorkerDeps, "slack">,
  log: Logger,
  replyTo: ReplyTo,
  message: Message,
): Promise<void> {
  try {
    await post(deps, replyTo, message);
  } catch (error) {
    log.warn({ err: error }, "could not post to the thread");
  }
}

/** Entry types the incident's root message shows (actions and verdicts): they re-render it. */
const ROOT_FACTS = /^(action_|verification_)/;

/**
 * Appends to the incident's timeline when the job belongs to one; a vanished incident is logged.
 * Facts the root shows re-render it from the store (coalesced).
 */
export async function record(
  deps: Pick<WorkerDeps, "incidents" | "roots">,
  log: Logger,
  replyTo: ReplyTo,
  type: string,
  data: Record<string, unknown>,
): Promise<void> {
  const id = replyTo.incidentId;
  if (!id) return;
  try {
    // The store stamps the entry with its own (real) clock, like the app's entries.
    await deps.incidents.appendTimeline(id, { type, by: "worker", data });
    if (ROOT_FACTS.test(type)) await deps.roots.changed(id);
  } catch (error) {
    if (!(error instanceof IncidentNotFoundError)) throw error;
    log.warn({ incidentId: id }, "incident no longer exists; timeline entry dropped");
  }
}

/** Attaches a file to the thread (files.getUploadURLExternal + upload + completeUploadExternal). */
export async function uploadFile(
  deps: Pick<WorkerDeps, "slack">,
  replyTo: ReplyTo,
  file: { name: string; title: string; bytes: Buffer; comment?: string },
): Promise<void> {
  const common = {
    file: file.bytes,
    filename: file.name,
    title: file.title,
    channel_id: replyTo.channel,
    ...(file.comment ? { initial_comment: file.comment } : {}),
  };
  if (replyTo.threadTs) await deps.slack.filesUploadV2({ ...common, thread_ts: replyTo.threadTs });
  else await deps.slack.filesUploadV2(common);
}
