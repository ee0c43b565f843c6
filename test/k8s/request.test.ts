import { ApiException } from "@kubernetes/client-node";
import { KubeError } from "@rdev/bot/k8s/errors.ts";
import { callSignal, createRunner, type RequestInfo } from "@rdev/bot/k8s/request.ts";
import { describe, expect, it } from "vitest";

const call = { verb: "list", resource: "pods", namespace: "rdev", name: null };

function fakeClock() {
  let t = 0;
  return { now: () => t, tick: (ms: number) => (t += ms) };
}

describe("createRunner", () => {
  it("reports a success with the status the middleware saw and the elapsed time", async () => {
    const seen: RequestInfo[] = [];
    const clock = fakeClock();
    const run = createRunner({ timeoutMs: 1000, onRequest: (i) => seen.push(i), now: clock.now });
    const value = await run(call, async ({ recordStatus }) => {
      clock.tick(42);
      recordStatus(200);
      return "ok";
    });
    expect(value).toBe("ok");
    expect(seen).toEqual([
      { verb: "list", resource: "pods", namespace: "rdev", status: 200, ms: 42, code: null },
    ]);
  });

  it("turns a failure into a KubeError and reports its code", async () => {
    const seen: RequestInfo[] = [];
    const run = createRunner({ timeoutMs: 1000, onRequest: (i) => seen.push(i) });
    const failing = run(call, async () => {
      throw new ApiException(403, "Unknown", '{"kind":"Status","message":"no"}', {});
    });
    await expect(failing).rejects.toBeInstanceOf(KubeError);
    await expect(failing).rejects.toMatchObject({ code: "forbidden", status: 403, apiMessage: "no" });
    expect(seen[0]).toMatchObject({ status: 403, code: "forbidden" });
  });

  it("names the per-call timeout in a timeout error", async () => {
    const run = createRunner({ timeoutMs: 1000 });
    const failing = run(
      call,
      async ({ signal }) => {
        expect(signal.aborted).toBe(false);
        throw new DOMException("timed out", "TimeoutError");
      },
      { timeoutMs: 5 },
    );
    await expect(failing).rejects.toMatchObject({ code: "timeout", apiMessage: "no response within 5 ms" });
  });

  it("passes a Content-Type override and the signal to client-node through middleware", async () => {
    const run = createRunner({ timeoutMs: 1000 });
    const headers = await run(
      call,
      async ({ configuration, signal }) => {
        const { RequestContext, HttpMethod } = await import("@kubernetes/client-node");
        const ctx = new RequestContext("http://x/", HttpMethod.PATCH);
        ctx.setHeaderParam("Content-Type", "application/json-patch+json");
        const middleware = configuration.middleware?.[0];
        const out = await middleware?.pre(ctx).toPromise();
        expect(out?.getSignal()).toBe(signal);
        return out?.getHeaders();
      },
      { contentType: "application/strategic-merge-patch+json" },
    );
    expect(headers?.["Content-Type"]).toBe("application/strategic-merge-patch+json");
  });
});

describe("callSignal", () => {
  it("follows the caller's signal as well as the timeout", () => {
    const controller = new AbortController();
    const signal = callSignal(60_000, controller.signal);
    expect(signal.aborted).toBe(false);
    controller.abort();
    expect(signal.aborted).toBe(true);
  });
});
