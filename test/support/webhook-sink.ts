// A loopback HTTP server (port 0) that records every request it receives, for tests where a real
// sender (Alertmanager) posts to us. waitFor resolves on the first recorded request, past or
// future, that matches; it rejects after `timeoutMs` with everything received so far.
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export type ReceivedRequest = {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** Date.now() when the body had been read. */
  receivedAt: number;
};

export type WebhookSink = {
  url: string;
  received: ReceivedRequest[];
  waitFor(
    match: (request: ReceivedRequest) => boolean,
    timeoutMs: number,
    diagnostics?: () => Promise<string>,
  ): Promise<ReceivedRequest>;
  close(): Promise<void>;
};

/** Starts the sink; every request is answered 200 (`status` overrides that). */
export async function startWebhookSink(status = 200): Promise<WebhookSink> {
  const received: ReceivedRequest[] = [];
  const waiters = new Set<(request: ReceivedRequest) => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the raw text
      }
      const request = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body,
        receivedAt: Date.now(),
      };
      received.push(request);
      for (const waiter of waiters) waiter(request);
      res.writeHead(status).end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;

  const waitFor: WebhookSink["waitFor"] = (match, timeoutMs, diagnostics) => {
    const earlier = received.find(match);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const waiter = (request: ReceivedRequest) => {
        if (!match(request)) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(request);
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        const bodies = received.map((r) => JSON.stringify(r.body)).join("\n");
        const details = diagnostics ? diagnostics() : Promise.resolve("");
        void details.then(
          (text) =>
            reject(new Error(`no matching request within ${timeoutMs} ms; received:\n${bodies}\n${text}`)),
          (error: unknown) =>
            reject(new Error(`no matching request within ${timeoutMs} ms (${String(error)})`)),
        );
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    waitFor,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
