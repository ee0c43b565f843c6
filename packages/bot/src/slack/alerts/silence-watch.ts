// While an incident is silenced, Alertmanager notifies nothing about its alerts, not even that they
// resolved (prometheus/alertmanager#226). So the app asks Alertmanager's v2 API, every
// SILENCE_WATCH_INTERVAL, which of the incident's firing alerts it still holds; the ones it no
// longer holds have resolved, and are folded into the incident like a resolved notification (the
// last one resolves it, with the worker's review). One replica at a time (a Redis lease per round).
import { summariseIncident } from "../../history/summary.ts";
import type { Alert } from "../../intake/alertmanager.ts";
import type { Incident } from "../../intake/model.ts";
import type { AlertmanagerApi } from "../../intake/silences/alertmanager-api.ts";
import { clusterLabelOf, incidentMatchers } from "../../intake/silences/matchers.ts";
import type { AppDeps } from "../deps.ts";
import { foldGroup, type NotificationDeps } from "./handle-notification.ts";

export type SilenceWatchDeps = NotificationDeps & Pick<AppDeps, "redis" | "prefix">;

/** Resolved alerts, as Alertmanager would have sent them, for the incident's alerts it no longer holds. Pure. */
export function goneAlerts(incident: Incident, held: ReadonlySet<string>, now: number): Alert[] {
  return incident.alerts
    .filter((a) => a.status === "firing" && !held.has(a.fingerprint))
    .map((a) => ({
      status: "resolved" as const,
      labels: Object.fromEntries(
        Object.entries({
          alertname: a.alertName ?? incident.alertName,
          namespace: incident.namespace,
          pod: a.pod,
          container: a.container,
          severity: a.severity,
        }).filter((e): e is [string, string] => typeof e[1] === "string"),
      ),
      annotations: {},
      startsAt: new Date(a.startsAt ?? incident.createdAt).toISOString(),
      endsAt: new Date(now).toISOString(),
      generatorURL: "",
      fingerprint: a.fingerprint,
    }));
}

/** One round: every open, silenced incident checked against Alertmanager. Returns the alerts folded. */
export async function checkSilenced(deps: SilenceWatchDeps, api: AlertmanagerApi): Promise<number> {
  const open = await deps.incidents.listOpen();
  const records = await deps.incidents.readMany(open.map((i) => i.id));
  let folded = 0;
  for (const record of records) {
    if (!summariseIncident(record, deps.now()).silence) continue;
    const held = await api.listAlerts(incidentMatchers(record.incident, clusterLabelOf(deps.config)));
    const gone = goneAlerts(record.incident, new Set(held.map((a) => a.fingerprint)), deps.now());
    if (gone.length === 0) continue;
    deps.logger.info({ incidentId: record.incident.id, alerts: gone.length }, "silenced alerts resolved");
    await foldGroup(deps, record.incident.key, gone, record.incident.cluster ?? null);
    folded += gone.length;
  }
  return folded;
}

export function startSilenceWatch(deps: SilenceWatchDeps, api: AlertmanagerApi, intervalMs: number) {
  const lease = `${deps.prefix}:silence-watch`;
  let running: Promise<unknown> | null = null;
  const round = async () => {
    const mine = await deps.redis.set(lease, deps.instanceId, "PX", Math.max(1000, intervalMs - 100), "NX");
    if (mine !== "OK") return;
    await checkSilenced(deps, api);
  };
  const timer = setInterval(() => {
    if (running) return;
    running = round()
      .catch((error: unknown) => deps.logger.warn({ err: error }, "silence watch round failed"))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    /** Runs a round now (tests), whether or not another replica holds the lease. */
    check: () => checkSilenced(deps, api),
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
