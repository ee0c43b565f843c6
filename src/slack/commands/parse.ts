// `/rdev` command text -> what to do. Pure. Anything unknown or malformed becomes help with the
// reason, so the user learns the right form instead of getting a bare error.
import type { Target } from "../../queue/jobs.ts";

export type RdevCommand =
  | { kind: "status"; target: Target }
  | { kind: "history" }
  | { kind: "help"; problem: string | null }
  /** Well-formed, but not something this bot may look at. */
  | { kind: "refused"; message: string };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const shown = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text);

/** "rdev/rdev-api" or "rdev-api" (configured namespace) -> Target; a reason when malformed. */
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

export function parseRdevCommand(text: string, allowed: Target): RdevCommand {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const [first, second, third, ...rest] = words.map((w, i) => (i < 2 ? w.toLowerCase() : w));
  if (first === undefined || first === "help" || first === "-h" || first === "--help") {
    return { kind: "help", problem: null };
  }
  if (first !== "mem" && first !== "memory") {
    return { kind: "help", problem: `I do not know "${shown(words.join(" "))}".` };
  }
  if (second === "history" && third === undefined) return { kind: "history" };
  if (second !== "status") {
    return {
      kind: "help",
      problem: second ? `I do not know "mem ${shown(second)}".` : `"mem" needs "status" or "history".`,
    };
  }
  if (rest.length > 0) return { kind: "help", problem: `Too many arguments: "${shown(words.join(" "))}".` };
  if (third === undefined) return { kind: "status", target: { ...allowed } };
  const target = parseTarget(third, allowed.namespace);
  if ("problem" in target) return { kind: "help", problem: target.problem };
  if (target.namespace !== allowed.namespace || target.deployment !== allowed.deployment) {
    return {
      kind: "refused",
      message: `Sorry, I only look after ${allowed.namespace}/${allowed.deployment}, not ${target.namespace}/${target.deployment}. Try \`mem status\` without a target.`,
    };
  }
  return { kind: "status", target };
}
