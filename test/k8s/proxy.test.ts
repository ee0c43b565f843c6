import { isApiServerRefusal, proxyPath } from "@rdev/bot/k8s/proxy.ts";
import { describe, expect, it } from "vitest";

describe("proxyPath", () => {
  it.each([
    ["/metrics", "/api/v1/namespaces/rdev/pods/rdev-api-x:8080/proxy/metrics"],
    ["/debug/pprof/heap", "/api/v1/namespaces/rdev/pods/rdev-api-x:8080/proxy/debug/pprof/heap"],
    [
      "/debug/pprof/heap?gc=1&debug=0",
      "/api/v1/namespaces/rdev/pods/rdev-api-x:8080/proxy/debug/pprof/heap?gc=1&debug=0",
    ],
    ["/", "/api/v1/namespaces/rdev/pods/rdev-api-x:8080/proxy/"],
    ["/a b/ü", "/api/v1/namespaces/rdev/pods/rdev-api-x:8080/proxy/a%20b/%C3%BC"],
    ["/already%20escaped", "/api/v1/namespaces/rdev/pods/rdev-api-x:8080/proxy/already%20escaped"],
  ])("%s keeps its slashes", (path, expected) => {
    expect(proxyPath("rdev", "rdev-api-x", 8080, path)).toBe(expected);
  });

  it("refuses a relative path", () => {
    expect(() => proxyPath("rdev", "p", 8080, "metrics")).toThrow(/must start with "\/"/);
  });
});

describe("isApiServerRefusal", () => {
  const status = Buffer.from(
    JSON.stringify({ kind: "Status", apiVersion: "v1", code: 404, reason: "NotFound" }),
  );
  it.each([
    [401, Buffer.from("anything"), true],
    [403, Buffer.from(""), true],
    [404, status, true], // the pod does not exist
    [404, Buffer.from("404 page not found\n"), false], // the app has no such path: data
    [404, Buffer.from('{"message":"nope"}'), false],
    [429, Buffer.from(JSON.stringify({ kind: "Status", code: 429 })), true],
    [503, Buffer.from(JSON.stringify({ kind: "Status", code: 503 })), false], // pod unreachable: data
    [500, Buffer.from("panic"), false],
    [200, Buffer.from("ok"), false],
  ])("%d %s -> %s", (code, body, expected) => {
    expect(isApiServerRefusal(code, body)).toBe(expected);
  });
});
