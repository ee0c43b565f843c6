// Start-up of the two processes the image runs (`node dist/app.js`, `node dist/worker.js`), built
// fresh with `npm run build`, and what the image holds:
//   1. time from spawn to "listening" (the app's "slack app listening" log line, the worker's
//      {"event":"listening"} line) and RSS at rest REST_MS later (/proc/<pid>/status VmRSS),
//      RUNS runs each, median; baselines from the same run: a bare `node` HTTP server and a bare
//      Bolt app (HTTPReceiver, one command listener), both started the same way;
//   2. `dist/`: .js files and lines, per top-level folder (what the build stage compiles);
//   3. the runtime stage's COPY lines (parsed from the Dockerfile) and the bytes of what they
//      bring: the bot's dist/ plus its production dependencies (its closure in package-lock.json,
//      measured in node_modules), i.e. the image's content above the node base image.
// Everything on loopback: a private redis-server, the fake Slack Web API, a kubeconfig pointing at
// a closed loopback port (the worker reads the cluster only when a job asks).
// `startup.bench.ts --label before` writes bench/results/startup-before.{json,md} instead of
// startup.{json,md}; a run without a label compares itself with startup-before.json when present.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startRedis } from "@rdev/demo/redis.ts";
import { parseStages } from "../test/docker/dockerfile.ts";
import { startFakeSlack } from "../test/support/fake-slack.ts";
import { RESULTS_DIR, round, summarise, table, writeResult } from "./lib.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** The bot's workspace: what the image builds and runs (dist/app.js, dist/worker.js from here). */
const BOT = join(ROOT, "packages/bot");
const RUNS = Number(process.env.STARTUP_RUNS ?? 5);
const REST_MS = Number(process.env.STARTUP_REST_MS ?? 3000);
const labelAt = process.argv.indexOf("--label");
const label = labelAt >= 0 ? (process.argv[labelAt + 1] ?? "") : "";
const name = label ? `startup-${label}` : "startup";

// --- build -------------------------------------------------------------------------------------
rmSync(join(BOT, "dist"), { recursive: true, force: true });
const build = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
if (build.status !== 0) throw new Error("npm run build failed");

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

const distFiles = walk(join(BOT, "dist"));
const distJs = distFiles.filter((f) => f.endsWith(".js"));
const linesOf = (f: string) => readFileSync(f, "utf8").split("\n").length - 1;
const byFolder: Record<string, { files: number; lines: number }> = {};
let distLines = 0;
for (const f of distJs) {
  const parts = relative(join(BOT, "dist"), f).split(sep);
  const folder = parts.length > 1 ? `${parts[0]}/` : "(top level)";
  const n = linesOf(f);
  distLines += n;
  const slot = byFolder[folder] ?? { files: 0, lines: 0 };
  slot.files += 1;
  slot.lines += n;
  byFolder[folder] = slot;
}
const distBytes = distFiles.reduce((sum, f) => sum + statSync(f).size, 0);

// --- image content -----------------------------------------------------------------------------
const runtime = parseStages(readFileSync(join(ROOT, "Dockerfile"), "utf8")).at(-1);
const copies = (runtime?.instructions ?? [])
  .filter((i) => i.keyword === "COPY")
  .map(
    (i) =>
      `COPY ${Object.entries(i.flags)
        .map(([k, v]) => `--${k}=${v} `)
        .join("")}${i.args}`,
  );

/** Bytes of a package's own files (its nested node_modules are packages of their own). */
function packageBytes(dir: string): number {
  let sum = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sum += packageBytes(path);
    else if (entry.isFile()) sum += statSync(path).size;
  }
  return sum;
}
type LockEntry = {
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, LockEntry>;
};
/** Where node would find `name` from the package at `from` (nested node_modules, then upwards). */
function resolveIn(from: string, name: string): string | null {
  for (
    let dir = from;
    ;
    dir = dir.includes("/node_modules/") ? dir.slice(0, dir.lastIndexOf("/node_modules/")) : ""
  ) {
    const path = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[path]) return path;
    if (!dir) return null;
  }
}
// The bot's production closure: what `npm ci --omit=dev --workspace @rdev/bot` installs.
const closure = new Set<string>();
const todo = ["packages/bot"];
while (todo.length > 0) {
  const at = todo.pop() as string;
  const meta = lock.packages[at] ?? {};
  for (const name of Object.keys({ ...meta.dependencies, ...meta.optionalDependencies })) {
    const path = resolveIn(at === "packages/bot" ? "" : at, name);
    if (path && !closure.has(path)) {
      closure.add(path);
      todo.push(path);
    }
  }
}
let prodBytes = 0;
let prodPackages = 0;
const missing: string[] = [];
for (const path of closure) {
  const dir = join(ROOT, path);
  if (!existsSync(dir)) {
    if (!lock.packages[path]?.optional) missing.push(path);
    continue; // an optional package for another platform
  }
  prodPackages += 1;
  prodBytes += packageBytes(dir);
}
const packageFilesBytes = ["package.json", "package-lock.json", "packages/bot/package.json"].reduce(
  (sum, f) => sum + statSync(join(ROOT, f)).size,
  0,
);
const imageBytes = distBytes + prodBytes + packageFilesBytes;

// --- start-up ----------------------------------------------------------------------------------
const redis = await startRedis();
const fake = await startFakeSlack();
const tmp = mkdtempSync(join(tmpdir(), "startup-bench-"));
const kubeconfig = join(tmp, "kubeconfig");
writeFileSync(
  kubeconfig,
  [
    "apiVersion: v1",
    "kind: Config",
    "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}}]",
    "users: [{name: u, user: {token: bench}}]",
    "contexts: [{name: x, context: {cluster: c, user: u, namespace: rdev}}]",
    "current-context: x",
    "",
  ].join("\n"),
);

const baseEnv = {
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? "",
  NODE_ENV: "production",
  REDIS_URL: redis.url,
  SLACK_BOT_TOKEN: fake.token,
  SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
  SLACK_API_URL: fake.url,
  LOG_LEVEL: "info",
};

const BARE_NODE = `import { createServer } from "node:http";
const s = createServer((q, r) => r.end("ok"));
s.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ event: "listening", port: s.address().port })));`;
const BARE_BOLT = `import bolt from "@slack/bolt";
const receiver = new bolt.HTTPReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET, logLevel: bolt.LogLevel.ERROR });
const app = new bolt.App({ token: process.env.SLACK_BOT_TOKEN, receiver, logLevel: bolt.LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL } });
app.command("/rdev", async ({ ack }) => ack());
const server = await receiver.start({ port: 0, host: "127.0.0.1" });
console.log(JSON.stringify({ event: "listening", port: server.address().port }));`;

type Subject = {
  name: string;
  args: string[];
  env: Record<string, string>;
  ready: (line: string) => boolean;
};
const listening = (line: string) => line.includes('"event":"listening"');
const SUBJECTS: Subject[] = [
  { name: "bare node http", args: ["--input-type=module", "-e", BARE_NODE], env: {}, ready: listening },
  { name: "bare Bolt app", args: ["--input-type=module", "-e", BARE_BOLT], env: {}, ready: listening },
  {
    name: "app (dist/app.js)",
    args: ["dist/app.js"],
    env: {
      ALERT_CHANNEL: "C0RDEVALRT",
      ALERTMANAGER_TOKEN: "am-token-0123456789abcdef",
      PORT: "0",
      HOST: "127.0.0.1",
    },
    ready: (l) => l.includes('"msg":"slack app listening"'),
  },
  {
    name: "worker (dist/worker.js)",
    args: ["dist/worker.js"],
    env: { KUBECONFIG: kubeconfig, WORKER_PORT: "0", WORKER_HOST: "127.0.0.1" },
    ready: listening,
  },
];

const rssMiB = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
};

async function startOnce(subject: Subject): Promise<{ startMs: number; rssMiB: number }> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, subject.args, {
    cwd: BOT,
    env: { ...baseEnv, ...subject.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString("utf8");
  });
  try {
    const startMs = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${subject.name} not ready in 30 s: ${err}`)), 30_000);
      child.once("exit", (code) => reject(new Error(`${subject.name} exited with ${code}: ${err}`)));
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.on("line", (line) => {
        if (!subject.ready(line)) return;
        clearTimeout(timer);
        resolve(performance.now() - started);
      });
    });
    await new Promise((r) => setTimeout(r, REST_MS));
    return { startMs, rssMiB: rssMiB(child.pid ?? 0) };
  } finally {
    child.kill("SIGKILL");
    await new Promise((r) => (child.exitCode === null ? child.once("exit", r) : r(null)));
  }
}

const samples = new Map<string, { startMs: number[]; rssMiB: number[] }>();
for (const s of SUBJECTS) samples.set(s.name, { startMs: [], rssMiB: [] });
// Interleaved, so a noisy moment on the shared machine hits every subject alike.
for (let run = 0; run < RUNS; run++) {
  for (const subject of SUBJECTS) {
    const r = await startOnce(subject);
    const slot = samples.get(subject.name);
    slot?.startMs.push(r.startMs);
    slot?.rssMiB.push(r.rssMiB);
    console.log(`${subject.name}: ${round(r.startMs, 0)} ms, ${round(r.rssMiB, 1)} MiB`);
  }
}
await redis.stop();
await fake.close();
rmSync(tmp, { recursive: true, force: true });

const median = (v: number[]) => summarise(v).p50;
const baseNode = samples.get("bare node http") as { startMs: number[]; rssMiB: number[] };
const baseBolt = samples.get("bare Bolt app") as { startMs: number[]; rssMiB: number[] };
const processes = SUBJECTS.map((s) => {
  const v = samples.get(s.name) as { startMs: number[]; rssMiB: number[] };
  return {
    name: s.name,
    startMs: round(median(v.startMs), 0),
    rssMiB: round(median(v.rssMiB), 1),
    startVsNode: round(median(v.startMs) / median(baseNode.startMs), 2),
    startVsBolt: round(median(v.startMs) / median(baseBolt.startMs), 2),
    rssVsNode: round(median(v.rssMiB) / median(baseNode.rssMiB), 2),
    rssVsBolt: round(median(v.rssMiB) / median(baseBolt.rssMiB), 2),
    runs: v,
  };
});

const data = {
  label: label || "after",
  commit: spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim(),
  runs: RUNS,
  restMs: REST_MS,
  processes,
  dist: { jsFiles: distJs.length, jsLines: distLines, bytes: distBytes, byFolder },
  image: {
    runtimeCopies: copies,
    distBytes,
    productionPackages: prodPackages,
    productionNodeModulesBytes: prodBytes,
    packageFilesBytes,
    totalBytes: imageBytes,
    missingProductionPackages: missing,
  },
};

const mib = (b: number) => round(b / 1024 / 1024, 1);
const sections = [
  `## Start-up and image content${label ? ` (${label})` : ""}`,
  "",
  `\`bench/startup.bench.ts\`, commit ${data.commit}: ${RUNS} runs each, interleaved, median; RSS ${REST_MS / 1000} s after "listening". Ratios against a bare node HTTP server and a bare Bolt app from the same run.`,
  "",
  table(
    ["process", "start-up ms", "x node", "x Bolt", "RSS MiB at rest", "x node", "x Bolt"],
    processes.map((p) => [
      p.name,
      p.startMs,
      p.startVsNode,
      p.startVsBolt,
      p.rssMiB,
      p.rssVsNode,
      p.rssVsBolt,
    ]),
  ),
  "",
  `\`dist/\`: ${distJs.length} .js files, ${distLines} lines, ${mib(distBytes)} MiB (all files).`,
  "",
  table(
    ["folder", ".js files", "lines"],
    Object.entries(byFolder)
      .sort((a, b) => b[1].lines - a[1].lines)
      .map(([f, v]) => [f, v.files, v.lines]),
  ),
  "",
  `Image content above the node base image (runtime stage: ${copies.map((c) => `\`${c}\``).join(", ")}, plus \`npm ci --omit=dev\`): ${imageBytes} bytes (${mib(imageBytes)} MiB) = dist ${mib(distBytes)} MiB + ${prodPackages} production packages ${mib(prodBytes)} MiB + package files.`,
];

const beforePath = join(RESULTS_DIR, "startup-before.json");
if (!label && existsSync(beforePath)) {
  const before = (JSON.parse(readFileSync(beforePath, "utf8")) as { data: typeof data }).data;
  const row = (what: string, b: number, a: number) => [what, b, a, round(a / b, 2)];
  const proc = (n: string) => ({
    b: before.processes.find((p) => p.name === n),
    a: processes.find((p) => p.name === n),
  });
  const rows: (string | number)[][] = [];
  for (const n of ["app (dist/app.js)", "worker (dist/worker.js)"]) {
    const { b, a } = proc(n);
    if (!b || !a) continue;
    rows.push(row(`${n} start-up x bare node`, b.startVsNode, a.startVsNode));
    rows.push(row(`${n} start-up x bare Bolt`, b.startVsBolt, a.startVsBolt));
    rows.push(row(`${n} RSS x bare node`, b.rssVsNode, a.rssVsNode));
    rows.push(row(`${n} RSS MiB`, b.rssMiB, a.rssMiB));
  }
  rows.push(row("dist .js lines", before.dist.jsLines, distLines));
  rows.push(row("image content bytes", before.image.totalBytes, imageBytes));
  sections.push(
    "",
    `Before (commit ${before.commit}, \`startup-before.json\`) and now; start-up and RSS compared as ratios to each run's own baselines (start-up times on this shared machine move by tens of percent from run to run; RSS is steady):`,
    "",
    table(["figure", "before", "now", "now / before"], rows),
  );
}
await writeResult(name, data, sections.join("\n"));
console.log(sections.join("\n"));
