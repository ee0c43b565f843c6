// The import graph of src/, read from the source text: static `import ... from`, `export ... from`,
// bare `import "x"` and dynamic `import("x")` with a string literal. Each edge says whether it is
// type-only (`import type`, `export type`, or every named specifier marked `type`): with
// verbatimModuleSyntax, TypeScript drops only `import type` / `export type` statements at build
// time, so `import { type A } from "x"` still loads "x" and counts as a runtime edge.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

export type Edge = {
  /** Importing file, relative to the repository root with "/" ("packages/bot/src/worker/main.ts"). */
  from: string;
  /** The specifier as written ("../slack/blocks/escape.ts", "@slack/bolt"). */
  specifier: string;
  /** For relative specifiers: the imported file, relative to the root; null for packages. */
  to: string | null;
  /** For package specifiers: the package name ("@slack/bolt", "express"); null for files. */
  pkg: string | null;
  /** Erased at build time: never loads the module. */
  typeOnly: boolean;
  dynamic: boolean;
  line: number;
};

const STATIC = /^[ \t]*(import|export)\b([^;]*?)\bfrom\s*["']([^"']+)["']/gms;
const BARE = /^[ \t]*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["'`]([^"'`$]+)["'`]\s*[,)]/g;

const toPosix = (p: string): string => p.split(sep).join("/");

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Whether an import/export clause is erased at build time: `import type ...` / `export type ...`. */
const isTypeOnly = (clause: string): boolean => /^type\b/.test(clause.trim());

/** The package name of a bare specifier ("@slack/bolt/dist/x" -> "@slack/bolt", "node:fs" -> "node:fs"). */
export function packageName(specifier: string): string {
  if (specifier.startsWith("node:")) return specifier;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

export function importsOf(root: string, file: string): Edge[] {
  const text = readFileSync(join(root, file), "utf8");
  const edges: Edge[] = [];
  const add = (specifier: string, typeOnly: boolean, dynamic: boolean, index: number) => {
    const relativeSpec = specifier.startsWith(".");
    edges.push({
      from: file,
      specifier,
      to: relativeSpec ? toPosix(relative(root, resolve(root, dirname(file), specifier))) : null,
      pkg: relativeSpec ? null : packageName(specifier),
      typeOnly,
      dynamic,
      line: lineOf(text, index),
    });
  };
  for (const m of text.matchAll(STATIC)) add(m[3] ?? "", isTypeOnly(m[2] ?? ""), false, m.index);
  for (const m of text.matchAll(BARE)) add(m[1] ?? "", false, false, m.index);
  for (const m of text.matchAll(DYNAMIC)) add(m[1] ?? "", false, true, m.index);
  return edges;
}

/** Every .ts file under dir (relative to root, "/"-separated), sorted. */
export function tsFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(join(root, d), { withFileTypes: true })) {
      const path = `${d}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path);
    }
  };
  walk(dir);
  return out.sort();
}

/** All edges of every file under dir. */
export function importGraph(root: string, dir: string): Edge[] {
  return tsFiles(root, dir).flatMap((f) => importsOf(root, f));
}

/**
 * The files and packages an entry loads at run time: its runtime edges, followed through files,
 * with the path by which each package is first reached (for the failure message).
 */
export function runtimeClosure(
  root: string,
  entry: string,
): { files: Set<string>; packages: Map<string, string[]> } {
  const files = new Set<string>();
  const packages = new Map<string, string[]>();
  const queue: { file: string; path: string[] }[] = [{ file: entry, path: [entry] }];
  while (queue.length > 0) {
    const { file, path } = queue.shift() as { file: string; path: string[] };
    if (files.has(file)) continue;
    files.add(file);
    for (const e of importsOf(root, file)) {
      if (e.typeOnly) continue;
      if (e.to !== null) queue.push({ file: e.to, path: [...path, e.to] });
      else if (e.pkg !== null && !packages.has(e.pkg)) packages.set(e.pkg, path);
    }
  }
  return { files, packages };
}
