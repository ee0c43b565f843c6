// The runbook's remediation, in its order, each with the reason it applies here. Pure: the Slack
// app turns these into proposals and buttons; the worker executes them.
import type {
  Action,
  AdviceAction,
  HeapReport,
  LogReport,
  Memory,
  OomKill,
  PodRow,
  RankedCause,
  RestartBudget,
  SeverityOrUnknown,
  TraefikReport,
} from "../../diagnose/types.ts";
import { parseGoDuration } from "../../units/duration.ts";
import { formatBytes, formatDuration, formatPercent } from "../../units/format.ts";
import { enrichAdvice } from "./advice-evidence.ts";
import type { HighMemoryRunbook } from "./index.ts";
import { formatQuantity, nextMemoryLimit } from "./limits.ts";

export type ActionInput = {
  runbook: HighMemoryRunbook;
  rows: readonly PodRow[];
  severity: SeverityOrUnknown;
  /** The leading cause when one stands out (never "unknown"). */
  topCause: RankedCause | null;
  oomKills: readonly OomKill[];
  heap: HeapReport | null;
  /** The cache TTL env var's current literal value on the container, if set. */
  currentCacheTtl: string | null;
  /** What the logs and the Traefik routes say (the advice then carries it). */
  logs?: LogReport | null;
  traefik?: TraefikReport | null;
  /** Restarts in RESTART_BUDGET's window; past the budget no restart is offered. */
  restartBudget?: RestartBudget | null;
};

/** Past the restart budget: say plainly that restarts hide a leak, and what addresses it instead. */
function budgetAdvice(b: RestartBudget, deployment: string): AdviceAction {
  return {
    id: `restart-budget:${deployment}`,
    kind: "advice",
    title: "Restarts are hiding a leak",
    reason: `${b.count} restarts of ${deployment} in the last ${formatDuration(b.windowMs)} (${b.bot} by the bot, ${b.kubelet} by the kubelet, OOM kills included), past the budget of ${b.max}: another restart buys minutes and hides the leak, so restarts are not offered.`,
    destructive: false,
    kubectl: null,
    params: {
      topic: "restart-budget",
      steps: [
        "Capture heap profiles while the pod climbs and hand them to the service owners.",
        "Apply the likely cause's own fix (below), or raise the memory limit to buy hours, not minutes.",
        "Tell the service owners: a leak that needs restarts is a bug to fix, not to operate around.",
      ],
      commands: [],
    },
  };
}

type AdviceContext = { ns: string; sel: string; deployment: string; port: number; metric: string };

const ADVICE: Record<string, { title: string; steps: string[]; commands: (c: AdviceContext) => string[] }> = {
  "sse-leak": {
    title: "Find and time out leaking SSE connections",
    steps: [
      "Check for stuck connections in the logs.",
      "Reduce the connection timeout at the Traefik entrypoint (entryPoints.<name>.transport.respondingTimeouts), or per service with a ServersTransport forwarding timeout.",
      "Review the SSE connection lifecycle: clients must close, the server must notice.",
    ],
    commands: (c) => [`kubectl -n ${c.ns} logs -l ${c.sel} | grep "SSE connection" | tail -50`],
  },
  "large-output": {
    title: "Limit command output",
    steps: [
      "Commands should implement output limits (cap what is buffered per command).",
      "Check for runaway commands producing output.",
    ],
    commands: (c) => [`kubectl -n ${c.ns} logs -l ${c.sel} | grep "output line" | wc -l`],
  },
  "many-commands": {
    title: "Bound concurrent commands",
    steps: [
      "Each running command buffers its output: cap concurrent commands per pod.",
      "Spread load over more replicas, or add a memory-based HPA.",
    ],
    commands: (c) => [
      `kubectl -n ${c.ns} exec deployment/${c.deployment} -- curl -s localhost:${c.port}/metrics | grep ${c.metric}`,
    ],
  },
};

const POST_INCIDENT: AdviceAction["params"]["steps"] = [
  "Analyse the heap profile for memory leaks.",
  "Review the SSE connection lifecycle.",
  "Consider implementing output size limits.",
  "Update memory limits based on findings.",
  "Consider adding a memory-based HPA.",
];

export function planActions(input: ActionInput): Action[] {
  const { runbook, severity, topCause } = input;
  const rows = [...input.rows].sort(compareByMemory);
  const { namespace, deployment, container, selector, port, pprofPath } = runbook.target;
  const pct = (r: PodRow) => formatPercent(r.memory.percentOfLimit);
  const critical = rows.filter((r) => r.severity === "critical");
  const elevated = rows.filter((r) => r.severity === "critical" || r.severity === "warning");
  const actions: Action[] = [];
  const troubled = severity === "warning" || severity === "critical" || input.oomKills.length > 0;
  if (!troubled) return actions;

  const overBudget = input.restartBudget?.exceeded === true;
  if (overBudget && input.restartBudget) actions.push(budgetAdvice(input.restartBudget, deployment));
  const restartEach =
    !overBudget &&
    critical.length > 0 &&
    critical.length <= runbook.maxPodRestarts &&
    critical.length < rows.length;
  if (restartEach) {
    for (const r of critical) {
      actions.push({
        id: `restart-pod:${r.name}`,
        kind: "restart-pod",
        title: `Restart ${r.name}`,
        reason: `${r.name} is at ${pct(r)} of its ${formatBytes(r.memory.limitBytes)} limit (critical above ${runbook.thresholds.criticalPercent}%): restart it before the OOM killer does; ${rows.length - critical.length} other pod(s) keep serving.`,
        destructive: true,
        kubectl: `kubectl -n ${namespace} delete pod ${r.name}`,
        params: { namespace, pod: r.name, uid: r.uid },
      });
    }
  }
  const manyElevated = elevated.length >= 2 && elevated.length * 2 >= rows.length;
  if (!overBudget && ((critical.length > 0 && !restartEach) || manyElevated)) {
    const why =
      critical.length > 0 && !restartEach
        ? `${critical.length} of ${rows.length} pod(s) are critical (above ${runbook.thresholds.criticalPercent}%): replace them one at a time rather than all at once`
        : `${elevated.length} of ${rows.length} pods are above ${runbook.thresholds.warningPercent}% of their limit`;
    actions.push({
      id: `rolling-restart:${deployment}`,
      kind: "rolling-restart",
      title: `Rolling restart of ${deployment}`,
      reason: `${why}; a rolling restart frees their memory while keeping the service up.`,
      destructive: true,
      kubectl: `kubectl -n ${namespace} rollout restart deployment/${deployment}`,
      params: { namespace, deployment },
    });
  }

  actions.push(...raiseLimit(input));

  if (topCause?.id === "cache-growth" && !sameTtl(input.currentCacheTtl, runbook.cache.proposedTtl)) {
    const { envName, proposedTtl } = runbook.cache;
    const from = input.currentCacheTtl === null ? "unset" : input.currentCacheTtl;
    actions.push({
      id: `set-cache-ttl:${deployment}`,
      kind: "set-cache-ttl",
      title: `Lower ${envName} to ${proposedTtl}`,
      reason: `Cache growth is the likely cause (score ${topCause.score.toFixed(2)}); ${envName} is ${from}. A shorter TTL lets entries expire (rolls the pods).`,
      destructive: true,
      kubectl: `kubectl -n ${namespace} set env deployment/${deployment} -c ${container} ${envName}=${proposedTtl}`,
      params: {
        namespace,
        deployment,
        container,
        env: envName,
        value: proposedTtl,
        current: input.currentCacheTtl,
      },
    });
  }

  const worst = rows.find((r) => r.phase === "Running") ?? rows[0];
  if (worst && input.heap?.status !== "captured") {
    const failed =
      input.heap?.status === "failed" ? ` (the automatic capture failed: ${input.heap.error})` : "";
    actions.push({
      id: `capture-heap-profile:${worst.name}`,
      kind: "capture-heap-profile",
      title: `Capture a heap profile of ${worst.name}`,
      reason: `${worst.name} has the highest memory (${pct(worst)}); its heap profile shows what holds the memory${failed}.`,
      destructive: false,
      kubectl: `kubectl get --raw "/api/v1/namespaces/${namespace}/pods/${worst.name}:${port}/proxy${pprofPath}" > heap.prof`,
      params: { namespace, pod: worst.name, uid: worst.uid, port, path: pprofPath },
    });
  }

  const advice = topCause ? ADVICE[topCause.id] : undefined;
  if (topCause && advice) {
    actions.push({
      id: `advice:${topCause.id}`,
      kind: "advice",
      title: advice.title,
      reason: `${topCause.title} is the likely cause (score ${topCause.score.toFixed(2)}); the bot cannot fix this itself.`,
      destructive: false,
      kubectl: null,
      params: enrichAdvice(
        {
          topic: topCause.id,
          steps: advice.steps,
          commands: advice.commands({
            ns: namespace,
            sel: selector,
            deployment,
            port,
            metric: runbook.metricNames.commands,
          }),
        },
        input.logs ?? null,
        input.traefik ?? null,
      ),
    });
  }
  if (input.oomKills.length > 0) {
    actions.push({
      id: "advice:post-incident",
      kind: "advice",
      title: "Post-incident follow-up",
      reason: `${input.oomKills.length} OOM kill(s) in the look-back window.`,
      destructive: false,
      kubectl: null,
      params: { topic: "post-incident", steps: POST_INCIDENT, commands: [] },
    });
  }
  return actions;
}

function raiseLimit(input: ActionInput): Action[] {
  const { runbook, rows } = input;
  const { namespace, deployment, container } = runbook.target;
  const limits = rows.map((r) => r.memory.limitBytes).filter((b): b is number => b !== null);
  const usages = rows.map((r) => r.memory.workingSetBytes).filter((b): b is number => b !== null);
  const current = limits.length > 0 ? Math.max(...limits) : null;
  const usage = usages.length > 0 ? Math.max(...usages) : null;
  const proposal = nextMemoryLimit({
    currentBytes: current,
    usageBytes: usage,
    maxBytes: runbook.limits.maxBytes,
    maxLabel: runbook.limits.max,
    warningPercent: runbook.thresholds.warningPercent,
  });
  if (!proposal.ok) {
    return [
      {
        id: "advice:memory-limit",
        kind: "advice",
        title: "The memory limit cannot be raised",
        reason: `Not proposing a higher limit: ${proposal.reason}.`,
        destructive: false,
        kubectl: null,
        params: {
          topic: "post-incident",
          steps: ["Fix the cause, or raise MEMORY_LIMIT_MAX if the workload truly needs more."],
          commands: [],
        },
      },
    ];
  }
  const from = current === null ? null : formatQuantity(current);
  const oom = input.oomKills.length > 0 ? `; ${input.oomKills.length} OOM kill(s) in the window` : "";
  const capped = proposal.capped ? ` (capped at MEMORY_LIMIT_MAX ${runbook.limits.max})` : "";
  return [
    {
      id: `raise-memory-limit:${proposal.value}`,
      kind: "raise-memory-limit",
      title: `Raise the memory limit ${from ?? "?"} → ${proposal.value}`,
      reason: `Peak usage ${formatBytes(usage)} of ${from ?? "?"}${oom}: ${proposal.value} is the next step that leaves it under ${runbook.thresholds.warningPercent}%${capped}. Buys time; rolls the pods.`,
      destructive: true,
      kubectl: `kubectl -n ${namespace} set resources deployment/${deployment} -c ${container} --limits=memory=${proposal.value}`,
      params: {
        namespace,
        deployment,
        container,
        from,
        fromBytes: current,
        to: proposal.value,
        toBytes: proposal.bytes,
      },
    },
  ];
}

/** The TTL already set is the one proposed: the same Go duration ("15s", "0m15s", "15000ms"), as rdev-api reads it. */
function sameTtl(current: string | null, proposed: string): boolean {
  if (current === null) return false;
  const a = parseGoDuration(current.trim());
  return a !== null && a === parseGoDuration(proposed);
}

/** Worst first: highest percent of limit, then highest working set, then name (deterministic). */
export function compareByMemory(
  a: { name: string; memory: Memory },
  b: { name: string; memory: Memory },
): number {
  const pa = a.memory.percentOfLimit ?? -1;
  const pb = b.memory.percentOfLimit ?? -1;
  if (pa !== pb) return pb - pa;
  const ba = a.memory.workingSetBytes ?? -1;
  const bb = b.memory.workingSetBytes ?? -1;
  if (ba !== bb) return bb - ba;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
