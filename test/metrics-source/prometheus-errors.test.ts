// prometheusRangeSource against a loopback server that answers as Prometheus (or a proxy in front
// of it) does when things go wrong.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { MetricsSourceError } from "@rdev/bot/samples/errors.ts";
import { prometheusRangeSource } from "@rdev/bot/samples/prometheus-range-source.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Reply = { status: number; body: string; contentType?: string } | "hang";

const json = (status: number, value: unknown): Reply => ({ status, body: JSON.stringify(value) });
const matrix = (result: unknown[]) =>
  json(200, { status: "success", data: { resultType: "matrix", result } });

let server: Server;
let base = "";
let reply: (url: URL) => Reply = () => matrix([]);
const requests: { url: URL; headers: IncomingMessage["headers"] }[] = [];
const hanging: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push({ url, headers: req.headers });
    const r = reply(url);
    if (r === "hang") {
      hanging.push(res);
      return;
    }
    res.writeHead(r.status, { "content-type": r.contentType ?? "application/json" });
    res.end(r.body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  server.close();
});

const target = { namespace: "rdev", container: "rdev-api" };
const window = { endMs: Date.UTC(2026, 10, 3, 14, 30), windowMs: 30 * 60_000 };

async function failure(promise: Promise<unknown>): Promise<MetricsSourceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MetricsSourceError);
  return error as MetricsSourceError;
}

describe("prometheusRangeSource requests", () => {
  it("asks query_range under the base path, with both queries, the range, a step and the headers", async () => {
    requests.length = 0;
    reply = () => matrix([]);
    const source = prometheusRangeSource({
      baseUrl: `${base}/prometheus/`,
      target,
      headers: { authorization: "Bearer t0ken" },
    });
    const h = await source.memoryHistory(window);
    expect(h).toEqual({
      series: [],
      limitBytes: null,
      events: [],
      startMs: window.endMs - window.windowMs,
      endMs: window.endMs,
      stepMs: 7000,
    });
    expect(requests.map((r) => r.url.pathname)).toEqual([
      "/prometheus/api/v1/query_range",
      "/prometheus/api/v1/query_range",
    ]);
    expect(requests.map((r) => r.url.searchParams.get("query")).sort()).toEqual([
      'max by (pod) (container_memory_working_set_bytes{namespace="rdev",container="rdev-api"})',
      'max by (pod) (kube_pod_container_resource_limits{namespace="rdev",container="rdev-api",resource="memory"})',
    ]);
    const first = requests[0];
    expect(first?.url.searchParams.get("start")).toBe(String((window.endMs - window.windowMs) / 1000));
    expect(first?.url.searchParams.get("end")).toBe(String(window.endMs / 1000));
    expect(first?.url.searchParams.get("step")).toBe("7s");
    expect(first?.headers.authorization).toBe("Bearer t0ken");
  });

  it("parses the matrix: series per pod, NaN/Inf dropped, limit and its change", async () => {
    const t = window.endMs / 1000;
    reply = (url) =>
      url.searchParams.get("query")?.includes("working_set")
        ? matrix([
            {
              metric: { pod: "b" },
              values: [
                [t - 14, "300"],
                [t - 7, "NaN"],
                [t, "+Inf"],
              ],
            },
            {
              metric: { pod: "a" },
              values: [
                [t - 14, "100"],
                [t - 7, "200.5"],
              ],
            },
          ])
        : matrix([
            {
              metric: { pod: "a" },
              values: [
                [t - 14, "512"],
                [t - 7, "1024"],
              ],
            },
            { metric: { pod: "b" }, values: [[t - 14, "512"]] },
          ]);
    const h = await prometheusRangeSource({ baseUrl: base, target }).memoryHistory(window);
    expect(h.series).toEqual([
      {
        pod: "a",
        points: [
          { t: window.endMs - 14_000, bytes: 100 },
          { t: window.endMs - 7000, bytes: 200.5 },
        ],
      },
      { pod: "b", points: [{ t: window.endMs - 14_000, bytes: 300 }] },
    ]);
    expect(h.limitBytes).toBe(1024);
    expect(h.events).toEqual([{ t: window.endMs - 7000, label: "limit 512B -> 1Ki" }]);
  });
});

describe("prometheusRangeSource errors", () => {
  it.each([
    ["bad_data", 400, 'invalid parameter "query": 1:6: parse error: unexpected "}"'],
    ["timeout", 503, "query timed out in expression evaluation"],
    ["execution", 422, "expanding series: context deadline exceeded"],
  ])("reports Prometheus' own %s error with its message", async (errorType, status, message) => {
    reply = () => json(status, { status: "error", errorType, error: message });
    const error = await failure(prometheusRangeSource({ baseUrl: base, target }).memoryHistory(window));
    expect(error.code).toBe("query-error");
    expect(error.errorType).toBe(errorType);
    expect(error.status).toBe(status);
    expect(error.message).toBe(`Prometheus rejected the query (${errorType}): ${message}`);
  });

  it("reports a proxy's HTML error page as HTTP with a snippet of the body", async () => {
    reply = () => ({
      status: 502,
      body: "<html><body>\n<h1>502 Bad Gateway</h1></body></html>",
      contentType: "text/html",
    });
    const error = await failure(prometheusRangeSource({ baseUrl: base, target }).memoryHistory(window));
    expect(error.code).toBe("http");
    expect(error.status).toBe(502);
    expect(error.message).toContain("answered HTTP 502: <html><body> <h1>502 Bad Gateway</h1>");
  });

  it.each([
    [
      "an HTML page",
      { status: 200, body: "<html>Grafana</html>", contentType: "text/html" },
      /did not answer like the Prometheus HTTP API/,
    ],
    [
      "an instant vector",
      json(200, { status: "success", data: { resultType: "vector", result: [] } }),
      /answered a vector where query_range returns a matrix/,
    ],
    ["a malformed matrix", matrix([{ metric: { pod: "a" }, values: [["x", 1]] }]), /answered a matrix where/],
    ["an empty body", { status: 200, body: "" }, /\(empty body\)/],
  ] as const)("reports %s as a bad response", async (_name, r, message) => {
    reply = () => r;
    const error = await failure(prometheusRangeSource({ baseUrl: base, target }).memoryHistory(window));
    expect(error.code).toBe("bad-response");
    expect(error.message).toMatch(message);
  });

  it("reports a refused connection as unreachable, naming the URL", async () => {
    const closed = createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    closed.close();
    await once(closed, "close");
    const error = await failure(prometheusRangeSource({ baseUrl: url, target }).memoryHistory(window));
    expect(error.code).toBe("unreachable");
    expect(error.message).toContain(`cannot reach Prometheus at ${url}`);
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("reports a Prometheus that never answers as a timeout", async () => {
    reply = () => "hang";
    const error = await failure(
      prometheusRangeSource({ baseUrl: base, target, timeoutMs: 100 }).memoryHistory(window),
    );
    expect(error.code).toBe("timeout");
    expect(error.message).toBe(`Prometheus at ${base} did not answer within 100 ms`);
  });

  it("passes the caller's abort through as the caller's own error", async () => {
    reply = () => "hang";
    const controller = new AbortController();
    const pending = prometheusRangeSource({ baseUrl: base, target }).memoryHistory(window, {
      signal: controller.signal,
    });
    controller.abort(new Error("incident resolved"));
    await expect(pending).rejects.toThrow("incident resolved");
  });

  it("uses the fetch it is given", async () => {
    const seen: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response(JSON.stringify({ status: "success", data: { resultType: "matrix", result: [] } }));
    };
    await prometheusRangeSource({
      baseUrl: "http://prometheus.invalid:9090",
      target,
      fetch: fakeFetch,
    }).memoryHistory(window);
    expect(seen).toHaveLength(2);
    expect(seen.every((u) => u.startsWith("http://prometheus.invalid:9090/api/v1/query_range?query="))).toBe(
      true,
    );
  });
});
