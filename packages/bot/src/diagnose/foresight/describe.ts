// Foresight in words (plain text; renderers escape and set names as code). Durations are the
// cluster's; `clusterClock` adds "of cluster time" where the cluster's clock is not real time.
import { formatBytes, formatDuration } from "../format.ts";
import type { ChangeFinding, Foresight, PodForecast } from "./types.ts";

const minutes = (ms: number): string => {
  if (ms < 90_000) return formatDuration(ms);
  return `${Math.round(ms / 60_000)} min`;
};

/** "6 min (4–9 min)", "under 30s". */
export function etaText(f: Extract<PodForecast, { status: "climbing" }>): string {
  if (f.etaMs < 30_000) return "under 30s";
  const high = f.highMs === null ? "or never" : `${minutes(f.highMs)}`;
  return `about ${minutes(f.etaMs)} (${minutes(f.lowMs)}–${high})`;
}

export function forecastSentence(f: PodForecast, clusterClock = false): string {
  const of = clusterClock ? " of cluster time" : "";
  switch (f.status) {
    case "climbing":
      return `at this rate ${f.pod} reaches its ${formatBytes(f.limitBytes)} limit in ${etaText(f)}${of} (+${formatBytes(f.bytesPerMinute)}/min over ${f.samples} samples)`;
    case "not-climbing":
      return `${f.pod} is not climbing (${f.bytesPerMinute >= 0 ? "+" : ""}${formatBytes(f.bytesPerMinute)}/min over ${f.samples} samples, ${minutes(f.spanMs)})`;
    case "unknown":
      return `${f.pod}: no forecast (${f.reason})`;
  }
}

/** One line for the root and status: the soonest kill, or that nothing is climbing. */
export function forecastHeadline(fs: Foresight | null | undefined, clusterClock = false): string | null {
  if (!fs || fs.pods.length === 0) return null;
  const first = fs.pods[0];
  if (!first) return null;
  if (first.status === "climbing") {
    const more = fs.pods.filter((p) => p.status === "climbing").length - 1;
    return `${forecastSentence(first, clusterClock)}${more > 0 ? `; ${more} more pod${more === 1 ? "" : "s"} climbing` : ""}`;
  }
  if (fs.pods.some((p) => p.status === "not-climbing")) return "No pod is climbing.";
  return `No forecast yet (${first.status === "unknown" ? first.reason : "no samples"}).`;
}

export function changeSentence(c: ChangeFinding | null | undefined): string | null {
  if (!c) return null;
  switch (c.kind) {
    case "rollout": {
      const after = Date.parse(c.climbFrom) - Date.parse(c.at);
      const cause = c.changeCause ? ` ("${c.changeCause}")` : "";
      const who = c.byBot ? ` It was the bot's own action: ${c.byBot}.` : "";
      return `Memory began climbing ${formatDuration(after)} after the rollout of revision ${c.revision}${cause}: ${c.changes.join(", ")}. ${c.climbing} of its ${c.of} pods are climbing; revision ${c.previousRevision} was running before.${who}`;
    }
    case "predates":
      return c.newest
        ? `The climb predates any change: the newest rollout (revision ${c.newest.revision}) was ${formatDuration(Date.parse(c.climbFrom) - Date.parse(c.newest.at))} before it began${c.newest.changes.length ? ` (${c.newest.changes.join(", ")})` : ""}.`
        : "The climb predates any change: the deployment has had one revision.";
    case "unknown":
      return `Cannot say what changed before the climb: ${c.reason}.`;
  }
}
