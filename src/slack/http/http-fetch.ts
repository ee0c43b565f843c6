// The app's HTTP client for the Slack Web API (WebClient's `fetch` option) and response_url posts:
// the small part of fetch they use, on node:http(s) with keep-alive agents. Profiling the app under
// load showed Node's built-in fetch (undici, WHATWG streams) as its largest cost: a loopback POST
// took ~0.55 ms of CPU with fetch and ~0.16 ms with http.request (client and server together).
// Bodies other than strings (FormData for file uploads) go to `fallback` (the global fetch).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { promisify } from "node:util";
import { brotliDecompress, gunzip, inflate } from "node:zlib";
import type { webApi } from "@slack/bolt";

export type HttpFetch = webApi.FetchFunction;
type Init = NonNullable<Parameters<HttpFetch>[1]>;
type Reply = Awaited<ReturnType<HttpFetch>>;

const MAX_REDIRECTS = 20;
/** Like undici's headers and body timeouts: a silent server fails the call, it does not hang it. */
const IDLE_TIMEOUT_MS = 300_000;
const decoders: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

function headersOf(res: IncomingMessage): Reply["headers"] {
  const value = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(", ") : (v ?? null));
  return {
    get: (name) => value(res.headers[name.toLowerCase()]),
    *entries() {
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) yield [k, value(v) ?? ""];
    },
  };
}

function reply(url: string, res: IncomingMessage, body: Buffer): Reply {
  const status = res.statusCode ?? 0;
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: res.statusMessage ?? "",
    url,
    headers: headersOf(res),
    text: async () => body.toString("utf8"),
    json: async () => JSON.parse(body.toString("utf8")) as unknown,
    arrayBuffer: async () => new Uint8Array(body).buffer,
  };
}

export type HttpFetchOptions = {
  fallback?: HttpFetch;
  agents?: { http: HttpAgent; https: HttpsAgent };
  /** Socket inactivity after which a call fails (default 300 s, as fetch's). */
  idleTimeoutMs?: number;
};

export function createHttpFetch(options: HttpFetchOptions = {}): HttpFetch {
  const fallback = options.fallback ?? (globalThis.fetch as HttpFetch);
  const agents = options.agents ?? {
    http: new HttpAgent({ keepAlive: true }),
    https: new HttpsAgent({ keepAlive: true }),
  };

  const idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const failed = (signal: AbortSignal | undefined, error: unknown) =>
    signal?.aborted ? signal.reason : new TypeError("fetch failed", { cause: error });

  const once = (url: URL, init: Init, body: string | undefined, retried = false) =>
    new Promise<{ res: IncomingMessage; body: Buffer }>((resolve, reject) => {
      const signal = init.signal;
      const send = url.protocol === "https:" ? httpsRequest : httpRequest;
      const headers: Record<string, string> = { ...init.headers };
      if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-length"))
        headers["content-length"] = String(Buffer.byteLength(body));
      const req = send(url, {
        method: init.method ?? "GET",
        headers,
        agent: url.protocol === "https:" ? agents.https : agents.http,
      });
      req.setTimeout(idleTimeoutMs, () => req.destroy(new Error(`no answer within ${idleTimeoutMs} ms`)));
      const onAbort = () => req.destroy(signal?.reason as Error);
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = () => signal?.removeEventListener("abort", onAbort);
      req.on("error", (error: NodeJS.ErrnoException) => {
        done();
        // The server closed an idle keep-alive socket as we reused it: nothing was read, send again.
        if (!signal?.aborted && req.reusedSocket && error.code === "ECONNRESET" && !retried)
          return resolve(once(url, init, body, true));
        reject(failed(signal, error));
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (error) => {
          done();
          reject(failed(signal, error));
        });
        res.on("end", () => {
          done();
          const raw = Buffer.concat(chunks);
          const decode = decoders[String(res.headers["content-encoding"] ?? "").toLowerCase()];
          if (!decode) return resolve({ res, body: raw });
          decode(raw).then(
            (decoded) => resolve({ res, body: decoded }),
            (error: unknown) => reject(failed(undefined, error)),
          );
        });
      });
      if (signal?.aborted) onAbort();
      else req.end(body);
    });

  return async (input, init = {}) => {
    let url = new URL(String(input));
    const plain = init.body === undefined || typeof init.body === "string";
    if (!plain || (url.protocol !== "http:" && url.protocol !== "https:")) return await fallback(input, init);
    let current: Init = init;
    for (let hops = 0; ; hops++) {
      const { res, body } = await once(url, current, current.body as string | undefined);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status < 300 || status >= 400 || location === undefined || current.redirect === "manual")
        return reply(url.href, res, body);
      if (current.redirect === "error") throw new TypeError("fetch failed", { cause: "unexpected redirect" });
      if (hops >= MAX_REDIRECTS) throw new TypeError("fetch failed", { cause: "redirect count exceeded" });
      url = new URL(location, url);
      // As fetch does: 303, and 301/302 after a POST, continue as a GET without the body.
      if (status === 303 || ((status === 301 || status === 302) && current.method === "POST")) {
        const { "Content-Type": _, "content-type": __, ...headers } = current.headers ?? {};
        current = { ...current, method: "GET", headers, body: undefined };
      }
    }
  };
}
