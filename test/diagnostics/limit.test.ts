import { createLimiter, settle, TimeoutError, withTimeout } from "@rdev/bot/diagnose/limit.ts";
import { describe, expect, it } from "vitest";

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("createLimiter", () => {
  it("never runs more than the bound at once, and runs everything in order", async () => {
    const limit = createLimiter(2);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const gates = Array.from({ length: 6 }, () => deferred());
    const runs = gates.map((g, i) =>
      limit(async () => {
        started.push(i);
        active += 1;
        peak = Math.max(peak, active);
        await g.promise;
        active -= 1;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    for (const g of gates) g.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("a newcomer cannot overtake a waiter when a slot frees", async () => {
    const limit = createLimiter(1);
    const first = deferred();
    const order: string[] = [];
    const a = limit(async () => {
      await first.promise;
      order.push("a");
    });
    const b = limit(async () => {
      order.push("b");
    });
    first.resolve();
    await a;
    const c = limit(async () => {
      order.push("c");
    });
    await Promise.all([b, c]);
    expect(order).toEqual(["a", "b", "c"]);
  });

  it("frees the slot when a task fails", async () => {
    const limit = createLimiter(1);
    await expect(limit(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await limit(async () => 7)).toBe(7);
  });

  it("refuses a bound below 1 with the setting to fix", () => {
    expect(() => createLimiter(0)).toThrow(/DIAG_CONCURRENCY/);
  });
});

describe("withTimeout", () => {
  it("aborts the signal and rejects with a TimeoutError when the call hangs", async () => {
    let aborted: unknown;
    const hung = withTimeout("GET /metrics on p", 5, (signal) => {
      signal.addEventListener("abort", () => {
        aborted = signal.reason;
      });
      return new Promise<never>(() => {});
    });
    const error = await hung.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe("GET /metrics on p timed out after 5 ms (DIAG_TIMEOUT_MS)");
    expect(aborted).toBe(error);
  });

  it("passes results and errors through", async () => {
    expect(await withTimeout("x", 1000, async () => 42)).toBe(42);
    await expect(withTimeout("x", 1000, () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(await settle(Promise.reject(new Error("no")))).toMatchObject({ ok: false });
  });
});
