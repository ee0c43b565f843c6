// The HTTP front of the simulated API server: global latency, bearer-token authentication,
// injected faults, then routing. Every error leaves as a metav1.Status body.
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { type Faults, faultError } from "./faults.ts";
import { type Ctx, readBody, send, sendStatus } from "./http.ts";
import { parseRequestInfo } from "./request-info.ts";
import { route } from "./router.ts";
import { ApiError, internalError, unauthorized } from "./status.ts";
import type { World } from "./world.ts";

export type RequestRecord = {
  method: string;
  path: string;
  query: string;
  status: number;
  simTimeMs: number;
};

export type ApiServerDeps = {
  world: World;
  faults: Faults;
  token: string;
  /** host:port, for discovery's serverAddressByClientCIDRs. */
  serverAddress: () => string;
  /** Aborted when the simulator closes: pending delays and watches end. */
  shutdown: AbortSignal;
  /** Receives every finished request (the simulator keeps the last ones for tests). */
  onRequest?: (r: RequestRecord) => void;
  /** Unexpected errors (bugs), reported besides the 500 the client gets. */
  onError?: (err: unknown) => void;
  /** Prometheus text for GET /metrics (served without a token), if any. */
  scrape?: (now: number) => string;
};

function authorised(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? "";
  const m = /^Bearer\s+(.+)$/i.exec(header);
  return m?.[1]?.trim() === token;
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: ApiServerDeps): Promise<void> {
  const { world, faults } = deps;
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const controller = new AbortController();
  const abort = () => controller.abort();
  deps.shutdown.addEventListener("abort", abort, { once: true });
  res.on("close", () => {
    deps.shutdown.removeEventListener("abort", abort);
    if (!res.writableFinished) abort();
  });
  const signal = controller.signal;
  if (faults.latencyMs > 0) await sleep(faults.latencyMs, undefined, { signal });
  if (deps.scrape && method === "GET" && url.pathname === "/metrics") {
    const body = deps.scrape(world.sync());
    send(res, { kind: "raw", status: 200, body, contentType: "text/plain; version=0.0.4; charset=utf-8" });
    return;
  }
  if (!authorised(req, deps.token)) throw unauthorized();
  const raw = await readBody(req);
  const info = parseRequestInfo(method, url.pathname, url.searchParams);
  const fault = faults.match(method, url.pathname);
  if (fault?.delayMs) await sleep(fault.delayMs, undefined, { signal });
  if (fault?.status !== undefined) {
    if (fault.body !== undefined) {
      send(res, {
        kind: "raw",
        status: fault.status,
        body: fault.body,
        contentType: fault.contentType ?? "text/plain; charset=utf-8",
      });
      return;
    }
    throw faultError({ ...fault, status: fault.status }, info);
  }
  const now = world.sync();
  const ctx: Ctx = {
    req,
    res,
    method,
    url,
    query: url.searchParams,
    info,
    accept: req.headers.accept ?? "",
    contentType: req.headers["content-type"] ?? "",
    raw,
    now,
    signal,
  };
  send(res, route(ctx, { world, faults, serverAddress: deps.serverAddress() }));
}

/** The request handler of the API server (for node:http and node:https alike). */
export function createApiHandler(deps: ApiServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    res.on("finish", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      deps.onRequest?.({
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.search,
        status: res.statusCode,
        simTimeMs: deps.world.time,
      });
    });
    handle(req, res, deps).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof ApiError) {
        sendStatus(res, err.body);
        return;
      }
      if ((err as Error)?.name === "AbortError") {
        res.destroy();
        return;
      }
      deps.onError?.(err);
      sendStatus(res, internalError(err instanceof Error ? err.message : String(err)).body);
    });
  };
}
