// The runbook's next step after a failed verification: a restart that did not hold calls for a
// higher limit; an SSE leak calls for the Traefik timeout; cache growth for a shorter TTL. The
// runbook's rule (it picks its actions by name); verify/ gives it the failed checks. Pure.
import type { Action, CauseId, RankedCause } from "../../diagnose/types.ts";
import { CATALOG, type CatalogKind } from "./catalog/index.ts";

export type NextStep =
  | { kind: "action"; action: Action; why: string }
  | { kind: "advice"; topic: CauseId; title: string; steps: string[]; why: string };

const TRAEFIK_ADVICE = [
  "Reduce the connection timeout at the Traefik entrypoint (entryPoints.<name>.transport.respondingTimeouts), or per service with a ServersTransport forwarding timeout.",
  'Check for stuck connections: kubectl -n <ns> logs -l <selector> | grep "SSE connection" | tail -50',
  "Review the SSE connection lifecycle: clients must close, the server must notice.",
];

/**
 * The runbook's next step after a failed verification: a restart that did not hold calls for a
 * higher limit; an SSE leak calls for the Traefik timeout; cache growth for a shorter TTL.
 * `actions` and `causes` come from a fresh diagnosis.
 */
export function nextSteps(input: {
  action: CatalogKind;
  /** The verification's checks that failed ("memory", "trend", "oom", "ready", "rollout"). */
  failed: ReadonlySet<string>;
  actions: readonly Action[];
  causes: readonly RankedCause[];
}): NextStep[] {
  const steps: NextStep[] = [];
  const failed = (id: string) => input.failed.has(id);
  const memoryTrouble = failed("memory") || failed("trend") || failed("oom");
  const restart = CATALOG[input.action].restartsPods;
  const raise = input.actions.find((a) => a.kind === "raise-memory-limit");
  if (restart && memoryTrouble && raise)
    steps.push({
      kind: "action",
      action: raise,
      why: "The restart did not hold: memory is high or climbing again.",
    });
  const top = input.causes.find((c) => c.id !== "unknown");
  if (top?.id === "sse-leak") {
    // The diagnosis' own advice names the namespace and selector; the generic text is the fallback.
    const advice = input.actions.find((a) => a.kind === "advice" && a.params.topic === "sse-leak");
    const fromDiagnosis =
      advice?.kind === "advice"
        ? [...advice.params.steps, ...advice.params.commands.map((c) => `Run: ${c}`)]
        : null;
    steps.push({
      kind: "advice",
      topic: "sse-leak",
      title: "Time out leaking SSE connections at Traefik",
      steps: fromDiagnosis ?? TRAEFIK_ADVICE,
      why: `${top.title} is still the likely cause: restarts only buy time until the connections pile up again.`,
    });
  }
  const ttl = input.actions.find((a) => a.kind === "set-cache-ttl");
  if (top?.id === "cache-growth" && ttl && input.action !== "set-cache-ttl")
    steps.push({
      kind: "action",
      action: ttl,
      why: "The cache is still growing: a shorter TTL lets entries expire.",
    });
  if (
    !restart &&
    memoryTrouble &&
    raise &&
    input.action !== "raise-memory-limit" &&
    !steps.some((s) => s.kind === "action")
  )
    steps.push({
      kind: "action",
      action: raise,
      why: "Memory is still high: more headroom buys time for the real fix.",
    });
  return steps;
}
