// The worker's own small HTTP server: GET /healthz (200 while Redis is connected and every queue
// worker runs, else 503 with the reason) and GET /metrics (Prometheus text).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export type Health = { ok: boolean; details: Record<string, unknown> };

export type HealthServer = { port: number; url: string; close(): Promise<void> };

export async function startHealthServer(options: {
  host: string;
  port: number;
  registry: Registry;
  health: () => Health;
}): Promise<HealthServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/healthz") {
      const h = options.health();
      res.writeHead(h.ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: h.ok ? "ok" : "unavailable", ...h.details }));
      return;
    }
    if (path === "/metrics") {
      options.registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": options.registry.contentType });
          res.end(text);
        },
        (error: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(String(error));
        },
      );
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    port,
    url: `http://${shown === "0.0.0.0" ? "127.0.0.1" : shown}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
