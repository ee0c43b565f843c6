import { ApiException } from "@kubernetes/client-node";
import { KubeError } from "@rdev/bot/k8s/errors.ts";
import { apiMessageOf, type KubeCall, parseStatus, toKubeError } from "@rdev/bot/k8s/to-kube-error.ts";
import { describe, expect, it } from "vitest";

const listPods: KubeCall = { verb: "list", resource: "pods", namespace: "rdev", name: null };
const evict: KubeCall = { verb: "create", resource: "pods/eviction", namespace: "rdev", name: "rdev-api-x" };

const status = (
  code: number,
  reason: string,
  message: string,
  causes?: { reason: string; message: string }[],
) =>
  JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    message,
    reason,
    code,
    ...(causes ? { details: { causes } } : {}),
  });

const sysErr = (code: string, message: string) => Object.assign(new Error(message), { code });

describe("toKubeError: API server answers (ApiException)", () => {
  it.each([
    [401, "unauthorized", listPods],
    [403, "forbidden", listPods],
    [404, "not_found", listPods],
    [409, "conflict", listPods],
    [422, "invalid", listPods],
    [400, "invalid", listPods],
    [429, "throttled", listPods],
    [429, "pdb_blocked", evict],
    [500, "server", listPods],
    [503, "server", listPods],
    [504, "timeout", listPods],
  ] as const)("%d on %o -> %s", (code, expected, call) => {
    const err = new ApiException(code, "Unknown API Status Code!", status(code, "X", "api says no"), {});
    const mapped = toKubeError(err, call);
    expect(mapped).toBeInstanceOf(KubeError);
    expect(mapped.code).toBe(expected);
    expect(mapped.status).toBe(code);
    expect(mapped.verb).toBe(call.verb);
    expect(mapped.resource).toBe(call.resource);
    expect(mapped.cause).toBe(err);
  });

  it("a 403 names the verb, resource and namespace the ServiceAccount lacks", () => {
    const body = status(
      403,
      "Forbidden",
      'pods is forbidden: User "system:serviceaccount:ops:bot" cannot list resource "pods" in API group "" in the namespace "rdev"',
    );
    const err = toKubeError(new ApiException(403, "Unknown API Status Code!", body, {}), listPods);
    expect(err.code).toBe("forbidden");
    expect(err.transient).toBe(false);
    expect(err.message).toContain('may not "list" "pods" in namespace "rdev"');
    expect(err.message).toContain('Grant verb "list" on resource "pods"');
    expect(err.apiMessage).toContain("cannot list resource");
  });

  it("a PDB refusal (429 with a JSON string body) carries the API message and the budget cause", () => {
    const body = status(
      429,
      "TooManyRequests",
      "Cannot evict pod as it would violate the pod's disruption budget.",
      [
        {
          reason: "DisruptionBudget",
          message: "The disruption budget rdev-api needs 2 healthy pods and has 2 currently",
        },
      ],
    );
    const err = toKubeError(new ApiException(429, "Unknown API Status Code!", body, {}), evict);
    expect(err.code).toBe("pdb_blocked");
    expect(err.apiMessage).toBe(
      "Cannot evict pod as it would violate the pod's disruption budget. (The disruption budget rdev-api needs 2 healthy pods and has 2 currently)",
    );
    expect(err.message).toContain("PodDisruptionBudget");
    expect(err.message).toContain("rdev-api-x");
  });

  it("a 401 from client-node has no body", () => {
    const err = toKubeError(new ApiException(401, "Unauthorized", undefined, {}), listPods);
    expect(err.code).toBe("unauthorized");
    expect(err.apiMessage).toBeNull();
  });

  it("a non-JSON error body becomes the message, trimmed and capped", () => {
    const err = toKubeError(
      new ApiException(502, "Unknown", `  <html>${"x".repeat(1000)}</html>  `, {}),
      listPods,
    );
    expect(err.code).toBe("server");
    expect(err.apiMessage?.startsWith("<html>")).toBe(true);
    expect(err.apiMessage?.length).toBeLessThanOrEqual(301);
  });
});

describe("toKubeError: no answer", () => {
  it("an AbortSignal timeout -> timeout, mentioning the budget", () => {
    const err = toKubeError(new DOMException("The operation was aborted due to timeout", "TimeoutError"), {
      ...listPods,
      timeoutMs: 250,
    });
    expect(err.code).toBe("timeout");
    expect(err.status).toBeNull();
    expect(err.transient).toBe(true);
    expect(err.message).toContain("no response within 250 ms");
  });

  it("a caller's abort -> timeout (cancelled)", () => {
    const err = toKubeError(new DOMException("This operation was aborted", "AbortError"), listPods);
    expect(err.code).toBe("timeout");
    expect(err.apiMessage).toBe("the request was cancelled");
  });

  it.each([
    ["ECONNREFUSED", "network"],
    ["ENOTFOUND", "network"],
    ["ECONNRESET", "network"],
    ["UND_ERR_SOCKET", "network"],
    ["UND_ERR_CONNECT_TIMEOUT", "timeout"],
    ["UND_ERR_HEADERS_TIMEOUT", "timeout"],
  ])("undici fetch failed caused by %s -> %s", (code, expected) => {
    const err = new TypeError("fetch failed", { cause: sysErr(code, `connect ${code} 127.0.0.1:1`) });
    const mapped = toKubeError(err, listPods);
    expect(mapped.code).toBe(expected);
    expect(mapped.cause).toBe(err);
  });

  it("an AggregateError of refused connections (IPv4 and IPv6) -> network", () => {
    const agg = Object.assign(
      new AggregateError([sysErr("ECONNREFUSED", "a"), sysErr("ECONNREFUSED", "b")]),
      {
        code: "ECONNREFUSED",
      },
    );
    expect(toKubeError(new TypeError("fetch failed", { cause: agg }), listPods).code).toBe("network");
  });

  it("a TLS failure -> network with a hint about the CA", () => {
    const err = new TypeError("fetch failed", {
      cause: sysErr("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"),
    });
    const mapped = toKubeError(err, listPods);
    expect(mapped.code).toBe("network");
    expect(mapped.message).toContain("certificate-authority");
  });
});

describe("toKubeError: configuration surfacing at request time", () => {
  it("client-node's plain-http refusal -> config", () => {
    const err = new Error("HTTP protocol is not allowed when skipTLSVerify is not set or false");
    const mapped = toKubeError(err, listPods);
    expect(mapped.code).toBe("config");
    expect(mapped.message).toContain("insecure-skip-tls-verify");
    expect(mapped.message).toContain("KUBECONFIG");
  });

  it("an unreadable token or certificate file -> config", () => {
    const mapped = toKubeError(sysErr("ENOENT", "ENOENT: no such file, open '/var/run/token'"), listPods);
    expect(mapped.code).toBe("config");
    expect(mapped.apiMessage).toContain("/var/run/token");
  });

  it("anything else -> server with the original message, and a KubeError passes through", () => {
    const mapped = toKubeError(new Error("Cannot parse content. No Content-Type defined."), listPods);
    expect(mapped.code).toBe("server");
    expect(mapped.apiMessage).toBe("Cannot parse content. No Content-Type defined.");
    expect(toKubeError(mapped, evict)).toBe(mapped);
    expect(toKubeError("weird", listPods).apiMessage).toBe("weird");
  });
});

describe("parseStatus / apiMessageOf", () => {
  it("reads Status from text, Buffer or object", () => {
    const text = status(404, "NotFound", 'pods "x" not found');
    expect(parseStatus(text)).toEqual({ message: 'pods "x" not found', reason: "NotFound", causes: [] });
    expect(parseStatus(Buffer.from(text))?.reason).toBe("NotFound");
    expect(parseStatus(JSON.parse(text))?.message).toBe('pods "x" not found');
    expect(parseStatus("not json")).toBeNull();
    expect(parseStatus(undefined)).toBeNull();
  });

  it("falls back to the reason, then to text", () => {
    expect(apiMessageOf(JSON.stringify({ kind: "Status", reason: "Conflict" }))).toBe("Conflict");
    expect(apiMessageOf("plain text\n")).toBe("plain text");
    expect(apiMessageOf("")).toBeNull();
  });
});
