// Shared plumbing for the real Prometheus/Alertmanager daemons the demo and the tests start: find
// the binary, pick a free loopback port, spawn, wait for GET /-/ready, kill (SIGTERM, then
// SIGKILL). Used by packages/demo/src/alert-daemons.ts, test/support/prometheus.ts and alertmanager.ts
// (through test/support/daemon.ts, which re-exports this).
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";

const running = new Set<ChildProcess>();

// A crashed demo or test run must not leave daemons behind.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** The first of `names` that is an executable (an absolute path, or a name on $PATH), else null. */
export function findBinary(names: readonly (string | undefined)[]): string | null {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const name of names) {
    if (!name) continue;
    const candidates = name.includes("/") ? [name] : dirs.map((dir) => join(dir, name));
    for (const path of candidates) {
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not here: try the next directory
      }
    }
  }
  return null;
}

/** A port that was free on 127.0.0.1 a moment ago (for daemons that cannot report a port-0 bind). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        reject(new Error("could not read the port of a loopback listener"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

export type Daemon = {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
  /** SIGTERM, SIGKILL after 3 s; idempotent. */
  stop(): Promise<void>;
};

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

type Outcome = { kind: "ready" } | { kind: "exit"; code: number | null } | { kind: "error"; error: Error };

async function launch(name: string, binary: string, args: string[], port: number): Promise<Daemon> {
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let output = "";
  const append = (chunk: Buffer) => {
    output += chunk.toString("utf8");
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const ended = new Promise<Outcome>((resolve) => {
    child.once("error", (error) => resolve({ kind: "error", error }));
    child.once("exit", (code) => {
      running.delete(child);
      resolve({ kind: "exit", code });
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const daemon: Daemon = { port, url, output: () => output, stop: () => kill(child) };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const outcome = await Promise.race([
      ended,
      isReady(url).then((ok): Outcome | null => (ok ? { kind: "ready" } : null)),
    ]);
    if (outcome?.kind === "ready") return daemon;
    if (outcome?.kind === "error")
      throw new Error(`${name} (${binary}) failed to start: ${outcome.error.message}`);
    if (outcome?.kind === "exit") {
      throw new Error(`${name} exited with code ${outcome.code} before it was ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await kill(child);
  throw new Error(`${name} was not ready on ${url}/-/ready within 20 s:\n${output}`);
}

/**
 * Starts `binary` with `args(port)` on a free loopback port and resolves once GET /-/ready answers
 * 200. Another process may take the port between choosing and binding it: retried twice.
 */
export async function startDaemon(
  name: string,
  binary: string,
  args: (port: number) => string[],
): Promise<Daemon> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await launch(name, binary, args(port), port);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= 3 || !message.includes("address already in use")) throw error;
    }
  }
}
