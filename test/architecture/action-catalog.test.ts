// The action catalog (issue 12): a kind of action is named, in code, only by its catalog entry
// (packages/bot/src/runbooks/high-memory/catalog/), its executor (remediate/actions/<kind>.ts) and
// the executors' registry (remediate/actions/index.ts), plus the few rule files listed below with
// the reason each still names one (most of them the runbook's own rules, in its folder). Read from the source text with comments removed: a new list of
// kinds anywhere else (a switch, a Set, a Record) fails here, and so does a stale exception.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ACTIONS } from "@rdev/bot/remediate/actions/index.ts";
import { ACTION_KINDS, CATALOG } from "@rdev/bot/runbooks/high-memory/catalog/index.ts";
import { describe, expect, it } from "vitest";
import { importGraph } from "./imports.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BOT = "packages/bot/src";
const CATALOG_DIR = `${BOT}/runbooks/high-memory/catalog/`;
const REGISTRY = `${BOT}/remediate/actions/index.ts`;
const executorOf = (kind: string) => `${BOT}/remediate/actions/${kind}.ts`;

/**
 * Files outside the catalog that still name a kind, and why. The runbook's own rules (which action
 * a diagnosis offers, and when) are in the runbook folder, as the issue wants; the others are rules
 * that pick one action by name, not lists of kinds.
 */
const RULES: Record<string, { kinds: string[]; why: string }> = {
  [`${BOT}/runbooks/high-memory/actions.ts`]: {
    kinds: ["restart-pod", "rolling-restart", "raise-memory-limit", "set-cache-ttl", "capture-heap-profile"],
    why: "the runbook's rules: which actions a diagnosis offers, with their parameters",
  },
  [`${BOT}/diagnose/foresight/rollback-action.ts`]: {
    kinds: ["rollback"],
    why: "the forecast's rule: a rollout before the climb earns a rollback",
  },
  [`${BOT}/runbooks/high-memory/next-steps.ts`]: {
    kinds: ["raise-memory-limit", "set-cache-ttl"],
    why: "the runbook's next steps after a failed verification pick the limit or the TTL by name",
  },
  [`${BOT}/render/blocks/postmortem.ts`]: {
    kinds: ["raise-memory-limit", "capture-heap-profile"],
    why: "the postmortem checklist's items about a raised limit and a captured heap profile",
  },
  [`${BOT}/worker/undo-offer.ts`]: { kinds: ["undo"], why: "makes the undo proposal after a change" },
  [`${BOT}/worker/process-verify.ts`]: {
    kinds: ["undo"],
    why: "offers the undo button after a verification",
  },
  [`${BOT}/approve/policy.ts`]: {
    kinds: ["undo"],
    why: "an undo takes the approvals of the change it undoes",
  },
};

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const path = `${dir}/${d.name}`;
    if (d.isDirectory()) return sources(path);
    return d.name.endsWith(".ts") ? [path] : [];
  });
}

/** Source without comments (block comments, and line comments at a line's start or after a space). */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|\s)\/\/.*$/gm, "$1");

/** The kind as a string in code: "set-cache-ttl", 'set-cache-ttl', `set-cache-ttl:${…}`. */
const names = (text: string, kind: string) => new RegExp(`["'\`]${kind}["'\`:]`).test(text);

const files = sources(BOT).map((path) => ({ path, text: code(readFileSync(join(ROOT, path), "utf8")) }));
const naming = (kind: string) => files.filter((f) => names(f.text, kind)).map((f) => f.path);

describe("the action catalog", () => {
  it("has one entry per kind, keyed by its kind, and an executor for each", () => {
    expect(ACTION_KINDS.length).toBeGreaterThanOrEqual(7);
    for (const kind of ACTION_KINDS) expect(CATALOG[kind].kind).toBe(kind);
    expect(Object.keys(ACTIONS).sort()).toEqual([...ACTION_KINDS].sort());
    for (const kind of ACTION_KINDS) expect(ACTIONS[kind].kind).toBe(kind);
  });

  it("reads its sources (the counter finds what it should)", () => {
    expect(names(code('const a = "set-cache-ttl";'), "set-cache-ttl")).toBe(true);
    expect(names(code("const id = `set-cache-ttl:` + target;"), "set-cache-ttl")).toBe(true);
    expect(
      names(code('// e.g. "set-cache-ttl"\n/* "set-cache-ttl" */ const url = "https://x";'), "set-cache-ttl"),
    ).toBe(false);
    expect(naming("set-cache-ttl")).toContain(`${CATALOG_DIR}set-cache-ttl.ts`);
  });

  it.each(ACTION_KINDS)(
    "%s is named only by its entry, its executor, the registry and the listed rules",
    (kind) => {
      const outside = naming(kind).filter((f) => !f.startsWith(CATALOG_DIR));
      const allowed = new Set([
        executorOf(kind),
        REGISTRY,
        ...Object.entries(RULES)
          .filter(([, r]) => r.kinds.includes(kind))
          .map(([f]) => f),
      ]);
      expect(outside.filter((f) => !allowed.has(f))).toEqual([]);
      // Every listed rule still names it (a stale exception would hide a new use).
      for (const [f, r] of Object.entries(RULES)) if (r.kinds.includes(kind)) expect(outside).toContain(f);
      // The registry names a kind on one line at most: its ACTIONS entry.
      const registry = files.find((f) => f.path === REGISTRY)?.text ?? "";
      expect(registry.split("\n").filter((line) => names(line, kind)).length).toBeLessThanOrEqual(1);
    },
  );

  it("has each executor imported by the registry (and other executors) only", () => {
    const edges = importGraph(ROOT, BOT);
    for (const kind of ACTION_KINDS) {
      const importers = new Set(edges.filter((e) => e.to === executorOf(kind)).map((e) => e.from));
      expect(importers.has(REGISTRY), kind).toBe(true);
      // The undo executor reuses the limit's safety check: executors may share code among themselves.
      const outside = [...importers].filter((f) => !f.startsWith(`${BOT}/remediate/actions/`));
      expect(
        outside.map((f) => relative(BOT, f)),
        kind,
      ).toEqual([]);
    }
  });
});
