// A private, throw-away redis-server for the demo and the tests: loopback only, a free port, no
// persistence (--save "" --appendonly no), so restart() is a real "Redis lost everything" restart.
// Never the system Redis on 6379. test/support/redis.ts re-exports this.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type PrivateRedis = {
  url: string;
  port: number;
  /** Kills the server (SIGTERM, then SIGKILL) and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
  /** Kills the server and starts a fresh empty one on the same port; resolves once it answers PING. */
  restart(): Promise<void>;
  /** Kills the server but keeps the port reserved for restart()/start(): Redis is "down". */
  kill(): Promise<void>;
  /** Starts the server again after kill(). */
  start(): Promise<void>;
};

const running = new Set<ChildProcess>();

// A crashed demo or test run must not leave redis-servers behind.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

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

/** Sends PING on a raw socket; true on +PONG. */
export async function ping(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("utf8");
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

function spawnServer(
  binary: string,
  port: number,
  dir: string,
): { child: ChildProcess; output: () => string } {
  const child = spawn(
    binary,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--daemonize",
      "no",
      "--loglevel",
      "warning",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  return { child, output: () => output };
}

async function waitForPing(
  binary: string,
  child: ChildProcess,
  port: number,
  output: () => string,
): Promise<void> {
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  for (let attempt = 0; attempt < 200; attempt++) {
    const outcome = await Promise.race([
      spawnError.then((error) => ({ kind: "error" as const, error })),
      exited.then((code) => ({ kind: "exit" as const, code })),
      ping(port).then((ok) => ({ kind: "ping" as const, ok })),
    ]);
    if (outcome.kind === "error") {
      const code = (outcome.error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") {
        throw new Error(
          `redis-server is not installed (tried ${JSON.stringify(binary)}). Install it with "apt-get install redis-server", or set REDIS_SERVER_BIN to its path.`,
          { cause: outcome.error },
        );
      }
      throw outcome.error;
    }
    if (outcome.kind === "exit") {
      throw new Error(`redis-server exited with code ${outcome.code} on port ${port}:\n${output()}`);
    }
    if (outcome.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill("SIGKILL");
  throw new Error(`redis-server did not answer PING on 127.0.0.1:${port} within 5 s:\n${output()}`);
}

async function killServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts a private redis-server on a free loopback port and waits until it answers PING.
 * The binary is `options.binary`, else $REDIS_SERVER_BIN, else redis-server on the PATH.
 */
export async function startRedis(options: { binary?: string } = {}): Promise<PrivateRedis> {
  const binary = options.binary ?? process.env.REDIS_SERVER_BIN ?? "redis-server";
  const dir = await mkdtemp(join(tmpdir(), "rdev-redis-"));
  let port = 0;
  let current: ChildProcess | null = null;

  const launch = async (): Promise<void> => {
    const { child, output } = spawnServer(binary, port, dir);
    current = child;
    await waitForPing(binary, child, port, output);
  };

  // Another process may grab the port between freePort() and redis binding it: retry a few times.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= 3 || !message.includes("Address already in use")) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }

  const kill = async (): Promise<void> => {
    if (current) await killServer(current);
    current = null;
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start: async () => {
      if (current) throw new Error("redis-server is already running; call kill() first");
      await launch();
    },
    restart: async () => {
      await kill();
      await launch();
    },
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
