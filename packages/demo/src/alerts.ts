// The demo's built-in alert evaluator, used when Prometheus and Alertmanager are not installed:
// the rules of manifests/alerts/rules.yaml (working set above 80% / 95% of the limit for `for`),
// evaluated over the simulator's pods, and notifications shaped like Alertmanager's v4 webhook
// (firing, then resolved; one group per alert name) POSTed to the app's /alertmanager with the
// bearer token. Like the demo's real Prometheus, it measures `for` in real time divided by the
// speed factor (the demo slows cluster time while a person decides; see pace.ts).
// `evaluateAlerts` is the pure decision; `startAlertEvaluator` runs it every few seconds.
import type { Alert, AlertmanagerWebhook } from "@rdev/bot/intake/alertmanager.ts";
import { GO_ZERO_TIME } from "@rdev/bot/intake/alertmanager.ts";

export type AlertRule = {
  alertname: string;
  severity: string;
  /** Fires above this percent of the memory limit. */
  thresholdPercent: number;
  /** How long (cluster ms) a pod must stay above it. */
  forMs: number;
  namespace: string;
  container: string;
  workload: string;
};

/** RdevAPIHighMemory as manifests/alerts/rules.yaml defines it. */
export const HIGH_MEMORY_RULE: AlertRule = {
  alertname: "RdevAPIHighMemory",
  severity: "warning",
  thresholdPercent: 80,
  forMs: 5 * 60_000,
  namespace: "rdev",
  container: "rdev-api",
  workload: "rdev-api",
};

export const HIGH_MEMORY_CRITICAL_RULE: AlertRule = {
  ...HIGH_MEMORY_RULE,
  alertname: "RdevAPIHighMemoryCritical",
  severity: "critical",
  thresholdPercent: 95,
  forMs: 60_000,
};

export type PodReading = { pod: string; bytes: number | null; limitBytes: number | null };

/** Per pod: since when it has been above the threshold, and whether it fired (cluster ms). */
export type AlertState = Readonly<Record<string, { since: number; firedAt: number | null }>>;

export type Evaluation = {
  state: AlertState;
  /** The notification to send now (something started firing or resolved); null: nothing new. */
  notification: { firing: AlertInstance[]; resolved: AlertInstance[] } | null;
};

export type AlertInstance = { pod: string; percent: number | null; startsAt: number; endsAt: number | null };

const percentOf = (r: PodReading): number | null =>
  r.bytes !== null && r.limitBytes !== null && r.limitBytes > 0 ? (100 * r.bytes) / r.limitBytes : null;

/**
 * One evaluation at `now`: pods above the threshold start (or keep) pending; a pending pod fires
 * once it has been above for rule.forMs; a firing pod below the threshold, or gone, resolves.
 * A notification lists every firing alert whenever one starts firing or one resolves.
 */
export function evaluateAlerts(
  state: AlertState,
  readings: readonly PodReading[],
  now: number,
  rule: AlertRule,
): Evaluation {
  const next: Record<string, { since: number; firedAt: number | null }> = {};
  const percents = new Map(readings.map((r) => [r.pod, percentOf(r)]));
  const started: string[] = [];
  const resolved: AlertInstance[] = [];
  for (const [pod, percent] of percents) {
    const previous = state[pod];
    if (percent === null || percent <= rule.thresholdPercent) continue;
    const since = previous?.since ?? now;
    const fires = previous?.firedAt != null || now - since >= rule.forMs;
    const firedAt = previous?.firedAt ?? (fires ? now : null);
    if (fires && previous?.firedAt == null) started.push(pod);
    next[pod] = { since, firedAt };
  }
  for (const [pod, was] of Object.entries(state)) {
    if (next[pod] || was.firedAt === null) continue;
    resolved.push({ pod, percent: percents.get(pod) ?? null, startsAt: was.firedAt, endsAt: now });
  }
  if (started.length === 0 && resolved.length === 0) return { state: next, notification: null };
  const firing = Object.entries(next)
    .filter(([, s]) => s.firedAt !== null)
    .map(([pod, s]) => ({
      pod,
      percent: percents.get(pod) ?? null,
      startsAt: s.firedAt ?? now,
      endsAt: null,
    }))
    .sort((a, b) => (a.pod < b.pod ? -1 : 1));
  return { state: next, notification: { firing, resolved } };
}

const iso = (ms: number) => new Date(ms).toISOString();

function alertOf(
  rule: AlertRule,
  a: AlertInstance,
  status: "firing" | "resolved",
  externalLabels: Readonly<Record<string, string>> = {},
): Alert {
  const value = a.percent === null ? "" : ` uses ${a.percent.toFixed(1)}% of its memory limit`;
  return {
    status,
    labels: {
      alertname: rule.alertname,
      container: rule.container,
      namespace: rule.namespace,
      pod: a.pod,
      severity: rule.severity,
      workload: rule.workload,
      ...externalLabels,
    },
    annotations: {
      summary: `Memory usage exceeds ${rule.thresholdPercent}% of limit`,
      description: `rdev-api pod ${rule.namespace}/${a.pod} (container ${rule.container})${value}.`,
    },
    startsAt: iso(a.startsAt),
    endsAt: a.endsAt === null ? GO_ZERO_TIME : iso(a.endsAt),
    generatorURL: "",
    fingerprint: `demo-${[...Object.values(externalLabels), a.pod].join("-")}`,
  };
}

/** The Alertmanager v4 webhook body for a notification (one group: alertname, namespace, workload). */
export function webhookBody(
  rule: AlertRule,
  notification: NonNullable<Evaluation["notification"]>,
  externalLabels: Readonly<Record<string, string>> = {},
): AlertmanagerWebhook {
  const group = { alertname: rule.alertname, namespace: rule.namespace, workload: rule.workload };
  return {
    version: "4",
    groupKey: `{}/{alertname=~"RdevAPIHighMemory.*"}:{alertname="${rule.alertname}", namespace="${rule.namespace}", workload="${rule.workload}"}`,
    truncatedAlerts: 0,
    receiver: "rdev-chatops",
    status: notification.firing.length > 0 ? "firing" : "resolved",
    alerts: [
      ...notification.firing.map((a) => alertOf(rule, a, "firing", externalLabels)),
      ...notification.resolved.map((a) => alertOf(rule, a, "resolved", externalLabels)),
    ],
    groupLabels: group,
    commonLabels: { ...group, container: rule.container, severity: rule.severity },
    commonAnnotations: { summary: `Memory usage exceeds ${rule.thresholdPercent}% of limit` },
    externalURL: "http://127.0.0.1/demo-alert-evaluator",
  };
}

export type AlertEvaluatorOptions = {
  /** Each evaluated on its own, notified as its own group. */
  rules: readonly AlertRule[];
  readings: () => readonly PodReading[];
  /** The time `for` is measured in. */
  now: () => number;
  /** The app's /alertmanager URL and bearer token. */
  url: string;
  token: string;
  /** Labels every alert carries, as Prometheus' external_labels add them (the cluster). */
  externalLabels?: Readonly<Record<string, string>>;
  /** Real ms between evaluations (default 1000). */
  intervalMs?: number;
  onNotify?: (body: AlertmanagerWebhook, status: number) => void;
  onError?: (error: unknown) => void;
  fetch?: typeof fetch;
};

export type AlertEvaluator = { evaluate(): Promise<void>; stop(): void };

export function startAlertEvaluator(options: AlertEvaluatorOptions): AlertEvaluator {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const states = new Map<AlertRule, AlertState>();
  let running: Promise<void> | null = null;
  const notify = async (body: AlertmanagerWebhook) => {
    const response = await fetchFn(options.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${options.token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    options.onNotify?.(body, response.status);
  };
  const evaluate = async () => {
    const readings = options.readings();
    const now = options.now();
    for (const rule of options.rules) {
      const result = evaluateAlerts(states.get(rule) ?? {}, readings, now, rule);
      states.set(rule, result.state);
      if (result.notification) await notify(webhookBody(rule, result.notification, options.externalLabels));
    }
  };
  const tick = () => {
    if (running) return;
    running = evaluate()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, options.intervalMs ?? 1000);
  timer.unref();
  return { evaluate, stop: () => clearInterval(timer) };
}
