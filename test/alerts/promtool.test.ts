// promtool is Prometheus' own judge of the rule file: `check rules` validates it, `test rules` runs
// test/alerts/rules.test.yaml against it. The mutation table shows those unit tests can fail:
// each wrong rule or wrong expectation must make promtool report FAILED.
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { promtoolBinary } from "../support/prometheus.ts";
import { RULE_TESTS_FILE, RULES_FILE, readRules, readRuleTests, run, writeRuleTestPair } from "./tools.ts";

const promtool = promtoolBinary();
const skipped = promtool === null ? " (skipped: promtool not installed; apt-get install prometheus)" : "";

/** Replaces exactly one occurrence, so a mutation cannot silently miss its target. */
function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0)
    throw new Error(`expected exactly one ${JSON.stringify(from)}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

const WARNING_FOR = /(- alert: RdevAPIHighMemory\n[\s\S]*?)for: 5m/;

type Mutation = { name: string; rules?: (r: string) => string; tests?: (t: string) => string };

const MUTATIONS: Mutation[] = [
  { name: "warning threshold raised to 90%", rules: (r) => replaceOnce(r, "> 0.8\n", "> 0.9\n") },
  { name: "warning threshold made inclusive (>= 80%)", rules: (r) => replaceOnce(r, "> 0.8\n", ">= 0.8\n") },
  { name: "critical threshold raised to 97%", rules: (r) => replaceOnce(r, "> 0.95\n", "> 0.97\n") },
  {
    name: "warning `for` shortened to 4m",
    rules: (r) => {
      if (!WARNING_FOR.test(r)) throw new Error("warning rule has no for: 5m");
      return r.replace(WARNING_FOR, "$1for: 4m");
    },
  },
  { name: "critical `for` lengthened to 2m", rules: (r) => replaceOnce(r, "for: 1m", "for: 2m") },
  { name: "static workload label dropped", rules: (r) => r.replace(/^ +workload: rdev-api\n/gm, "") },
  { name: "memory resource selector dropped", rules: (r) => r.replaceAll(', resource="memory"', "") },
  {
    name: "no aggregation, so duplicate series break the join",
    rules: (r) => r.replaceAll("max by (namespace, pod, container) (", "("),
  },
  {
    name: "expectation with the wrong percentage",
    tests: (t) =>
      replaceOnce(t, "x2k4q (container rdev-api) uses 85%", "x2k4q (container rdev-api) uses 86%"),
  },
];

describe.skipIf(promtool === null)(`promtool on manifests/alerts/rules.yaml${skipped}`, () => {
  const bin = promtool ?? "promtool";
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("check rules: the rule file is valid and has both alerts", () => {
    const result = run(bin, ["check", "rules", RULES_FILE]);
    expect(result.output).toContain("SUCCESS: 2 rules found");
    expect(result.status).toBe(0);
  });

  it("test rules: fires above 80% after 5m, not at or below 80% nor before 5m; critical above 95% after 1m", () => {
    const result = run(bin, ["test", "rules", RULE_TESTS_FILE]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it("test rules passes on an unmutated temp copy (the harness itself is sound)", () => {
    const file = writeRuleTestPair(readRules(), readRuleTests());
    dirs.push(dirname(file));
    const result = run(bin, ["test", "rules", file]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it.each(MUTATIONS)("test rules fails when: $name", (mutation) => {
    const rules = mutation.rules ? mutation.rules(readRules()) : readRules();
    const tests = mutation.tests ? mutation.tests(readRuleTests()) : readRuleTests();
    expect(rules !== readRules() || tests !== readRuleTests()).toBe(true);
    const file = writeRuleTestPair(rules, tests);
    dirs.push(dirname(file));
    const result = run(bin, ["test", "rules", file]);
    expect(result.output).toContain("FAILED");
    expect(result.status).not.toBe(0);
  });
});
