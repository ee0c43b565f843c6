// The app's keep-alive HTTP client (WebClient's fetch, response_url posts) against a real loopback
// server: what WebClient and postToResponseUrl read from a response, redirects, aborts, gzip, and
// bodies it hands to the fallback.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { gzipSync } from "node:zlib";
import { createHttpFetch, type HttpFetch } from "@rdev/bot/slack/http/http-fetch.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Seen = {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  socket: Socket;
};

let server: Server;
let base = "";
const seen: Seen[] = [];
const handlers: Record<string, (req: IncomingMessage, res: ServerResponse, s: Seen) => void> = {
  "/api/chat.postMessage": (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "x-multi": ["a", "b"] });
    res.end(JSON.stringify({ ok: true, ts: "1.2" }));
  },
  "/gzip": (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
    res.end(gzipSync(JSON.stringify({ ok: true })));
  },
  "/see-other": (_req, res) => {
    res.writeHead(303, { location: "/api/chat.postMessage" });
    res.end();
  },
  "/temporary": (_req, res) => {
    res.writeHead(307, { location: `${base}/api/chat.postMessage` });
    res.end();
  },
  "/never": () => {},
  "/drop-reused": (_req, res, s) => {
    // The first request on a reused socket finds it closed, as after a server's idle timeout.
    if (seen.filter((x) => x.socket === s.socket).length === 2 && !dropped.has(s.socket)) {
      dropped.add(s.socket);
      s.socket.destroy();
      return;
    }
    res.end("ok");
  },
};
const dropped = new Set<Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        socket: req.socket,
      };
      seen.push(s);
      const handler = handlers[new URL(req.url ?? "/", "http://x").pathname];
      if (handler) handler(req, res, s);
      else res.writeHead(404).end("no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const form = "channel=C1&text=hello%20there";
const tick = () => new Promise((resolve) => setImmediate(resolve));
const post = (f: HttpFetch, path: string, extra: Parameters<HttpFetch>[1] = {}) =>
  f(`${base}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: "Bearer xoxb-1" },
    body: form,
    ...extra,
  });

describe("createHttpFetch", () => {
  it("posts a string body and answers what WebClient reads, over one kept-alive socket", async () => {
    const f = createHttpFetch();
    const start = seen.length;
    const res = await post(f, "/api/chat.postMessage", { redirect: "error" });
    expect(res).toMatchObject({
      ok: true,
      status: 200,
      statusText: "OK",
      url: `${base}/api/chat.postMessage`,
    });
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(res.headers.get("x-multi")).toBe("a, b");
    expect(res.headers.get("retry-after")).toBeNull();
    expect(Object.fromEntries(res.headers.entries())).toMatchObject({ "content-type": "application/json" });
    expect(await res.json()).toEqual({ ok: true, ts: "1.2" });
    expect(new TextDecoder().decode(await res.arrayBuffer())).toBe('{"ok":true,"ts":"1.2"}');
    // undici hands the connection back to its pool when the response completes, a tick after the
    // body is read; a call in that same tick would open a second kept-alive socket.
    await tick();
    await post(f, "/api/chat.postMessage");
    const [first, second] = seen.slice(start);
    expect(first).toMatchObject({ method: "POST", body: form });
    expect(first?.headers).toMatchObject({
      "content-type": "application/x-www-form-urlencoded",
      authorization: "Bearer xoxb-1",
      "content-length": String(form.length),
    });
    expect(second?.socket).toBe(first?.socket);
  });

  it("answers non-2xx statuses as responses, not errors", async () => {
    const res = await post(createHttpFetch(), "/nope");
    expect([res.ok, res.status, await res.text()]).toEqual([false, 404, "no"]);
  });

  it("decodes a gzip body", async () => {
    expect(await (await createHttpFetch()(`${base}/gzip`)).json()).toEqual({ ok: true });
  });

  it("follows redirects as fetch does, and refuses them with redirect: error", async () => {
    const f = createHttpFetch();
    const start = seen.length;
    const other = await post(f, "/see-other");
    expect([other.status, other.url]).toEqual([200, `${base}/api/chat.postMessage`]);
    expect(seen[start + 1]).toMatchObject({ method: "GET", body: "" });
    expect(seen[start + 1]?.headers["content-type"]).toBeUndefined();
    await post(f, "/temporary");
    expect(seen[start + 3]).toMatchObject({ method: "POST", body: form });
    expect((await post(f, "/temporary", { redirect: "manual" })).status).toBe(307);
    await expect(post(f, "/temporary", { redirect: "error" })).rejects.toThrow(TypeError);
  });

  it("rejects with the abort reason when the signal fires", async () => {
    const controller = new AbortController();
    const pending = post(createHttpFetch(), "/never", { signal: controller.signal });
    controller.abort(new Error("timed out"));
    await expect(pending).rejects.toThrow("timed out");
    await expect(post(createHttpFetch(), "/never", { signal: controller.signal })).rejects.toThrow(
      "timed out",
    );
  });

  it("fails a call the server never answers after the idle timeout", async () => {
    const error = await post(createHttpFetch({ idleTimeoutMs: 20 }), "/never").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as TypeError).cause)).toMatch(/no answer within 20 ms/);
  });

  it("sends again once when a reused keep-alive socket turns out closed", async () => {
    const f = createHttpFetch();
    expect(await (await post(f, "/drop-reused")).text()).toBe("ok");
    await tick();
    expect(await (await post(f, "/drop-reused")).text()).toBe("ok");
    expect(dropped.size).toBe(1);
  });

  it("rejects like fetch when nothing listens", async () => {
    const error = await createHttpFetch()("http://127.0.0.1:1/api/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).cause).toMatchObject({ code: "ECONNREFUSED" });
  });

  it("hands other bodies (FormData uploads) to the fallback", async () => {
    const calls: unknown[] = [];
    const fallback: HttpFetch = async (url, init) => {
      calls.push([String(url), init?.body]);
      return await createHttpFetch()(`${base}/api/chat.postMessage`);
    };
    const body = new FormData();
    body.append("file", "bytes");
    await createHttpFetch({ fallback })(`${base}/upload`, { method: "POST", body });
    expect(calls).toEqual([[`${base}/upload`, body]]);
  });
});
