// The page's scripts, with no build step: the TypeScript modules in client/ served as ES modules
// with their types stripped (node:module stripTypeScriptTypes); from a compiled build (dist/), the
// emitted .js files as they are. Only files in client/ are served, looked up by plain name.
import { readdirSync, readFileSync } from "node:fs";
import * as nodeModule from "node:module";

const CLIENT_DIR = new URL("./client/", import.meta.url);
const NAME = /^[a-z][a-z0-9-]*\.(ts|js)$/;

type Strip = (code: string, options?: { mode?: "strip" | "transform" }) => string;

/** Module name (without extension) -> JavaScript source; built once. */
export function loadClientModules(dir: URL = CLIENT_DIR): Map<string, string> {
  const strip = (nodeModule as unknown as { stripTypeScriptTypes?: Strip }).stripTypeScriptTypes;
  const modules = new Map<string, string>();
  for (const file of readdirSync(dir)) {
    if (!NAME.test(file) || file.endsWith(".d.ts") || file.endsWith(".test.ts")) continue;
    const name = file.replace(/\.(ts|js)$/, "");
    const source = readFileSync(new URL(file, dir), "utf8");
    if (file.endsWith(".js")) modules.set(name, source);
    else if (strip && !modules.has(name)) modules.set(name, strip(source, { mode: "strip" }));
  }
  return modules;
}

/** The module a request path under /ui/client/ names ("main.ts" or "main.js"), if served. */
export function clientModule(modules: Map<string, string>, file: string): string | undefined {
  if (!NAME.test(file)) return undefined;
  return modules.get(file.replace(/\.(ts|js)$/, ""));
}
