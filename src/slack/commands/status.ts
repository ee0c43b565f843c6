// `/rdev mem status`: say "Gathering diagnostics..." where the command was typed and queue a
// diagnose job whose replies go into that message's thread. The worker posts the diagnosis there.
import type { Target } from "../../queue/jobs.ts";
import { RedisUnavailableError } from "../../redis.ts";
import type { AppDeps } from "../deps.ts";
import { postInConversation, postToResponseUrl } from "../reply.ts";

export type StatusRequest = {
  target: Target;
  channel: string;
  userId: string;
  responseUrl: string;
};

const REDIS_DOWN =
  ":warning: I cannot reach Redis, so I cannot queue the diagnosis right now. Nothing was started; please try again in a minute.";

export async function runStatus(
  deps: Pick<AppDeps, "slack" | "fetch" | "queues" | "now" | "newId" | "metrics">,
  request: StatusRequest,
): Promise<void> {
  const { target, channel, userId, responseUrl } = request;
  const ephemeral = (text: string) =>
    postToResponseUrl(responseUrl, { text, response_type: "ephemeral" }, deps.fetch);
  try {
    await deps.queues.ping();
  } catch (error) {
    if (!(error instanceof RedisUnavailableError)) throw error;
    deps.metrics.jobsEnqueued.inc({ queue: "diagnose", outcome: "redis_unavailable" });
    await ephemeral(REDIS_DOWN);
    return;
  }
  const where = `${target.namespace}/${target.deployment}`;
  const posted = await postInConversation(
    deps.slack,
    { channel, responseUrl },
    { text: `:mag: Gathering diagnostics for \`${where}\`… (asked by <@${userId}>)` },
    deps.fetch,
  );
  try {
    await deps.queues.enqueueDiagnose({
      requestId: deps.newId(),
      target,
      replyTo: {
        channel: posted.channel,
        threadTs: posted.ts,
        incidentId: null,
        ...(posted.via === "response_url" ? { responseUrl } : {}),
      },
      requestedBy: userId,
      heapProfile: false,
      requestedAt: deps.now(),
    });
    deps.metrics.jobsEnqueued.inc({ queue: "diagnose", outcome: "queued" });
  } catch (error) {
    if (!(error instanceof RedisUnavailableError)) throw error;
    deps.metrics.jobsEnqueued.inc({ queue: "diagnose", outcome: "redis_unavailable" });
    await ephemeral(REDIS_DOWN);
  }
}
