// The root message of a `/rdev mem status` thread: "Gathering diagnostics…" while the worker works,
// then the verdict in one line. Either way it links the workload's open incident, whose record the
// thread's actions join. Pure.
import { code, escapeMrkdwn } from "../../render/blocks/escape.ts";
import { safeLink } from "../../render/blocks/incident-root.ts";

export type StatusRootInput = {
  target: { namespace: string; deployment: string; cluster?: string | undefined };
  userId: string;
  /** null while gathering; then the diagnosis headline and its severity. */
  verdict: { severity: string; headline: string } | null;
  incident: { id: string; alertName: string; link: string | null } | null;
};

const SEVERITY_ICON: Record<string, string> = {
  critical: ":red_circle:",
  warning: ":large_orange_circle:",
  ok: ":large_green_circle:",
};

export function statusRootText(i: StatusRootInput): string {
  const workload = code(`${i.target.namespace}/${i.target.deployment}`);
  const where = i.target.cluster ? `${workload} in cluster ${code(i.target.cluster)}` : workload;
  const head = i.verdict
    ? `${SEVERITY_ICON[i.verdict.severity] ?? ":grey_question:"} Memory status of ${where} (asked by <@${i.userId}>): ${escapeMrkdwn(i.verdict.headline)} Details in the thread.`
    : `:mag: Gathering diagnostics for ${where}… (asked by <@${i.userId}>)`;
  if (!i.incident) return head;
  const thread = safeLink(i.incident.link, "its thread");
  return `${head}\n:rotating_light: Incident ${escapeMrkdwn(i.incident.alertName)} is open for this workload${thread ? ` (${thread})` : ""}: what is approved here counts for it.`;
}
