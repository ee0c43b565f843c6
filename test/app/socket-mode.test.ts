// Socket Mode end to end: Bolt's real SocketModeReceiver (@slack/socket-mode) opens its connection
// through apps.connections.open on the fake Slack Web API (with the xapp- token), then talks to a
// fake Socket Mode endpoint on 127.0.0.1: hello, a /rdev slash command and a button click arrive
// as envelopes, and the app must ack each one over the socket within Slack's 3 s and answer.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { PROPOSAL_ACTION_PREFIX } from "@rdev/bot/render/blocks/diagnosis.ts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../support/redis.ts";
import { blockActions, slashCommand } from "../support/slack-sign.ts";
import { APPROVER, eventually, type Harness, OPS_CHANNEL, startHarness } from "./harness.ts";

// `ws` (what @slack/socket-mode uses) ships no types; the little of it used here:
type WsSocket = {
  send(data: string): void;
  close(): void;
  on(event: "message", listener: (data: Buffer) => void): void;
};
type WsServer = {
  on(event: "connection", listener: (socket: WsSocket, req: IncomingMessage) => void): void;
  close(callback?: () => void): void;
};
const { WebSocketServer } = createRequire(import.meta.url)("ws") as {
  WebSocketServer: new (options: { server: Server }) => WsServer;
};

const APP_TOKEN = "xapp-1-A0RDEVAPP1-1234567890-0123456789abcdef0123456789abcdef";
const ACK_DEADLINE_MS = 3000;

type Ack = { envelope_id: string; payload?: unknown; at: number };

/** Slack's Socket Mode endpoint: says hello to each connection and records what comes back. */
async function startSocketEndpoint() {
  const http = createServer((_req, res) => {
    res.writeHead(426);
    res.end();
  });
  const wss = new WebSocketServer({ server: http });
  const sockets: WsSocket[] = [];
  const paths: string[] = [];
  const acks: Ack[] = [];
  wss.on("connection", (socket, req) => {
    paths.push(req.url ?? "");
    sockets.push(socket);
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString("utf8")) as Omit<Ack, "at">;
      if (typeof message.envelope_id === "string") acks.push({ ...message, at: performance.now() });
    });
    socket.send(
      JSON.stringify({
        type: "hello",
        num_connections: 1,
        debug_info: { host: "applink-fake", build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: "A0RDEVAPP1" },
      }),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/link/?ticket=${randomUUID()}&app_id=A0RDEVAPP1`,
    paths,
    acks,
    /** Sends an envelope on the latest connection; resolves with its ack and how long it took. */
    async deliver(type: string, payload: unknown): Promise<{ ack: Ack; ackMs: number }> {
      const socket = sockets.at(-1);
      if (!socket) throw new Error("the app has not connected");
      const envelopeId = randomUUID();
      const sent = performance.now();
      socket.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          accepts_response_payload: true,
          payload,
          retry_attempt: 0,
        }),
      );
      const ack = await eventually(() => acks.find((a) => a.envelope_id === envelopeId), ACK_DEADLINE_MS);
      return { ack, ackMs: ack.at - sent };
    },
    async close() {
      for (const s of sockets) s.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

let redisServer: TestRedis;
let endpoint: Awaited<ReturnType<typeof startSocketEndpoint>>;
let h: Harness;

beforeAll(async () => {
  redisServer = await startRedis();
});

afterAll(async () => {
  await redisServer.stop();
});

beforeEach(async () => {
  endpoint = await startSocketEndpoint();
  h = await startHarness(redisServer, {
    env: { SLACK_MODE: "socket", SLACK_APP_TOKEN: APP_TOKEN },
    fake: { appToken: APP_TOKEN, socketModeUrl: endpoint.url },
  });
});

afterEach(async () => {
  await h.stop();
  await endpoint.close();
});

const responses = (url: string) =>
  eventually(() => (h.fake.responses(url).length > 0 ? h.fake.responses(url) : false));

describe("Socket Mode", () => {
  it("opens its connection with the app token through SLACK_API_URL and serves no Slack HTTP endpoint", async () => {
    const [open] = h.fake.callsTo("apps.connections.open");
    expect(open).toMatchObject({ ok: true, response: { url: endpoint.url } });
    expect(endpoint.paths).toHaveLength(1);
    expect(endpoint.paths[0]).toMatch(/^\/link\/\?ticket=/);
    const res = await fetch(`${h.instances[0]?.url}/slack/events`, { method: "POST" });
    expect(res.status).toBe(404);
  });

  it("acks a /rdev help envelope over the socket within 3 s and shows the help privately", async () => {
    const responseUrl = h.fake.responseUrl();
    const { ack, ackMs } = await endpoint.deliver(
      "slash_commands",
      slashCommand({ text: "help", channel_id: OPS_CHANNEL, response_url: responseUrl }),
    );
    expect(ackMs).toBeLessThan(ACK_DEADLINE_MS);
    expect(ack.payload ?? {}).toEqual({});
    const [post] = await responses(responseUrl);
    expect(post?.body).toMatchObject({ response_type: "ephemeral" });
    expect(JSON.stringify(post?.body)).toContain("mem history");
  });

  it("acks a click on an unknown proposal's button and answers it politely", async () => {
    const responseUrl = h.fake.responseUrl();
    const payload = blockActions({
      actionId: `${PROPOSAL_ACTION_PREFIX}restart:0`,
      value: randomUUID(),
      user: { id: APPROVER },
      channelId: OPS_CHANNEL,
      responseUrl,
      triggerId: h.fake.issueTriggerId(),
    });
    const { ackMs } = await endpoint.deliver("interactive", payload);
    expect(ackMs).toBeLessThan(ACK_DEADLINE_MS);
    const [post] = await responses(responseUrl);
    expect(post?.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(JSON.stringify(post?.body)).toContain("no longer exists");
    expect(h.fake.callsTo("chat.update")).toEqual([]);
  });
});
