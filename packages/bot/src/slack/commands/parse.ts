// `/rdev` command text -> what to do. Pure. Anything unknown or malformed becomes help with the
// reason, so the user learns the right form instead of getting a bare error. A problem is mrkdwn:
// the user's words escaped, the commands it suggests as code spans.
import type { Target } from "../../queue/jobs.ts";
import { code, escapeMrkdwn } from "../../render/blocks/escape.ts";
import { suggestCommand } from "./suggest.ts";

export type RdevCommand =
  /** `mem status [target] [cluster]`: cluster absent when none was named (the only one, or ask). */
  | { kind: "status"; target: Target; cluster?: string }
  /** `mem history [n]`: the n most recent incidents (limit absent: the default). */
  | { kind: "history"; limit?: number }
  /** `incident <id>`: one incident's timeline (a full id or its first characters). */
  | { kind: "incident"; id: string }
  /** problem: mrkdwn, safe to post as is (the user's words escaped). */
  | { kind: "help"; problem: string | null }
  /** Well-formed, but not something this bot may look at. */
  | { kind: "refused"; message: string };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The user's words, clipped and escaped for mrkdwn. */
const shown = (text: string) => escapeMrkdwn(text.length > 60 ? `${text.slice(0, 57)}...` : text);

/** "I do not know …", with the closest command when one is close. */
function unknown(words: readonly string[], what: string): RdevCommand {
  const guess = suggestCommand(words.join(" "));
  return {
    kind: "help",
    problem: `I do not know "${shown(what)}".${guess ? ` Did you mean ${code(`/rdev ${guess}`)}?` : ""}`,
  };
}

/** Most incidents `mem history n` lists (one message holds 50 blocks). */
export const HISTORY_MAX = 40;
const INCIDENT_ID = /^[A-Za-z0-9_-]{4,100}$/;

function parseIncident(words: readonly string[]): RdevCommand {
  const [, id, ...rest] = words;
  if (id === undefined)
    return { kind: "help", problem: `"incident" needs an incident id, as ${code("mem history")} shows it.` };
  if (rest.length > 0) return { kind: "help", problem: `Too many arguments: "${shown(words.join(" "))}".` };
  if (!INCIDENT_ID.test(id)) {
    return {
      kind: "help",
      problem: `"${shown(id)}" is not an incident id: copy the id ${code("mem history")} shows.`,
    };
  }
  return { kind: "incident", id };
}

function parseHistory(count: string | undefined, words: readonly string[]): RdevCommand {
  if (count === undefined) return { kind: "history" };
  if (!/^\d{1,4}$/.test(count) || Number(count) < 1 || Number(count) > HISTORY_MAX) {
    return {
      kind: "help",
      problem: `I do not know "${shown(words.join(" "))}": give a number of incidents from 1 to ${HISTORY_MAX}, like ${code("mem history 20")}.`,
    };
  }
  return { kind: "history", limit: Number(count) };
}

/** "rdev/rdev-api" or "rdev-api" (configured namespace) -> Target; a reason (mrkdwn) when malformed. */
export function parseTarget(arg: string, fallbackNamespace: string): Target | { problem: string } {
  const parts = arg.split("/");
  const [namespace, deployment] = parts.length === 1 ? [fallbackNamespace, parts[0]] : parts;
  if (
    parts.length > 2 ||
    !namespace ||
    !deployment ||
    !DNS_LABEL.test(namespace) ||
    !DNS_SUBDOMAIN.test(deployment)
  ) {
    return {
      problem: `"${shown(arg)}" is not a namespace/deployment: use lowercase DNS names like rdev/rdev-api.`,
    };
  }
  return { namespace, deployment };
}

/** A `mem status` argument naming a cluster: one of `clusters`, or `cluster=<name>`. */
function clusterArg(word: string, clusters: readonly string[]): string | null {
  const named = /^cluster=(.*)$/i.exec(word);
  if (named) return named[1] ?? "";
  return clusters.includes(word) ? word : null;
}

export function parseRdevCommand(
  text: string,
  allowed: Target,
  clusters: readonly string[] = [],
): RdevCommand {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const [first, second, third, ...rest] = words.map((w, i) => (i < 2 ? w.toLowerCase() : w));
  if (first === undefined || first === "help" || first === "-h" || first === "--help") {
    return { kind: "help", problem: null };
  }
  if (first === "incident") return parseIncident(words);
  if (first !== "mem" && first !== "memory") return unknown(words, words.join(" "));
  if (second === "history") {
    if (rest.length > 0) return { kind: "help", problem: `Too many arguments: "${shown(words.join(" "))}".` };
    return parseHistory(third, words);
  }
  if (second !== "status") {
    return second
      ? unknown(words, `mem ${second}`)
      : { kind: "help", problem: `"mem" needs "status" or "history".` };
  }
  // A cluster (a name of CLUSTERS, or cluster=<name>) may come before or after the target.
  const args = [third, ...rest].filter((w): w is string => w !== undefined);
  const clusterWords = args.filter((w) => clusterArg(w, clusters) !== null);
  const others = args.filter((w) => clusterArg(w, clusters) === null);
  if (clusterWords.length > 1 || others.length > 1)
    return { kind: "help", problem: `Too many arguments: "${shown(words.join(" "))}".` };
  const cluster =
    clusterWords[0] === undefined ? {} : { cluster: clusterArg(clusterWords[0], clusters) ?? "" };
  const targetWord = others[0];
  if (targetWord === undefined) return { kind: "status", target: { ...allowed }, ...cluster };
  const target = parseTarget(targetWord, allowed.namespace);
  if ("problem" in target) return { kind: "help", problem: target.problem };
  if (target.namespace !== allowed.namespace || target.deployment !== allowed.deployment) {
    return {
      kind: "refused",
      message: `Sorry, I only look after ${allowed.namespace}/${allowed.deployment}, not ${target.namespace}/${target.deployment}. Try \`mem status\` without a target.`,
    };
  }
  return { kind: "status", target, ...cluster };
}
