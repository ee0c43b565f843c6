// The `/rdev` slash command: ack at once (Slack waits 3 s at most), then answer. Every command gets
// an answer: past a rate limit, with Redis unreachable, or when the command itself fails.
import type { App } from "@slack/bolt";
import { withCluster } from "../../clusters/names.ts";
import { commandCluster } from "../../clusters/route.ts";
import { isConnectionError } from "../../redis.ts";
import { helpBlocks } from "../../render/blocks/help.ts";
import type { ReaderCheck } from "../access/readers.ts";
import type { AppDeps } from "../deps.ts";
import { postToResponseUrl } from "../reply.ts";
import { runHistory } from "./history.ts";
import { runIncident } from "./incident.ts";
import { parseRdevCommand } from "./parse.ts";
import { createCommandLimiter, limitedText } from "./rate-limit.ts";
import { runStatus } from "./status.ts";

export const RDEV_COMMAND = "/rdev";

export const REDIS_DOWN_TEXT =
  ":warning: I cannot reach Redis right now, so I cannot answer that. Nothing was changed; please try again in a minute.";
export const REPLAY_UNCHECKED_TEXT =
  ":warning: I could not make sure this request is not a replay (Redis was unreachable or has just restarted), so nothing was started. Please run the command again.";

export function registerRdevCommand(app: App, deps: AppDeps & { readers: ReaderCheck }): void {
  const { namespace, deployment } = deps.config.runbook.target;
  const limit = createCommandLimiter(deps, {
    perUser: deps.config.limits.commandsPerUserPerMinute,
    perChannel: deps.config.limits.commandsPerChannelPerMinute,
  });
  app.command(RDEV_COMMAND, async ({ ack, command, context }) => {
    await ack();
    deps.metrics.slackRequests.inc({ kind: "command" });
    const parsed = parseRdevCommand(command.text, { namespace, deployment }, deps.config.clusters.names);
    const responseUrl = command.response_url;
    const ephemeral = (text: string) =>
      postToResponseUrl(responseUrl, { text, response_type: "ephemeral" }, deps.fetch);
    if (parsed.kind === "refused") return await ephemeral(parsed.message);
    if (parsed.kind === "help") {
      const help = helpBlocks({
        command: command.command,
        target: `${namespace}/${deployment}`,
        problem: parsed.problem,
        clusters: deps.config.clusters.names,
      });
      return await postToResponseUrl(responseUrl, { ...help, response_type: "ephemeral" }, deps.fetch);
    }
    const verdict = await limit(command.user_id, command.channel_id);
    if (!verdict.ok) {
      deps.metrics.limited.inc({ limit: `commands_per_${verdict.scope}` });
      return await ephemeral(limitedText(verdict));
    }
    try {
      switch (parsed.kind) {
        case "status":
          // Starting a diagnosis changes state: never on a request that may be a replay.
          if (context.replayChecked === false)
            return await ephemeral(deps.redis.status === "ready" ? REPLAY_UNCHECKED_TEXT : REDIS_DOWN_TEXT);
          {
            const chosen = commandCluster(parsed.cluster, deps.config.clusters.names);
            if (!chosen.ok) return await ephemeral(chosen.reason);
            return await runStatus(deps, {
              target: withCluster(parsed.target, chosen.cluster),
              channel: command.channel_id,
              userId: command.user_id,
              responseUrl,
            });
          }
        case "history":
        case "incident": {
          // Incidents are for the alert channel's members (or INCIDENT_READER_GROUP_IDS).
          const access = await deps.readers.check(command.user_id);
          if (!access.allowed) return await ephemeral(access.message);
          if (parsed.kind === "incident") return await runIncident(deps, { id: parsed.id, responseUrl });
          return await runHistory(deps, { responseUrl, ...(parsed.limit ? { limit: parsed.limit } : {}) });
        }
      }
    } catch (error) {
      if (isConnectionError(error)) return await ephemeral(REDIS_DOWN_TEXT);
      deps.logger.error({ err: error, command: parsed.kind }, "/rdev command failed");
      await ephemeral(":warning: That command failed on my side; nothing was changed. Please try again.");
    }
  });
}
