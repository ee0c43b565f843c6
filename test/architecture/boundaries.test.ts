// The boundaries of the workspaces (issue 12), read from the import graph of every
// packages/*/src/**/*.ts (static import/export-from and dynamic import("...") strings,
// test/architecture/imports.ts):
//   - in the bot, no import cycles between folders at run time (type-only cycles: no new ones);
//   - the pipeline stages never import their adapters (the Bolt app in slack/, the BullMQ
//     processors in worker/), so a stage can be read and tested without Slack or a queue;
//   - Bolt and express only in the Slack app; @kubernetes/client-node only in k8s/;
//   - the bot never imports the development packages (kube-sim, dev-slack, demo), and those take
//     from the bot only its leaf modules (the clock, the units);
//   - the worker loads neither Bolt nor express: its static graph, and what `worker.ts` really
//     loads when started (every resolved module recorded by test/architecture/record-loads.mjs).
// The rules are data, at the top.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type Edge, importGraph, importsOf, runtimeClosure } from "./imports.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

// ---- the rules ----------------------------------------------------------------------------------

/** The bot's sources: the only package the image contains. */
const BOT = "packages/bot/src";
const APP_ENTRY = `${BOT}/app.ts`;
const WORKER_ENTRY = `${BOT}/worker.ts`;

/** The development packages' sources, and what each may take from the bot (specifier prefixes). */
const DEV_PACKAGES: { dir: string; botImports: string[] }[] = [
  { dir: "packages/kube-sim/src", botImports: ["@rdev/bot/clock.ts", "@rdev/bot/units/"] },
  { dir: "packages/dev-slack/src", botImports: ["@rdev/bot/clock.ts", "@rdev/bot/units/"] },
];

/**
 * A file's unit: the folder right under its package's src/ ("packages/bot/src/slack/alerts/x.ts" ->
 * "slack"); a top-level file is the unit of its own name ("config.ts" -> "config", one unit with
 * config/).
 */
function unitOf(file: string): string {
  const parts = file.replace(/^packages\/[^/]+\//, "").split("/");
  return parts.length > 2 ? (parts[1] ?? file) : (parts[1] ?? file).replace(/\.ts$/, "");
}

/** The pipeline's stages (and what they build on); the adapters that drive them. */
const STAGES = [
  "intake",
  "diagnose",
  "runbooks",
  "samples",
  "propose",
  "approve",
  "remediate",
  "verify",
  "history",
  "render",
  "k8s",
  "queue",
  "units",
  "clusters",
];
const ADAPTERS = ["slack", "worker", "app"];

/** Packages only some units of the bot may import (also `import type`). */
const PACKAGE_RULES: { packages: string[]; allowedIn: string[]; why: string }[] = [
  {
    packages: ["@slack/bolt", "express"],
    allowedIn: ["slack", "app"],
    why: "Bolt (and the express it brings) belongs to the Slack app; the worker and shared code use @slack/web-api",
  },
  {
    packages: ["@kubernetes/client-node"],
    allowedIn: ["k8s"],
    why: "k8s/ is the only code that talks to the Kubernetes client (the Cluster interface)",
  },
  {
    packages: ["@rdev/kube-sim", "@rdev/dev-slack", "@rdev/demo"],
    allowedIn: [],
    why: "the development packages never enter the bot (nor its image)",
  },
];

/** Entry points that must not load these packages, directly or through any dependency. */
const MUST_NOT_LOAD: { entry: string; packages: string[] }[] = [
  { entry: WORKER_ENTRY, packages: ["@slack/bolt", "express"] },
];

/**
 * Folder cycles made only of `import type` edges (erased at build time, so nothing loads in a
 * circle) that were there when this test was written. A type-only cycle must lie within one of
 * these groups; new ones fail. Shrink the list as they are broken.
 */
const KNOWN_TYPE_ONLY_CYCLES: string[][] = [
  // The runbook's rules read the diagnosis model (diagnose/types.ts) and the diagnosis reads
  // the runbook's settings type (HighMemoryRunbook); at run time only diagnose imports runbooks.
  ["diagnose", "runbooks"],
];

// ---- the checks ---------------------------------------------------------------------------------

const edges = importGraph(ROOT, BOT);
const where = (e: Edge) => `${e.from}:${e.line} imports ${e.specifier}${e.typeOnly ? " (type)" : ""}`;

/** Strongly connected groups of units (size > 1), each sorted, from the edges given. */
function unitCycles(list: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of list) {
    if (e.to === null) continue;
    const a = unitOf(e.from);
    const b = unitOf(e.to);
    if (a === b) continue;
    if (!next.has(a)) next.set(a, new Set());
    next.get(a)?.add(b);
    if (!next.has(b)) next.set(b, new Set());
  }
  // Tarjan's algorithm.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return groups.sort((a, b) => a.join().localeCompare(b.join()));
}

/** The file edges between the units of a group, for the failure message. */
const edgesWithin = (group: string[], list: readonly Edge[]) =>
  list
    .filter((e) => e.to !== null && unitOf(e.from) !== unitOf(e.to))
    .filter((e) => group.includes(unitOf(e.from)) && group.includes(unitOf(e.to ?? "")))
    .map(where);

describe("the import graph reader", () => {
  it("sees static, re-export, type-only and dynamic imports", () => {
    const worker = edges.filter((e) => e.from === WORKER_ENTRY);
    expect(worker.map((e) => e.to)).toContain(`${BOT}/worker/main.ts`);
    const deps = edges.filter((e) => e.from === `${BOT}/worker/deps.ts` && e.pkg === "@slack/web-api");
    expect(deps.every((e) => e.typeOnly)).toBe(true);
    expect(
      edges.some((e) => e.from === `${BOT}/worker/failures.ts` && e.to === `${BOT}/queue/failures.ts`),
    ).toBe(true);
  });

  it("reads each form of import from source text", () => {
    const dir = mkdtempSync(join(tmpdir(), "imports-"));
    try {
      mkdirSync(join(dir, "src/a"), { recursive: true });
      writeFileSync(
        join(dir, "src/a/x.ts"),
        [
          'import { one } from "../b/one.ts";',
          'import type { Two } from "../b/two.ts";',
          'import { type Three } from "../b/three.ts";',
          "export { four } from '../b/four.ts';",
          'export type { Five } from "../b/five.ts";',
          'import "./side-effect.ts";',
          "import {",
          "  six,",
          '} from "@slack/bolt/dist/x";',
          'const later = await import("../c/seven.ts");',
        ].join("\n"),
      );
      const got = importsOf(dir, "src/a/x.ts").map((e) => [e.to ?? e.pkg, e.typeOnly, e.dynamic, e.line]);
      expect(got).toEqual([
        ["src/b/one.ts", false, false, 1],
        ["src/b/two.ts", true, false, 2],
        // verbatimModuleSyntax keeps `import {}` from a module whose named imports are all types
        ["src/b/three.ts", false, false, 3],
        ["src/b/four.ts", false, false, 4],
        ["src/b/five.ts", true, false, 5],
        ["@slack/bolt", false, false, 7],
        ["src/a/side-effect.ts", false, false, 6],
        ["src/c/seven.ts", false, true, 10],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds a folder cycle when there is one", () => {
    const fake = (from: string, to: string): Edge => ({
      from,
      to,
      specifier: to,
      pkg: null,
      typeOnly: false,
      dynamic: false,
      line: 1,
    });
    expect(unitCycles([fake("src/a/x.ts", "src/b/y.ts"), fake("src/b/y.ts", "src/a.ts")])).toEqual([
      ["a", "b"],
    ]);
    expect(unitCycles([fake("src/a/x.ts", "src/b/y.ts")])).toEqual([]);
  });
});

describe("boundaries of the bot (packages/bot/src)", () => {
  it("has no import cycles between folders at run time", () => {
    const runtime = edges.filter((e) => !e.typeOnly);
    const cycles = unitCycles(runtime).map((g) => ({ units: g, edges: edgesWithin(g, runtime) }));
    expect(cycles).toEqual([]);
  });

  it("has no type-only folder cycles beyond the known ones", () => {
    const fresh = unitCycles(edges).filter(
      (g) => !KNOWN_TYPE_ONLY_CYCLES.some((known) => g.every((u) => known.includes(u))),
    );
    expect(fresh.map((g) => ({ units: g, edges: edgesWithin(g, edges) }))).toEqual([]);
  });

  it.each(PACKAGE_RULES)("imports $packages only in $allowedIn", ({ packages, allowedIn, why }) => {
    const outside = edges
      .filter((e) => e.pkg !== null && packages.includes(e.pkg) && !allowedIn.includes(unitOf(e.from)))
      .map(where);
    expect(outside, why).toEqual([]);
  });

  it("keeps the pipeline stages free of their adapters (slack/, worker/)", () => {
    const inward = edges
      .filter((e) => e.to !== null && STAGES.includes(unitOf(e.from)) && ADAPTERS.includes(unitOf(e.to)))
      .map(where);
    expect(inward).toEqual([]);
  });
});

describe.each(DEV_PACKAGES)("$dir", ({ dir, botImports }) => {
  it(`takes from the bot only ${botImports.join(", ")}`, () => {
    const dev = importGraph(ROOT, dir);
    expect(dev.length).toBeGreaterThan(10);
    const wider = dev
      .filter((e) => e.pkg === "@rdev/bot" && !botImports.some((p) => e.specifier.startsWith(p)))
      .map(where);
    expect(wider).toEqual([]);
  });
});

describe.each(MUST_NOT_LOAD)("$entry", ({ entry, packages }) => {
  it(`imports none of ${packages.join(", ")} in its static graph`, () => {
    // The walk reaches Bolt where it is imported: from the Slack app's entry.
    expect(runtimeClosure(ROOT, APP_ENTRY).packages.has("@slack/bolt")).toBe(true);
    const { packages: loaded, files } = runtimeClosure(ROOT, entry);
    expect(files.size).toBeGreaterThan(20);
    for (const p of packages) expect(loaded.get(p), `${p} reached via`).toBeUndefined();
  });

  it(`loads none of ${packages.join(", ")} when started`, () => {
    const dir = mkdtempSync(join(tmpdir(), "loads-"));
    const loaded = (file: string) => {
      const out = join(dir, `${file.replace(/\W/g, "_")}.txt`);
      // Without configuration the entry exits at once (code 2), after ESM has loaded its whole
      // static graph; the recorder writes every module it resolved.
      const run = spawnSync(
        process.execPath,
        ["--import", "./test/architecture/record-loads.mjs", "--import", "tsx", file],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", RECORD_LOADS_FILE: out },
          encoding: "utf8",
          timeout: 60_000,
        },
      );
      expect(run.stderr).toMatch(/Invalid configuration/);
      return readFileSync(out, "utf8").split("\n");
    };
    try {
      const inPackage = (urls: string[], p: string) => urls.filter((u) => u.includes(`/node_modules/${p}/`));
      // The recorder sees these packages where they are loaded: the Slack app loads both.
      const app = loaded(APP_ENTRY);
      for (const p of packages) expect(inPackage(app, p).length, `the app loads ${p}`).toBeGreaterThan(0);
      const urls = loaded(entry);
      expect(inPackage(urls, "@slack/web-api").length).toBeGreaterThan(0);
      for (const p of packages) expect(inPackage(urls, p), `${entry} loads ${p}`).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
