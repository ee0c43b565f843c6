// Runs promtool, amtool and kubectl for the alert tests, and writes rule/test file pairs into temp
// dirs so a mutated copy can be tested without touching the shipped files.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ALERTS_DIR = fileURLToPath(new URL("../../manifests/alerts/", import.meta.url));
export const RULES_FILE = join(ALERTS_DIR, "rules.yaml");
export const RECEIVER_FILE = join(ALERTS_DIR, "alertmanager-receiver.yaml");
export const RULE_TESTS_FILE = fileURLToPath(new URL("./rules.test.yaml", import.meta.url));

export const readRules = (): string => readFileSync(RULES_FILE, "utf8");
export const readRuleTests = (): string => readFileSync(RULE_TESTS_FILE, "utf8");

export type RunResult = { status: number | null; output: string };

/** Runs a binary to completion (these tools finish in well under a second). */
export function run(binary: string, args: string[], input?: string): RunResult {
  const result = spawnSync(binary, args, { encoding: "utf8", input, timeout: 30_000 });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const SHIPPED_RULE_FILE_ENTRY = "  - ../../manifests/alerts/rules.yaml\n";

/**
 * Writes `rules` as rules.yaml and `tests` (rules.test.yaml's format) next to it, pointing the
 * tests at that copy. Returns the test file's path, for `promtool test rules`.
 */
export function writeRuleTestPair(rules: string, tests: string): string {
  if (!tests.includes(SHIPPED_RULE_FILE_ENTRY)) {
    throw new Error(`rules.test.yaml no longer lists ${SHIPPED_RULE_FILE_ENTRY.trim()} under rule_files`);
  }
  const dir = mkdtempSync(join(tmpdir(), "rule-tests-"));
  writeFileSync(join(dir, "rules.yaml"), rules);
  const testFile = join(dir, "rules.test.yaml");
  writeFileSync(testFile, tests.replace(SHIPPED_RULE_FILE_ENTRY, "  - rules.yaml\n"));
  return testFile;
}
