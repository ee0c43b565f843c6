import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { setYamlValues, shortenFor } from "./rewrite.ts";

const rules = readFileSync(new URL("../../manifests/alerts/rules.yaml", import.meta.url), "utf8");
const receiver = readFileSync(
  new URL("../../manifests/alerts/alertmanager-receiver.yaml", import.meta.url),
  "utf8",
);

describe("shortenFor", () => {
  it("rewrites only the named alert's for", () => {
    const out = shortenFor(rules, { RdevAPIHighMemory: "3s" });
    expect(out).toMatch(/- alert: RdevAPIHighMemory\n(?:(?! {6}- alert:)[\s\S])*?for: 3s\n/);
    expect(out).toMatch(/- alert: RdevAPIHighMemoryCritical\n[\s\S]*?for: 1m\n/);
    expect(out.split("\n")).toHaveLength(rules.split("\n").length);
  });

  it("rewrites both alerts, changing nothing else", () => {
    const out = shortenFor(rules, { RdevAPIHighMemory: "3s", RdevAPIHighMemoryCritical: "2s" });
    const changed = out.split("\n").filter((line, i) => line !== rules.split("\n")[i]);
    expect(changed.map((l) => l.trim())).toEqual(["for: 3s", "for: 2s"]);
  });

  it("throws for an alert that does not exist or has no for", () => {
    expect(() => shortenFor(rules, { RdevAPIHighMem: "1s" })).toThrow(/no alert named RdevAPIHighMem/);
    const noFor =
      "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n      - alert: B\n        for: 5m\n";
    expect(() => shortenFor(noFor, { A: "1s" })).toThrow(/alert A has no `for:`/);
  });
});

describe("setYamlValues", () => {
  it("rewrites the receiver URL and timings of the shipped snippet", () => {
    const out = setYamlValues(receiver, { url: "http://127.0.0.1:1/alertmanager", group_wait: "1s" });
    expect(out).toContain('- url: "http://127.0.0.1:1/alertmanager"');
    expect(out).toContain('group_wait: "1s"');
    expect(out).not.toContain("rdev-chatops-app.rdev-chatops.svc");
  });

  it("throws for a key the YAML lacks", () => {
    expect(() => setYamlValues(receiver, { no_such_key: "x" })).toThrow(/no `no_such_key:`/);
  });
});
