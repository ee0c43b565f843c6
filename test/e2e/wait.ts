// Polls `probe` until it returns something truthy (no fixed sleeps in assertions): the end-to-end
// tests wait on threads, jobs and the simulator with it.
export type Truthy<T> = Exclude<T, false | null | undefined | "" | 0>;

export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 30_000,
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
