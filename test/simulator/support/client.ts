// Tiny HTTP client for simulator tests (raw fetch, so tests see exactly what the server sends).
import { ManualClock } from "@rdev/bot/clock.ts";
import { type Simulator, type SimulatorOptions, startSimulator } from "@rdev/kube-sim/index.ts";
import { type LinearAppOptions, linearFactory } from "./linear-app.ts";

export type Res = {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed Kubernetes JSON; tests assert on its shape.
  body: any;
};

export type Client = {
  get(path: string, headers?: Record<string, string>): Promise<Res>;
  send(method: string, path: string, body?: unknown, contentType?: string): Promise<Res>;
};

export function client(sim: Pick<Simulator, "url" | "token">, token: string | null = sim.token): Client {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: { ...(token === null ? {} : { Authorization: `Bearer ${token}` }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  };
  return {
    get: (path, headers) => call("GET", path, undefined, headers),
    send: (method, path, body, contentType = "application/json") =>
      call(method, path, body, { "Content-Type": contentType }),
  };
}

/** A simulator on a ManualClock with the linear test app (100 MiB + 1 MiB/s, ready after 2 s). */
export async function manualSim(options: SimulatorOptions = {}, app: LinearAppOptions = {}) {
  const clock = new ManualClock();
  const { factory, starts } = linearFactory(app);
  const sim = await startSimulator({ clock, appFactory: factory, ...options });
  return { sim, clock, starts, api: client(sim) };
}
