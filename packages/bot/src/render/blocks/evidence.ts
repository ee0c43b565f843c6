// The log and Traefik evidence in the diagnosis thread: the OOM-killed container's last lines, one
// line per pod from the logs, the Traefik verdict with the SSE route's timeouts and the fixes. A
// few lines each, escaped and clipped to Slack's limits. Pure.
import type { KnownBlock, SectionBlock } from "@slack/types";
import { logSummaryLines, previousContainers, traefikLines } from "../../diagnose/evidence-lines.ts";
import { formatBytes, formatDuration } from "../../diagnose/format.ts";
import type { AdviceAction, Diagnosis } from "../../diagnose/types.ts";
import { clip, codeBlock, escapeMrkdwn } from "./escape.ts";
import { SLACK_LIMITS as L } from "./limits.ts";

const PREVIOUS_LINES = 5;
const LINE_CHARS = 160;
const MAX_POD_LINES = 3;

const section = (text: string): SectionBlock => ({
  type: "section",
  text: { type: "mrkdwn", text: clip(text, L.sectionText) },
});

export function previousLogBlocks(d: Diagnosis): KnownBlock[] {
  return previousContainers(d)
    .slice(0, 2)
    .map((p) => {
      const lines = p.lines
        .slice(-PREVIOUS_LINES)
        .map((l) => (l.length > LINE_CHARS ? `${l.slice(0, LINE_CHARS - 1)}…` : l));
      return section(`*${escapeMrkdwn(p.title)}*\n${codeBlock(lines.join("\n") || "(empty)")}`);
    });
}

export function logBlock(d: Diagnosis): KnownBlock | null {
  if (!d.logs) return null;
  const lines = logSummaryLines(d);
  if (lines.length === 0) return null;
  const b = d.logs.bounds;
  const shown = lines.slice(0, MAX_POD_LINES).map((l) => `• ${escapeMrkdwn(l)}`);
  return section(
    `*Logs* (worst pods, last ${formatDuration(b.sinceSeconds * 1000)}; ${d.logs.requests} reads, ${formatBytes(d.logs.bytes)})\n${shown.join("\n")}`,
  );
}

export function traefikBlock(d: Diagnosis): KnownBlock | null {
  const t = traefikLines(d);
  if (!t) return null;
  const lines = [`*Traefik*: ${escapeMrkdwn(t.verdict)}`];
  for (const x of t.timeouts) lines.push(`• ${escapeMrkdwn(x)}`);
  for (const f of t.fixes) lines.push(`• Fix: ${escapeMrkdwn(f)}`);
  return section(lines.join("\n"));
}

/** An advice's evidence, steps, YAML (as many as fit) and its kubectl reference, as mrkdwn lines. */
export function adviceLines(params: AdviceAction["params"], budget: number): string[] {
  const lines: string[] = [];
  for (const e of params.evidence ?? []) lines.push(`• _Read:_ ${escapeMrkdwn(e)}`);
  for (const step of params.steps) lines.push(`• ${escapeMrkdwn(step)}`);
  let used = lines.join("\n").length;
  for (const m of params.manifests ?? []) {
    const block = `${escapeMrkdwn(m.title)}\n${codeBlock(m.yaml)}`;
    if (used + block.length > budget) break;
    lines.push(block);
    used += block.length;
  }
  const ref = params.evidence ? "_kubectl equivalent (already read):_ " : "";
  for (const c of params.commands) lines.push(`${ref}\`${c.replace(/`/g, "'")}\``);
  return lines;
}
