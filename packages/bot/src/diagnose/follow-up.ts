// The follow-up note for the service owners, once restarts have started hiding a leak (past the
// restart budget): a Markdown file the worker attaches to the thread, with what the bot knows:
// how often the workload was restarted, the likely cause and its evidence, the heap's hot spots,
// the forecast, and what would fix it instead of another restart. Pure.
import { formatBytes, formatDuration, formatPercent } from "./format.ts";
import type { Diagnosis } from "./types.ts";

const md = (text: string) => text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, " ");

export function followUpNote(d: Diagnosis, options: { now: string; thread: string | null }): string | null {
  const b = d.restartBudget;
  if (!b?.exceeded) return null;
  const where = `${d.target.namespace}/${d.target.deployment}`;
  const cause = d.causes[0] && d.causes[0].id !== "unknown" ? d.causes[0] : null;
  const worst = d.pods[0];
  const climbing = d.foresight?.pods.filter((p) => p.status === "climbing") ?? [];
  const heap = d.heap?.status === "captured" ? d.heap : null;
  return [
    `# Follow-up for the owners of ${md(where)}: restarts are hiding a memory leak`,
    "",
    `_Written by the rdev chat-ops bot at ${options.now}${options.thread ? ` in ${options.thread}` : ""}. Check it before filing._`,
    "",
    "## What happened",
    "",
    `- ${b.count} restarts of ${md(where)} in the last ${formatDuration(b.windowMs)} (${b.bot} by the bot, ${b.kubelet} by the kubelet, OOM kills included), past the on-call restart budget of ${b.max}.`,
    `- ${d.counts.critical + d.counts.warning} of ${d.counts.pods} pod(s) above ${d.thresholds.warningPercent}% of their memory limit now${worst ? `; the worst, \`${md(worst.name)}\`, at ${formatPercent(worst.memory.percentOfLimit)} of ${formatBytes(worst.memory.limitBytes)}` : ""}.`,
    ...climbing
      .slice(0, 3)
      .map((p) =>
        p.status === "climbing"
          ? `- \`${md(p.pod)}\` climbs ${formatBytes(p.bytesPerMinute)}/min and reaches its limit in about ${formatDuration(p.etaMs)}.`
          : "",
      ),
    "",
    "## Likely cause",
    "",
    ...(cause
      ? [
          `**${md(cause.title)}** (${cause.confidence} confidence, score ${cause.score.toFixed(2)}):`,
          "",
          ...cause.evidence.map((e) => `- ${md(e.text)}`),
        ]
      : ["No cause stands out; the heap profile below is the best lead."]),
    "",
    "## Heap",
    "",
    ...(heap
      ? [
          `Profile of \`${md(heap.pod)}\` (${formatBytes(heap.summary.totalInuseBytes)} in use), attached in the thread; top allocation sites:`,
          "",
          "| site | in use | share |",
          "|---|---|---|",
          ...heap.summary.top
            .slice(0, 8)
            .map(
              (t) =>
                `| \`${md(t.function)}\` | ${formatBytes(t.inuseBytes)} | ${formatPercent(t.share * 100)} |`,
            ),
        ]
      : [
          "No heap profile in this diagnosis; the thread has any the bot took (its heap-growth measurement compares two).",
        ]),
    "",
    "## What would fix it",
    "",
    "- Fix the leak at its allocation site (above); a restart frees the memory for minutes, then it comes back.",
    "- Until then, a higher memory limit buys hours, not minutes; the bot offers it in the thread.",
    "- Add a regression test that holds memory flat under the load that leaks (long-lived SSE streams, large command output).",
    "",
  ].join("\n");
}
