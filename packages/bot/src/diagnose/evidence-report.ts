// The log and Traefik parts of the Diagnosis, from the observations: the Traefik finding (with
// the SSE path and normal stream length the logs give) and the notes on what could not be read.
import type { HighMemoryRunbook } from "../runbooks/high-memory/index.ts";
import { formatBytes, formatCount } from "./format.ts";
import type { Observations } from "./gather.ts";
import type { LogReport } from "./logs/types.ts";
import { analyseTraefik } from "./traefik/analyse-traefik.ts";
import type { TraefikReport } from "./traefik/types.ts";
import type { Note } from "./types.ts";

export function traefikReport(obs: Observations, runbook: HighMemoryRunbook): TraefikReport | null {
  if (!obs.traefik) return null;
  const sse = (obs.logs?.pods ?? []).map((p) => p.sse).filter((s) => s !== null);
  const longest = sse.map((s) => s.longestClosedMs).filter((m): m is number => m !== null);
  return analyseTraefik({
    namespace: runbook.target.namespace,
    service: runbook.target.deployment,
    ...obs.traefik,
    ssePath: sse.find((s) => s.path !== null)?.path ?? null,
    longestStreamMs: longest.length > 0 ? Math.max(...longest) : null,
  });
}

export function evidenceNotes(logs: LogReport | null, traefik: TraefikReport | null): Note[] {
  const notes: Note[] = [];
  if (logs) {
    const failed = logs.pods.filter((p) => p.error !== null);
    if (failed.length > 0) {
      notes.push({
        source: "logs",
        message: `Logs not read for ${failed.map((p) => `${p.pod} (${p.error})`).join(", ")}; needs "get" on "pods/log".`,
      });
    }
    const cut = logs.pods.filter((p) => p.window?.cutBy);
    if (cut.length > 0) {
      const b = logs.bounds;
      notes.push({
        source: "logs",
        message: `Log window of ${cut.map((p) => p.pod).join(", ")} cut by ${cut[0]?.window?.cutBy} (DIAG_LOG_TAIL_LINES=${formatCount(b.tailLines)}, DIAG_LOG_LIMIT_BYTES=${formatBytes(b.limitBytes)}): counts cover ${cut[0]?.window?.fromAt ?? "?"} to ${cut[0]?.window?.toAt ?? "?"} only.`,
      });
    }
    const prevFailed = logs.pods.filter((p) => p.previous?.error);
    if (prevFailed.length > 0) {
      notes.push({
        source: "logs",
        message: `The OOM-killed container's log of ${prevFailed.map((p) => `${p.pod} (${p.previous?.error})`).join(", ")} could not be read.`,
      });
    }
  }
  if (traefik) for (const message of traefik.notes) notes.push({ source: "traefik", message });
  return notes;
}
