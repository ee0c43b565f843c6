// What changed before memory began climbing: the climbing pods' revision, compared with the one
// before it (image, env, limits) and with when the climb began. Pure.
import type { PodInfo, ReplicaSetInfo } from "../../k8s/types.ts";
import type { PodForecast } from "./forecast.ts";
import type { Onset } from "./onset.ts";
import type { ChangeFinding } from "./types.ts";

/** A rollout more than this long before the climb began is not taken as its cause. */
export const ROLLOUT_WINDOW_MS = 2 * 3_600_000;
/** A bot action this close to a ReplicaSet's creation made it. */
const BOT_MATCH_MS = 2 * 60_000;

export type BotChange = { at: number; title: string };

type Container = ReplicaSetInfo["containers"][number];

const shortImage = (image: string): string => image.split("/").at(-1) ?? image;

/** "image a → b", "env CACHE_TTL 5m → 1h", "memory limit 512Mi → 1Gi", per container. */
export function templateChanges(before: ReplicaSetInfo, after: ReplicaSetInfo): string[] {
  const out: string[] = [];
  const prev = new Map(before.containers.map((c) => [c.name, c]));
  const multi = after.containers.length > 1;
  for (const c of after.containers) {
    const p: Container | undefined = prev.get(c.name);
    const where = multi ? ` (${c.name})` : "";
    if (!p) {
      out.push(`container ${c.name} added`);
      continue;
    }
    if (p.image !== c.image) out.push(`image ${shortImage(p.image)} → ${shortImage(c.image)}${where}`);
    for (const key of new Set([...Object.keys(p.env), ...Object.keys(c.env)])) {
      const a = p.env[key];
      const b = c.env[key];
      if (a !== b) out.push(`env ${key} ${a ?? "(unset)"} → ${b ?? "(unset)"}${where}`);
    }
    if (p.memoryLimit !== c.memoryLimit)
      out.push(`memory limit ${p.memoryLimit ?? "none"} → ${c.memoryLimit ?? "none"}${where}`);
    if (p.memoryRequest !== c.memoryRequest)
      out.push(`memory request ${p.memoryRequest ?? "none"} → ${c.memoryRequest ?? "none"}${where}`);
  }
  return out;
}

export type ChangeInput = {
  deployment: string;
  pods: readonly PodInfo[];
  replicaSets: readonly ReplicaSetInfo[];
  forecasts: readonly PodForecast[];
  /** By pod name. */
  onsets: ReadonlyMap<string, Onset | null>;
  botChanges: readonly BotChange[];
};

/** When the climb began, as far as the samples and the pods' starts tell: the earliest climbing pod's. */
function climbFrom(input: ChangeInput, climbing: readonly string[]): number {
  let earliest = Number.POSITIVE_INFINITY;
  for (const name of climbing) {
    const onset = input.onsets.get(name);
    const pod = input.pods.find((p) => p.name === name);
    const started = pod?.createdAt.getTime() ?? Number.POSITIVE_INFINITY;
    const at =
      onset?.kind === "seen"
        ? onset.at
        : onset?.kind === "before"
          ? Math.max(started, onset.before - 1)
          : started;
    earliest = Math.min(earliest, Math.max(at, started));
  }
  return earliest;
}

export function whatChanged(input: ChangeInput): ChangeFinding | null {
  const climbing = input.forecasts.filter((f) => f.status === "climbing").map((f) => f.pod);
  if (climbing.length === 0) return null;
  const history = input.replicaSets
    .filter((rs) => rs.owner?.name === input.deployment && rs.revision > 0)
    .sort((a, b) => a.revision - b.revision);
  const owners = new Set(
    climbing.map((name) => input.pods.find((p) => p.name === name)?.ownerReplicaSet).filter((x) => !!x),
  );
  const current = history.filter((rs) => owners.has(rs.name)).at(-1);
  if (!current)
    return { kind: "unknown", reason: "the climbing pods' ReplicaSet is not in the rollout history" };
  const from = climbFrom(input, climbing);
  const fromIso = new Date(from).toISOString();
  // The newest earlier revision that changed something that can change memory (a restart changes nothing).
  let revision = current;
  let changes: string[] = [];
  let previous: ReplicaSetInfo | undefined;
  for (let i = history.indexOf(current); i > 0; i--) {
    const after = history[i];
    const before = history[i - 1];
    if (!after || !before) break;
    const diff = templateChanges(before, after);
    if (diff.length > 0) {
      revision = after;
      previous = before;
      changes = diff;
      break;
    }
  }
  const newest = { revision: current.revision, at: current.createdAt.toISOString(), changes };
  if (
    !previous ||
    from - revision.createdAt.getTime() > ROLLOUT_WINDOW_MS ||
    revision.createdAt.getTime() > from
  )
    return { kind: "predates", climbFrom: fromIso, newest: history.length > 1 ? newest : null };
  const podsOfRevision = input.pods.filter((p) =>
    history.some((rs) => rs.name === p.ownerReplicaSet && rs.revision >= revision.revision),
  );
  const bot = input.botChanges.find((b) => Math.abs(b.at - revision.createdAt.getTime()) <= BOT_MATCH_MS);
  return {
    kind: "rollout",
    revision: revision.revision,
    previousRevision: previous.revision,
    at: revision.createdAt.toISOString(),
    climbFrom: fromIso,
    changes,
    changeCause: revision.changeCause,
    byBot: bot?.title ?? null,
    climbing: climbing.filter((n) => podsOfRevision.some((p) => p.name === n)).length,
    of: podsOfRevision.length,
  };
}
