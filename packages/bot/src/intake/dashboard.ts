// The incident's dashboard link, from the DASHBOARD_URL template (e.g. Grafana with namespace, pod
// and time range). Every value is URI-encoded, so a label value cannot change the URL's shape. Pure.
import type { Incident } from "./model.ts";

const BEFORE_MS = 30 * 60_000;
const AFTER_MS = 15 * 60_000;

export function dashboardLink(template: string | null, incident: Incident, now: number): string | null {
  if (!template) return null;
  const started = incident.startsAt ?? incident.createdAt;
  const ended = incident.status === "resolved" ? (incident.resolvedAt ?? now) + AFTER_MS : now;
  const pod = incident.pods.find((p) => p.firing.length > 0)?.pod ?? incident.pods[0]?.pod ?? "";
  const values: Record<string, string> = {
    namespace: incident.namespace ?? "",
    deployment: incident.workload ?? "",
    pod,
    from: String(started - BEFORE_MS),
    to: String(ended),
  };
  return template.replace(/\{(namespace|deployment|pod|from|to)\}/g, (_, k: string) =>
    encodeURIComponent(values[k] ?? ""),
  );
}
