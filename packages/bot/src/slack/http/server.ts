// The app's one HTTP server: Slack's requests (POST /slack/events, through the replay guard into
// Bolt's HTTPReceiver), GET /healthz, GET /readyz, GET /metrics and POST /alertmanager. In socket
// mode the same server runs without the Slack endpoint.
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../../logger.ts";
import type { RedisClient } from "../../redis.ts";
import { type Metrics, slackRequestKind } from "../../telemetry/metrics.ts";
import type { GuardVerdict } from "./replay-guard.ts";
import { sendJson } from "./respond.ts";

export const SLACK_EVENTS_PATH = "/slack/events";

export type HttpServerOptions = {
  /** Bolt's receiver listener (HTTP mode); null in socket mode. */
  slack: {
    listener: RequestListener;
    guard: (req: IncomingMessage) => Promise<GuardVerdict>;
    /** Requests whose signature is being checked at once; more are answered 503 unread. */
    maxPending: number;
  } | null;
  alertmanager: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  redis: RedisClient;
  metrics: Metrics;
  logger: Logger;
};

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export function createHttpServer(options: HttpServerOptions): Server {
  const { metrics, logger } = options;
  const routes: Record<string, Handler> = {
    "GET /healthz": (_req, res) => sendJson(res, 200, { ok: true }),
    // Ready while the app can answer: without Redis it still answers every Slack request (saying
    // it cannot reach Redis) and Alertmanager (503, so it retries). Taking every replica out of
    // the Service would turn those answers into Slack's timeouts and connection errors.
    "GET /readyz": async (_req, res) => {
      const redis =
        options.redis.status === "ready" &&
        (await options.redis.ping().then(
          () => true,
          () => false,
        ));
      sendJson(
        res,
        200,
        redis ? { ok: true, redis: "ok" } : { ok: true, redis: "unreachable", degraded: true },
      );
    },
    "GET /metrics": async (_req, res) => {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { "content-type": metrics.registry.contentType });
      res.end(text);
    },
    "POST /alertmanager": options.alertmanager,
  };
  const slack = options.slack;
  if (slack) {
    let pending = 0;
    routes[`POST ${SLACK_EVENTS_PATH}`] = async (req, res) => {
      const started = process.hrtime.bigint();
      let kind = "rejected";
      res.once("finish", () =>
        metrics.ackSeconds.observe({ kind }, Number(process.hrtime.bigint() - started) / 1e9),
      );
      // Refusals close the connection, so an unread body is never buffered.
      const refuse = (status: number, headers: Record<string, string> = {}) => {
        res.writeHead(status, { connection: "close", ...headers });
        res.end();
        res.once("finish", () => req.destroy());
      };
      if (pending >= slack.maxPending) {
        metrics.limited.inc({ limit: "slack_events_pending" });
        logger.warn({ pending }, "slack request refused: too many unverified requests at once");
        return refuse(503, { "retry-after": "1" });
      }
      pending++;
      let verdict: GuardVerdict;
      try {
        verdict = await slack.guard(req);
      } finally {
        pending--;
      }
      if (!verdict.ok) {
        metrics.slackRejected.inc({ reason: verdict.reason });
        logger.warn({ reason: verdict.reason }, "slack request refused");
        return refuse(verdict.reason === "too_large" ? 413 : 401);
      }
      kind = slackRequestKind((req as { rawBody?: Buffer }).rawBody?.toString() ?? "");
      slack.listener(req, res);
    };
  }

  return createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const route = routes[`${req.method ?? "GET"} ${path}`];
    if (!route) {
      sendJson(res, 404, { error: `no route for ${req.method} ${path}` });
      return;
    }
    Promise.resolve()
      .then(() => route(req, res))
      .catch((error: unknown) => {
        logger.error({ err: error, path }, "http request failed");
        if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
        else res.destroy();
      });
  });
}

export async function listen(
  server: Server,
  port: number,
  host: string,
): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return { port: address.port, url: `http://${shownHost}:${address.port}` };
}
