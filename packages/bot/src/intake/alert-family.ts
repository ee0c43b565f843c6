// Which alerts the runbook answers: the configured alert names (RUNBOOK_ALERTS, default
// RdevAPIHighMemory) and their severity variants (RdevAPIHighMemoryCritical, ...Warning: the same
// family the incident key groups by). Only these open a diagnosis with remediation buttons; other
// alerts on the workload get a plain thread or are ignored (OTHER_ALERTS). Pure.
import { alertFamily } from "./incident-key.ts";

export function inAlertFamily(alertName: string, families: readonly string[]): boolean {
  return families.includes(alertName) || families.includes(alertFamily(alertName));
}
