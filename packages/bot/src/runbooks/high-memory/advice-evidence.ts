// The runbook's "check by hand" steps, answered: when the bot has read the logs and the Traefik
// routes, the advice carries what they say (stuck connections, runaway commands) and the exact
// object, field and YAML to change, and the kubectl commands stay only as the reference. Pure.

import type { AdviceAction, LogReport, TraefikReport } from "../../diagnose/types.ts";
import { formatCount, formatDuration } from "../../units/format.ts";
import { describeCommand } from "./logs.ts";

type Params = AdviceAction["params"];

function sseFromLogs(logs: LogReport): string[] {
  const out: string[] = [];
  for (const p of logs.pods) {
    const s = p.sse;
    if (!s || s.stuck === 0) continue;
    const clients = s.stuckClients
      .slice(0, 3)
      .map(
        (c) =>
          `${c.client} (${formatCount(c.open)} open${c.oldestAgeMs !== null ? `, oldest ${formatDuration(c.oldestAgeMs)}` : ""})`,
      )
      .join(", ");
    const ua = s.stuckClients[0]?.userAgent;
    out.push(
      `Stuck connections on ${p.pod}: ${formatCount(s.stuck)} opened and never closed, from ${clients}${ua ? `, user agent ${ua}` : ""}.`,
    );
  }
  return out;
}

function commandsFromLogs(logs: LogReport): string[] {
  const out: string[] = [];
  for (const p of logs.pods) {
    const c = p.commands;
    if (!c || c.runaway.length === 0) continue;
    out.push(`Runaway commands on ${p.pod}: ${c.runaway.slice(0, 3).map(describeCommand).join("; ")}.`);
  }
  return out;
}

export function enrichAdvice(params: Params, logs: LogReport | null, traefik: TraefikReport | null): Params {
  const evidence: string[] = [];
  const manifests: { title: string; yaml: string }[] = [];
  let steps = params.steps;
  if (params.topic === "sse-leak") {
    if (logs) evidence.push(...sseFromLogs(logs));
    if (traefik && traefik.status === "read") {
      evidence.push(`Traefik: ${traefik.verdict}`);
      steps = steps.map((s) =>
        s.startsWith("Reduce the connection timeout") && traefik.fixes.length > 0
          ? `Change ${traefik.fixes.map((f) => `${f.object}: ${f.field} to ${f.value}`).join("; and ")}.`
          : s,
      );
      for (const f of traefik.fixes)
        manifests.push({ title: `${f.object}: ${f.field} → ${f.value} (${f.why})`, yaml: f.yaml });
    }
  }
  if (params.topic === "large-output" && logs) evidence.push(...commandsFromLogs(logs));
  if (evidence.length > 0)
    steps = steps.filter((s) => !/^Check for (stuck connections|runaway commands)/.test(s));
  return {
    ...params,
    steps,
    ...(evidence.length > 0 ? { evidence } : {}),
    ...(manifests.length > 0 ? { manifests } : {}),
  };
}
