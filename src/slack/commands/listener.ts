// The `/rdev` slash command: ack at once (Slack waits 3 s at most), then answer.
import type { App } from "@slack/bolt";
import type { ReaderCheck } from "../access/readers.ts";
import { helpBlocks } from "../blocks/help.ts";
import type { AppDeps } from "../deps.ts";
import { postToResponseUrl } from "../reply.ts";
import { runHistory } from "./history.ts";
import { runIncident } from "./incident.ts";
import { parseRdevCommand } from "./parse.ts";
import { runStatus } from "./status.ts";

export const RDEV_COMMAND = "/rdev";

export function registerRdevCommand(app: App, deps: AppDeps & { readers: ReaderCheck }): void {
  const { namespace, deployment } = deps.config.runbook.target;
  app.command(RDEV_COMMAND, async ({ ack, command }) => {
    await ack();
    deps.metrics.slackRequests.inc({ kind: "command" });
    const parsed = parseRdevCommand(command.text, { namespace, deployment });
    const responseUrl = command.response_url;
    switch (parsed.kind) {
      case "status":
        return await runStatus(deps, {
          target: parsed.target,
          channel: command.channel_id,
          userId: command.user_id,
          responseUrl,
        });
      case "history":
      case "incident": {
        // Incidents are for the alert channel's members (or INCIDENT_READER_GROUP_IDS).
        const access = await deps.readers.check(command.user_id);
        if (!access.allowed)
          return await postToResponseUrl(
            responseUrl,
            { text: access.message, response_type: "ephemeral" },
            deps.fetch,
          );
        if (parsed.kind === "incident") return await runIncident(deps, { id: parsed.id, responseUrl });
        return await runHistory(deps, { responseUrl, ...(parsed.limit ? { limit: parsed.limit } : {}) });
      }
      case "refused":
        return await postToResponseUrl(
          responseUrl,
          { text: parsed.message, response_type: "ephemeral" },
          deps.fetch,
        );
      case "help": {
        const help = helpBlocks({
          command: command.command,
          target: `${namespace}/${deployment}`,
          problem: parsed.problem,
        });
        return await postToResponseUrl(responseUrl, { ...help, response_type: "ephemeral" }, deps.fetch);
      }
    }
  });
}
