// The Dockerfile, without a Docker engine: its shape (Node 24 base, multi-stage, non-root user,
// production dependencies only, health check, entry point) and, in the slow part, its build
// replayed in clean temp directories from the filtered build context (npm ci + build, then
// npm ci --omit=dev + dist), after which every entry point must start without a missing module.
// Slow (two npm ci, about a minute with a warm npm cache): RDEV_SKIP_SLOW=1 skips it locally;
// CI (CI=true) always runs it.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBinary } from "../support/daemon.ts";
import { execForm, find, parseInstructions, parseStages, type Stage, words } from "./dockerfile.ts";
import { type BuiltStage, contextFilter, replay, runShell } from "./replay.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DOCKERFILE = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const stages = parseStages(DOCKERFILE);
const final = stages.at(-1) as Stage;

/** The image's entry points: what the Deployments and the README run. */
const ENTRIES = [
  { file: "dist/app.js", args: [], expect: /Invalid configuration/ },
  { file: "dist/worker.js", args: [], expect: /Invalid configuration/ },
];

describe("the Dockerfile parser", () => {
  it("joins continuations, drops comments, splits flags and stages", () => {
    const text = [
      "# comment",
      "FROM node:24 AS build",
      "RUN a \\",
      "  # inside",
      "  && b",
      "FROM node:24-slim",
      "COPY --from=build /src/dist ./dist",
      'CMD ["dist/app.js"]',
    ].join("\n");
    expect(parseInstructions(text).map((i) => [i.keyword, i.flags, i.args, i.line])).toEqual([
      ["FROM", {}, "node:24 AS build", 2],
      ["RUN", {}, "a && b", 3],
      ["FROM", {}, "node:24-slim", 6],
      ["COPY", { from: "build" }, "/src/dist ./dist", 7],
      ["CMD", {}, '["dist/app.js"]', 8],
    ]);
    expect(parseStages(text).map((s) => [s.image, s.name, s.instructions.length])).toEqual([
      ["node:24", "build", 1],
      ["node:24-slim", null, 2],
    ]);
  });
});

describe("Dockerfile", () => {
  it("builds on Node 24 in at least two stages", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s.image).toMatch(/^node:24([.-]|$)/);
  });

  it("runs as a non-root user in the final stage", () => {
    const user = find(final, "USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    // The manifests' runAsUser is the same user.
    expect(user).toMatch(/^1000(:1000)?$/);
  });

  it("installs production dependencies only in the final stage, from the lockfile", () => {
    const runs = find(final, "RUN").map((r) => r.args);
    expect(runs.some((r) => /\bnpm ci\b[^&]*--omit=dev/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm (install|i)\b/.test(r))).toBe(false);
    expect(find(final, "ENV").map((e) => e.args)).toContain("NODE_ENV=production");
  });

  it("runs node with the app by default; the worker is one argument away", () => {
    expect(execForm(find(final, "ENTRYPOINT").at(-1)?.args ?? "")).toEqual(["node"]);
    expect(execForm(find(final, "CMD").at(-1)?.args ?? "")).toEqual(["dist/app.js"]);
    expect(DOCKERFILE).toContain("dist/worker.js");
    expect(words(find(final, "EXPOSE")[0]?.args ?? "")).toEqual(["3000", "9091"]);
  });

  it("sends only package files, tsconfig and the bot's sources to the build (.dockerignore)", () => {
    const included = contextFilter(ROOT);
    for (const p of [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "packages/bot/package.json",
      "packages/bot/tsconfig.build.json",
      "packages/bot/src/app.ts",
    ]) {
      expect(included(p), p).toBe(true);
    }
    for (const p of [
      "node_modules/zod/package.json",
      "packages/bot/dist/app.js",
      "packages/kube-sim/src/main.ts",
      "packages/dev-slack/src/dev-slack.ts",
      "packages/demo/src/main.ts",
      ".git/HEAD",
      "test/x.test.ts",
      "sim.kubeconfig",
      ".env",
    ]) {
      expect(included(p), p).toBe(false);
    }
  });

  const hadolint = findBinary([process.env.HADOLINT_BIN, "hadolint"]);
  it.skipIf(hadolint === null)("passes hadolint", () => {
    const result = spawnSync(hadolint ?? "hadolint", [join(ROOT, "Dockerfile")], { encoding: "utf8" });
    expect(`${result.stdout}${result.stderr}`).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("HEALTHCHECK", () => {
  const command = () => {
    const ins = find(final, "HEALTHCHECK").at(-1);
    const match = /^CMD\s+(.*)$/s.exec(ins?.args ?? "");
    const argv = execForm(match?.[1] ?? "");
    if (!argv) throw new Error("HEALTHCHECK must use the exec form: CMD [...]");
    return argv;
  };
  const servers: Server[] = [];
  const serve = async (status: number): Promise<number> => {
    const server = createServer((req, res) => res.writeHead(req.url === "/healthz" ? status : 404).end());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as AddressInfo).port;
  };
  const closedPort = async () => {
    const port = await serve(200);
    await new Promise((resolve) => servers.pop()?.close(resolve));
    return port;
  };
  const check = async (env: Record<string, string>) => {
    const [bin, ...args] = command();
    expect(bin).toBe("node");
    const quoted = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
    return (await runShell(quoted, ROOT, { PATH: process.env.PATH ?? "", ...env }, 20_000)).code;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it("is healthy when the app answers /healthz", async () => {
    expect(await check({ PORT: String(await serve(200)), WORKER_PORT: String(await closedPort()) })).toBe(0);
  });

  it("is healthy when the worker answers /healthz", async () => {
    expect(await check({ PORT: String(await closedPort()), WORKER_PORT: String(await serve(200)) })).toBe(0);
  });

  it("is unhealthy when nothing answers, or /healthz fails", async () => {
    expect(await check({ PORT: String(await closedPort()), WORKER_PORT: String(await closedPort()) })).toBe(
      1,
    );
    expect(await check({ PORT: String(await serve(503)), WORKER_PORT: String(await closedPort()) })).toBe(1);
  });
});

const slowSkipped = process.env.RDEV_SKIP_SLOW === "1" && process.env.CI !== "true";

describe.skipIf(slowSkipped)("docker build, replayed in a clean copy (slow: npm ci twice)", () => {
  let built: BuiltStage[] = [];
  const dirs: string[] = [];
  const log: string[] = [];
  // Node of this test run (the node@24 dev dependency under `npm test`) stands for the image's.
  const env = {
    PATH: [dirname(process.execPath), process.env.PATH ?? ""].join(delimiter),
    HOME: process.env.HOME ?? homedir(),
    ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
    npm_config_prefer_offline: "true",
    npm_config_update_notifier: "false",
  };

  beforeAll(async () => {
    built = await replay(stages, {
      contextDir: ROOT,
      baseEnv: env,
      runTimeoutMs: 150_000,
      onRun: (stage, command, ms) => log.push(`${stage}: ${command} (${ms} ms)`),
      onStageDir: (dir) => dirs.push(dir),
    });
  }, 300_000);
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("ran every RUN of every stage", () => {
    expect(log.length).toBe(stages.flatMap((s) => find(s, "RUN")).length);
  });

  it("the final image holds the bot only: its production packages, no dev tool, no sources, no tests", () => {
    const app = built.at(-1) as BuiltStage;
    const lock = JSON.parse(readFileSync(join(app.dir, "package-lock.json"), "utf8")) as {
      packages: Record<string, { dev?: boolean; link?: boolean; dependencies?: Record<string, string> }>;
    };
    const paths = Object.entries(lock.packages).filter(([path]) => path.startsWith("node_modules/"));
    const devOnly = paths.filter(([, p]) => p.dev === true).map(([path]) => path);
    expect(devOnly).toContain("node_modules/vitest");
    expect(devOnly.filter((path) => existsSync(join(app.dir, path)))).toEqual([]);
    // The bot's own dependencies are all there (the entry points below prove their closure).
    const bot = Object.keys(lock.packages["packages/bot"]?.dependencies ?? {});
    expect(bot).toContain("@slack/bolt");
    expect(bot.filter((name) => !existsSync(join(app.dir, "node_modules", name)))).toEqual([]);
    // The development workspaces and what only they need stay out.
    for (const name of ["@rdev/kube-sim", "@rdev/dev-slack", "@rdev/demo", "fast-json-patch"]) {
      expect(existsSync(join(app.dir, "node_modules", name)), name).toBe(false);
    }
    for (const dir of [
      "src",
      "test",
      "packages/bot/src",
      "packages/kube-sim",
      "packages/dev-slack",
      "packages/demo",
    ]) {
      expect(existsSync(join(app.dir, dir)), dir).toBe(false);
    }
    expect(existsSync(join(app.dir, "dist/simulator"))).toBe(false);
  });

  it.each(ENTRIES)("$file starts with production dependencies only (no missing module)", async (entry) => {
    const app = built.at(-1) as BuiltStage;
    expect(existsSync(join(app.dir, entry.file)), `${entry.file} was not built`).toBe(true);
    const argv = [process.execPath, entry.file, ...entry.args].map((a) => `'${a}'`).join(" ");
    const result = await runShell(argv, app.dir, { PATH: env.PATH, HOME: env.HOME, ...app.env }, 30_000);
    expect(result.output).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)/);
    expect(result.output).toMatch(entry.expect);
  });
});
