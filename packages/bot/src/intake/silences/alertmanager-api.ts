// Alertmanager's v2 API, the parts the Silence control needs: create and expire a silence, and list
// the alerts Alertmanager holds (which a silence keeps from being notified, resolved ones included:
// prometheus/alertmanager#226). Every answer is parsed; errors say what to check.
import { z } from "zod";

export type Matcher = { name: string; value: string; isRegex: boolean; isEqual: boolean };

export type SilenceInput = {
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
};

const SilenceCreated = z.object({ silenceID: z.string().min(1) });
const GettableAlert = z.object({
  labels: z.record(z.string(), z.string()),
  fingerprint: z.string(),
  endsAt: z.string(),
  status: z.object({ state: z.string(), silencedBy: z.array(z.string()).default([]) }),
});
export type GettableAlert = z.infer<typeof GettableAlert>;

export class AlertmanagerApiError extends Error {
  override readonly name = "AlertmanagerApiError";
  readonly code = "alertmanager_api";
}

export type AlertmanagerApi = ReturnType<typeof createAlertmanagerApi>;

export function createAlertmanagerApi(options: {
  baseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}) {
  const http = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await http(`${options.baseUrl}/api/v2/${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new AlertmanagerApiError(
        `Alertmanager did not answer ${method} /api/v2/${path} (${error instanceof Error ? error.message : String(error)}): check ALERTMANAGER_URL (${options.baseUrl}) and that the app may reach it.`,
      );
    }
    const text = await res.text();
    if (!res.ok) {
      throw new AlertmanagerApiError(
        `Alertmanager answered ${res.status} to ${method} /api/v2/${path}: ${text.slice(0, 200)}`,
      );
    }
    return text === "" ? null : (JSON.parse(text) as unknown);
  }
  return {
    /** Creates a silence; its id. */
    async createSilence(input: SilenceInput): Promise<string> {
      const reply = await call("POST", "silences", {
        matchers: input.matchers,
        startsAt: new Date(input.startsAt).toISOString(),
        endsAt: new Date(input.endsAt).toISOString(),
        createdBy: input.createdBy,
        comment: input.comment,
      });
      const parsed = SilenceCreated.safeParse(reply);
      if (!parsed.success)
        throw new AlertmanagerApiError("Alertmanager's answer to a new silence had no silenceID.");
      return parsed.data.silenceID;
    },
    /** Expires a silence now (DELETE); an already expired or unknown one is not an error. */
    async expireSilence(id: string): Promise<void> {
      try {
        await call("DELETE", `silence/${encodeURIComponent(id)}`);
      } catch (error) {
        if (
          error instanceof AlertmanagerApiError &&
          /answered (404|500).*(not found|already expired)/i.test(error.message)
        )
          return;
        throw error;
      }
    },
    /** Alerts Alertmanager holds that match (firing, silenced or inhibited; resolved ones drop out). */
    async listAlerts(matchers: readonly Matcher[]): Promise<GettableAlert[]> {
      const filter = matchers
        .map(
          (m) =>
            `filter=${encodeURIComponent(`${m.name}${m.isEqual ? "" : "!"}${m.isRegex ? "=~" : "="}"${m.value.replace(/"/g, '\\"')}"`)}`,
        )
        .join("&");
      const reply = await call(
        "GET",
        `alerts?active=true&silenced=true&inhibited=true&unprocessed=true&${filter}`,
      );
      const parsed = z.array(GettableAlert).safeParse(reply);
      if (!parsed.success) throw new AlertmanagerApiError("Alertmanager's alert list did not parse.");
      return parsed.data;
    },
  };
}
