// The `/rdev` slash command: ack at once (Slack waits 3 s at most), then answer.
import type { App } from "@slack/bolt";
import { helpBlocks } from "../blocks/help.ts";
import type { AppDeps } from "../deps.ts";
import { postToResponseUrl } from "../reply.ts";
import { runHistory } from "./history.ts";
import { runIncident } from "./incident.ts";
import { parseRdevCommand } from "./parse.ts";
import { runStatus } from "./status.ts";

export const RDEV_COMMAND = "/rdev";

export function registerRdevCommand(app: App, deps: AppDeps): void {
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
        return await runHistory(deps, { responseUrl, ...(parsed.limit ? { limit: parsed.limit } : {}) });
      case "incident":
        return await runIncident(deps, { id: parsed.id, responseUrl });
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
