// README.md against the code and the manifests: every setting the processes read is documented,
// and the "Install in a cluster" steps name the real files, Secret keys and Alertmanager receiver.
import { readFileSync } from "node:fs";
import { AppEnvSchema, EnvSchema, WorkerEnvSchema } from "@rdev/bot/config.ts";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ALERTS_DIR, MANIFESTS_DIR, readObjects } from "./support/render.ts";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The text of a `## heading` section, up to the next one. */
function section(heading: string): string {
  const start = README.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`README.md has no "## ${heading}" section`);
  const next = README.indexOf("\n## ", start + 1);
  return README.slice(start, next === -1 ? undefined : next);
}

describe("README.md", () => {
  it("documents every setting in the Configuration table", () => {
    const table = section("Configuration")
      .split("\n")
      .filter((l) => l.startsWith("| `"))
      .map((l) => l.split(" | ")[0] ?? "")
      .join(" ");
    const settings = [EnvSchema, AppEnvSchema, WorkerEnvSchema].flatMap((s) => Object.keys(s.shape));
    expect(settings.filter((key) => !table.includes(`\`${key}\``))).toEqual([]);
  });

  describe("Install in a cluster", () => {
    const install = section("Install in a cluster");

    it("walks through the Slack app, the Secret, the base, the alerts and Alertmanager", () => {
      for (const step of [
        "manifests/slack-app.yaml",
        "create secret generic rdev-chatops",
        "kubectl apply -k manifests`",
        "kubectl apply -k manifests/alerts",
        "manifests/alerts/alertmanager-receiver.yaml",
      ]) {
        expect(install, step).toContain(step);
      }
    });

    it("creates the Secret with exactly the keys of the template", () => {
      const template = readObjects(`${MANIFESTS_DIR}secret.example.yaml`)[0]?.stringData as Record<
        string,
        string
      >;
      const created = [...install.matchAll(/--from-literal=([A-Z_]+)=/g)].map((m) => m[1]);
      expect(created.sort()).toEqual(Object.keys(template).sort());
    });

    it("shows the Alertmanager receiver of alertmanager-receiver.yaml", () => {
      const snippet = /```yaml\n([\s\S]*?)```/.exec(install)?.[1];
      if (!snippet) throw new Error("no yaml snippet in the install section");
      const shown = parse(snippet) as { receivers: { name: string; webhook_configs: unknown[] }[] };
      const real = parse(readFileSync(`${ALERTS_DIR}alertmanager-receiver.yaml`, "utf8")) as typeof shown;
      const receiver = (c: typeof shown) =>
        c.receivers.find((r) => r.name === "rdev-chatops")?.webhook_configs;
      expect(receiver(shown)).toEqual(receiver(real));
    });
  });
});
