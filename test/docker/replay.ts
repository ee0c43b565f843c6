// Replays a Dockerfile's stages without a Docker engine: each stage's WORKDIR is a temp directory,
// COPY takes files from the build context (filtered by .dockerignore) or from an earlier stage,
// RUN runs the same shell command there with the stage's ENV and Node from this test run. What it
// cannot do (absolute paths outside WORKDIR, wildcards, ADD) throws, so the Dockerfile cannot grow
// a step this replay silently skips.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative } from "node:path";
import { type Instruction, type Stage, words } from "./dockerfile.ts";

// A CommonJS module (module.exports = factory) whose types declare an ES default export.
const ignore = createRequire(import.meta.url)(
  "@balena/dockerignore",
) as typeof import("@balena/dockerignore").default;

export type BuiltStage = {
  name: string | null;
  /** Host directory standing for the stage's WORKDIR. */
  dir: string;
  workdir: string;
  env: Record<string, string>;
  user: string | null;
};

/**
 * RUN segments not replayed, with the reason: `npm cache clean --force` only shrinks the image
 * layer, and here it would wipe the npm cache of the machine running the tests.
 */
const NOT_REPLAYED = [/^npm cache clean\b/];

export function contextFilter(contextDir: string): (relPath: string) => boolean {
  const file = join(contextDir, ".dockerignore");
  const patterns = existsSync(file) ? readFileSync(file, "utf8").split(/\r?\n/) : [];
  const ig = ignore().add(patterns.filter((p) => p.trim() !== "" && !p.trim().startsWith("#")));
  return (relPath) => !ig.ignores(relPath);
}

/** Copies a context path (file or directory) to `dest`, leaving out what .dockerignore excludes. */
function copyFromContext(contextDir: string, src: string, dest: string, included: (p: string) => boolean) {
  const rel = posix.normalize(src).replace(/^\.\/|\/$/g, "");
  if (/[*?[]/.test(rel)) throw new Error(`COPY ${src}: wildcards are not supported by this replay`);
  if (rel.startsWith("..") || !included(rel) || !existsSync(join(contextDir, rel))) {
    throw new Error(`COPY ${src}: not in the build context (missing, or excluded by .dockerignore)`);
  }
  const from = join(contextDir, rel);
  if (statSync(from).isFile()) {
    mkdirSync(dirname(dest), { recursive: true });
    cpSync(from, dest);
    return;
  }
  for (const entry of readdirSync(from, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = relative(contextDir, join(entry.parentPath, entry.name)).split("\\").join("/");
    if (!included(path)) continue;
    const target = join(dest, relative(from, join(entry.parentPath, entry.name)));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(entry.parentPath, entry.name), target);
  }
}

/** Maps a container path of a stage to its host directory; only paths under WORKDIR exist. */
function hostPath(stage: BuiltStage, containerPath: string): string {
  const abs = posix.resolve(stage.workdir, containerPath);
  const rel = posix.relative(stage.workdir, abs);
  if (rel.startsWith("..")) throw new Error(`${containerPath} is outside WORKDIR ${stage.workdir}`);
  return join(stage.dir, rel);
}

export type RunResult = { code: number | null; output: string };

export function runShell(command: string, cwd: string, env: Record<string, string>, timeoutMs: number) {
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn("sh", ["-c", command], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export type ReplayOptions = {
  contextDir: string;
  /** The environment every RUN starts from (PATH, HOME, npm settings); the stage's ENV goes on top. */
  baseEnv: Record<string, string>;
  runTimeoutMs: number;
  /** Told about every RUN, for the test's log. */
  onRun?: (stage: string, command: string, ms: number) => void;
  /** Receives each stage's temp directory as it is made, so a failed build can still be cleaned up. */
  onStageDir?: (dir: string) => void;
};

async function replayInstruction(ins: Instruction, stage: BuiltStage, built: BuiltStage[], o: ReplayOptions) {
  const included = contextFilter(o.contextDir);
  switch (ins.keyword) {
    case "WORKDIR":
      if (stage.workdir !== "/") throw new Error(`line ${ins.line}: one WORKDIR per stage is supported`);
      stage.workdir = posix.resolve(stage.workdir, ins.args);
      return;
    case "ENV": {
      for (const m of ins.args.matchAll(/(\w+)=("[^"]*"|\S+)/g))
        stage.env[m[1] ?? ""] = (m[2] ?? "").replace(/^"|"$/g, "");
      return;
    }
    case "USER":
      stage.user = ins.args;
      return;
    case "COPY": {
      const parts = words(ins.args);
      const dest = parts.pop() ?? "";
      const from = ins.flags.from;
      const source = from === undefined ? null : built.find((s) => s.name === from);
      if (from !== undefined && !source) throw new Error(`line ${ins.line}: no earlier stage named ${from}`);
      for (const src of parts) {
        const target =
          dest.endsWith("/") || parts.length > 1
            ? hostPath(stage, posix.join(dest, posix.basename(src)))
            : hostPath(stage, dest);
        if (source) cpSync(hostPath(source, src), target, { recursive: true });
        else copyFromContext(o.contextDir, src, target, included);
      }
      return;
    }
    case "RUN": {
      const command = ins.args
        .split("&&")
        .map((s) => s.trim())
        .filter((s) => !NOT_REPLAYED.some((re) => re.test(s)))
        .join(" && ");
      const cwd = hostPath(stage, ".");
      mkdirSync(cwd, { recursive: true });
      const started = Date.now();
      const result = await runShell(command, cwd, { ...o.baseEnv, ...stage.env }, o.runTimeoutMs);
      o.onRun?.(stage.name ?? "?", command, Date.now() - started);
      if (result.code !== 0) {
        throw new Error(
          `line ${ins.line}: RUN ${command} exited ${result.code}:\n${result.output.slice(-4000)}`,
        );
      }
      return;
    }
    case "EXPOSE":
    case "HEALTHCHECK":
    case "ENTRYPOINT":
    case "CMD":
    case "LABEL":
    case "ARG":
      return; // metadata: checked by the test, nothing to run
    default:
      throw new Error(`line ${ins.line}: ${ins.keyword} is not supported by this replay`);
  }
}

/** Replays every stage in order; returns them with their host directories. */
export async function replay(stages: Stage[], options: ReplayOptions): Promise<BuiltStage[]> {
  const built: BuiltStage[] = [];
  for (const s of stages) {
    const stage: BuiltStage = {
      name: s.name,
      dir: mkdtempSync(join(tmpdir(), `docker-${s.name ?? "stage"}-`)),
      workdir: "/",
      env: {},
      user: null,
    };
    built.push(stage);
    options.onStageDir?.(stage.dir);
    for (const ins of s.instructions) await replayInstruction(ins, stage, built, options);
  }
  return built;
}
