// The diagnosis' "Time to OOM" and "What changed" section. Pure.
import type { SectionBlock } from "@slack/types";
import { changeSentence, forecastSentence } from "../../diagnose/foresight/describe.ts";
import type { Diagnosis } from "../../diagnose/types.ts";
import { clocksDiffer } from "../../diagnose/when.ts";
import { clip, escapeWithTerms } from "./escape.ts";
import { SLACK_LIMITS as L } from "./limits.ts";

const MAX_PODS = 4;

/** True when the diagnosis' durations are the (faster) cluster clock's. */
export const clusterClockOf = (d: Pick<Diagnosis, "takenAt" | "gatheredAt">): boolean =>
  clocksDiffer(Date.parse(d.takenAt), Date.parse(d.gatheredAt));

/** Names to set as code in foresight text: pods and images. */
export function foresightTerms(d: Diagnosis): string[] {
  const fs = d.foresight;
  if (!fs) return [];
  const images =
    fs.change?.kind === "rollout"
      ? fs.change.changes.flatMap((c) => c.split(" ").filter((w) => w.includes(":")))
      : [];
  return [...fs.pods.map((p) => p.pod), ...images];
}

export function foresightBlock(d: Diagnosis): SectionBlock | null {
  const fs = d.foresight;
  if (!fs || fs.pods.length === 0) return null;
  const terms = foresightTerms(d);
  const clusterClock = clusterClockOf(d);
  const first = fs.pods[0];
  if (first?.status === "unknown" && fs.pods.every((p) => p.status === "unknown"))
    return {
      type: "section",
      text: {
        type: "mrkdwn",
        text: clip(`*Time to OOM*: no forecast yet (${first.reason}).`, L.sectionText),
      },
    };
  const shown = fs.pods
    .slice(0, MAX_PODS)
    .map((p) => `• ${escapeWithTerms(forecastSentence(p, clusterClock), terms)}`);
  if (fs.pods.length > MAX_PODS) shown.push(`• … and ${fs.pods.length - MAX_PODS} more pods`);
  const change = changeSentence(fs.change);
  const text = [
    `*Time to OOM* (working set from ${fs.source}, straight-line fit, 95% range)`,
    ...shown,
    ...(change ? [`*What changed:* ${escapeWithTerms(change, terms)}`] : []),
  ].join("\n");
  return { type: "section", text: { type: "mrkdwn", text: clip(text, L.sectionText) } };
}
