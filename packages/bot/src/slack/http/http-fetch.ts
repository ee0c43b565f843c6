// The app's HTTP client for the Slack Web API (WebClient's `fetch` option) and response_url posts:
// the small part of fetch they use, on undici's request API with its keep-alive Agent. Profiling the
// app under load showed Node's built-in fetch (undici's fetch, WHATWG streams) as its largest cost;
// undici.request is the same library without the WHATWG layer (bench/http-client.bench.ts compares
// the CPU per loopback POST of the two and of bare node:http, in one run).
// Bodies other than strings (FormData for file uploads) go to `fallback` (the global fetch).
import { promisify } from "node:util";
import { brotliDecompress, gunzip, inflate } from "node:zlib";
import type { FetchFunction } from "@slack/web-api";
import { Agent, type Dispatcher, request } from "undici";

export type HttpFetch = FetchFunction;
type Init = NonNullable<Parameters<HttpFetch>[1]>;
type Reply = Awaited<ReturnType<HttpFetch>>;

const MAX_REDIRECTS = 20;
/** Like fetch's headers and body timeouts: a silent server fails the call, it does not hang it. */
const IDLE_TIMEOUT_MS = 300_000;
const decoders: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

type Headers = Dispatcher.ResponseData["headers"];
const headerValue = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(", ") : (v ?? null));

function reply(url: string, status: number, statusText: string, headers: Headers, body: Buffer): Reply {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText,
    url,
    headers: {
      get: (name) => headerValue(headers[name.toLowerCase()]),
      *entries() {
        for (const [k, v] of Object.entries(headers)) if (v !== undefined) yield [k, headerValue(v) ?? ""];
      },
    },
    text: async () => body.toString("utf8"),
    json: async () => JSON.parse(body.toString("utf8")) as unknown,
    arrayBuffer: async () => new Uint8Array(body).buffer,
  };
}

export type HttpFetchOptions = {
  fallback?: HttpFetch;
  /** undici dispatcher (default: a keep-alive Agent with the idle timeout below). */
  dispatcher?: Dispatcher;
  /** Time without an answer (headers, then between body chunks) after which a call fails (default 300 s, as fetch's). */
  idleTimeoutMs?: number;
};

const TIMEOUTS = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

export function createHttpFetch(options: HttpFetchOptions = {}): HttpFetch {
  const fallback = options.fallback ?? (globalThis.fetch as HttpFetch);
  const idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const dispatcher =
    options.dispatcher ?? new Agent({ headersTimeout: idleTimeoutMs, bodyTimeout: idleTimeoutMs });
  const failed = (signal: AbortSignal | undefined | null, error: unknown) => {
    if (signal?.aborted) return signal.reason;
    const code = (error as { code?: unknown } | null)?.code;
    const cause =
      typeof code === "string" && TIMEOUTS.has(code)
        ? new Error(`no answer within ${idleTimeoutMs} ms`, { cause: error })
        : error;
    return new TypeError("fetch failed", { cause });
  };

  const once = async (url: URL, init: Init, body: string | undefined, retried = false) => {
    const signal = init.signal ?? undefined;
    try {
      const res = await request(url, {
        dispatcher,
        method: (init.method ?? "GET") as Dispatcher.HttpMethod,
        headers: { ...init.headers },
        ...(body !== undefined ? { body } : {}),
        ...(signal ? { signal } : {}),
      });
      const raw = Buffer.from(await res.body.arrayBuffer());
      const decode = decoders[String(headerValue(res.headers["content-encoding"]) ?? "").toLowerCase()];
      return { res, body: decode ? await decode(raw) : raw };
    } catch (error) {
      // The server closed a kept-alive socket as the request went out on it (its idle timeout):
      // no answer came, so send once more on a fresh connection.
      const code = (error as { code?: unknown } | null)?.code;
      if (!signal?.aborted && !retried && code === "UND_ERR_SOCKET") return await once(url, init, body, true);
      throw failed(signal, error);
    }
  };

  return async (input, init = {}) => {
    let url = new URL(String(input));
    const plain = init.body === undefined || typeof init.body === "string";
    if (!plain || (url.protocol !== "http:" && url.protocol !== "https:")) return await fallback(input, init);
    let current: Init = init;
    for (let hops = 0; ; hops++) {
      const { res, body } = await once(url, current, current.body as string | undefined);
      const status = res.statusCode;
      const location = headerValue(res.headers.location);
      if (status < 300 || status >= 400 || location === null || current.redirect === "manual")
        return reply(url.href, status, res.statusText, res.headers, body);
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
