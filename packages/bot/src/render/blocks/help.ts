// The /rdev help text, shown privately for `/rdev help` and for anything the bot does not
// understand (with what it did not understand first). Pure.
import type { KnownBlock } from "@slack/types";
import { code } from "./escape.ts";

export type HelpOptions = {
  /** The command as installed ("/rdev"). */
  command: string;
  /** The configured target, "rdev/rdev-api". */
  target: string;
  /** Why help is shown instead of an answer, as mrkdwn (parseRdevCommand's problem); null for `help`. */
  problem: string | null;
  /** The clusters served (CLUSTERS); with more than one, status takes one of them. */
  clusters?: readonly string[];
};

export function helpBlocks(options: HelpOptions): { text: string; blocks: KnownBlock[] } {
  const c = options.command;
  const lines = [
    `${code(`${c} mem status`)} diagnose ${code(options.target)} now: memory per pod, OOM kills, likely cause and the runbook's actions (the answer arrives in a thread)`,
    `${code(`${c} mem status ${options.target}`)} the same, naming the deployment`,
    ...(options.clusters && options.clusters.length > 1
      ? [
          `${code(`${c} mem status <cluster>`)} the same in one cluster: ${options.clusters.map((n) => code(n)).join(", ")}`,
        ]
      : []),
    `${code(`${c} mem history [n]`)} the n most recent incidents (default 10): start, duration, peak memory, cause, actions, outcome, link`,
    `${code(`${c} incident <id>`)} one incident's timeline (the id from \`mem history\`), with a postmortem draft export`,
    `${code(`${c} help`)} this help`,
  ];
  const intro = options.problem ? `${options.problem}\n\n` : "";
  const text = `${intro}*High Memory Usage runbook bot*\n${lines.map((l) => `• ${l}`).join("\n")}`;
  return {
    text: options.problem ?? `${c} help`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text } },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: "Alerts from Alertmanager open a thread by themselves. On an incident: *I'm on it* / *Take over*, *Silence…* / *Unsilence*, *Diagnose again*; on a diagnosis, *Details*; after a limit or TTL change, *Undo*. Remediations, Undo and Silence need an approver.",
          },
        ],
      },
    ],
  };
}
