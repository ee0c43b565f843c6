// One loopback port serving both plain HTTP and HTTPS: the first byte of a connection tells a TLS
// ClientHello (0x16) from an HTTP request line. The bot and tests may use http://; kubectl needs
// https:// because it only sends kubeconfig credentials over TLS.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type Socket } from "node:net";

export type DualListener = { port: number; close(): Promise<void> };

export async function listenHttpAndHttps(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  tls: { certPem: string; keyPem: string },
  port: number,
  host = "127.0.0.1",
): Promise<DualListener> {
  const http = createHttpServer(handler);
  const https = createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, handler);
  const sockets = new Set<Socket>();
  const front = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.once("data", (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      (chunk[0] === 0x16 ? https : http).emit("connection", socket);
      process.nextTick(() => socket.resume());
    });
  });
  await new Promise<void>((resolve, reject) => {
    front.once("error", reject);
    front.listen(port, host, () => resolve());
  });
  const address = front.address();
  if (address === null || typeof address === "string")
    throw new Error("simulator: listener has no TCP address");
  return {
    port: address.port,
    async close() {
      const closed = new Promise<void>((resolve) => front.close(() => resolve()));
      http.closeAllConnections();
      https.closeAllConnections();
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
