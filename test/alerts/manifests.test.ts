// manifests/alerts: the PrometheusRule is the generated twin of rules.yaml (and, after kubectl's
// own YAML round-trip, still passes the promtool unit tests); the kustomization renders; the
// ServiceMonitor finds both Services; the Alertmanager snippet is valid and routes as intended.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { amtoolBinary } from "../support/alertmanager.ts";
import { findBinary } from "../support/daemon.ts";
import { promtoolBinary } from "../support/prometheus.ts";
import { PROMETHEUS_RULE_PATH, RULES_PATH, toPrometheusRule } from "./prometheus-rule.ts";
import { ALERTS_DIR, RECEIVER_FILE, readRuleTests, run, writeRuleTestPair } from "./tools.ts";

const MANIFESTS_DIR = fileURLToPath(new URL("../../manifests/", import.meta.url));
const kubectl = findBinary([process.env.KUBECTL_BIN, "kubectl"]);
const promtool = promtoolBinary();
const amtool = amtoolBinary();
const reason = (tool: string, bin: string | null, install: string) =>
  bin === null ? ` (skipped: ${tool} not installed; ${install})` : "";

type RenderedObject = { kind: string; name: string; text: string };

/** Splits `kubectl kustomize` output (canonical YAML: sorted keys, block style) into objects. */
function kustomize(dir: string): RenderedObject[] {
  const result = run(kubectl ?? "kubectl", ["kustomize", dir]);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.output}`);
  return result.output
    .split(/^---\n/m)
    .filter((doc) => doc.trim() !== "")
    .map((text) => ({
      kind: /^kind: (\S+)$/m.exec(text)?.[1] ?? "?",
      name: /^metadata:\n(?: {2}\S.*\n|\s{4}.*\n)*? {2}name: (\S+)$/m.exec(text)?.[1] ?? "?",
      text,
    }));
}

describe("prometheusrule.yaml", () => {
  it("is exactly what test/alerts/prometheus-rule.ts generates from rules.yaml", () => {
    const expected = toPrometheusRule(readFileSync(RULES_PATH, "utf8"));
    const actual = readFileSync(PROMETHEUS_RULE_PATH, "utf8");
    expect(actual, "run `npx tsx test/alerts/prometheus-rule.ts` after editing rules.yaml").toBe(expected);
  });

  it("toPrometheusRule nests the groups under spec, keeping blank lines and block scalars", () => {
    const rules = [
      "# comment",
      "groups:",
      "  - name: g",
      "    rules:",
      "",
      "      - record: r",
      "        expr: |",
      "          up",
      "",
    ];
    const out = toPrometheusRule(rules.join("\n"));
    expect(out).toContain("kind: PrometheusRule\n");
    const spec = [
      "spec:",
      "  groups:",
      "    - name: g",
      "      rules:",
      "",
      "        - record: r",
      "          expr: |",
      "            up",
      "",
    ];
    expect(out.endsWith(spec.join("\n"))).toBe(true);
    expect(out).not.toContain("# comment");
  });

  it("toPrometheusRule refuses a file without top-level groups", () => {
    expect(() => toPrometheusRule("rules: []\n")).toThrow(/no top-level `groups:`/);
  });
});

describe.skipIf(kubectl === null)(
  `kubectl kustomize manifests/alerts${reason("kubectl", kubectl, "install kubectl")}`,
  () => {
    it("renders the PrometheusRule and the ServiceMonitor, labelled part-of rdev-chatops", () => {
      const objects = kustomize(ALERTS_DIR);
      expect(objects.map((o) => `${o.kind}/${o.name}`).sort()).toEqual([
        "PrometheusRule/rdev-api-memory",
        "ServiceMonitor/rdev-chatops",
      ]);
      for (const o of objects) {
        expect(o.text).toContain("app.kubernetes.io/part-of: rdev-chatops");
        expect(o.text).toContain("namespace: rdev-chatops");
      }
    });

    it("the ServiceMonitor selects the app and worker Services, and both expose a port named http", () => {
      const monitor = kustomize(ALERTS_DIR).find((o) => o.kind === "ServiceMonitor");
      expect(monitor?.text).toMatch(
        /key: app\.kubernetes\.io\/name\n\s+operator: In\n\s+values:\n\s+- rdev-chatops-app\n\s+- rdev-chatops-worker\n/,
      );
      expect(monitor?.text).toMatch(/- interval: 30s\n\s+path: \/metrics\n\s+port: http\n/);
      const services = [...kustomize(MANIFESTS_DIR), ...kustomize(ALERTS_DIR)].filter(
        (o) => o.kind === "Service",
      );
      for (const name of ["rdev-chatops-app", "rdev-chatops-worker"]) {
        const service = services.find((s) => s.name === name);
        expect(service, `Service ${name}`).toBeDefined();
        expect(service?.text).toContain(`app.kubernetes.io/name: ${name}\n`);
        expect(service?.text).toMatch(/ports:\n\s+- name: http\n/);
      }
    });

    describe.skipIf(promtool === null)(
      `round trip${reason("promtool", promtool, "apt-get install prometheus")}`,
      () => {
        const dirs: string[] = [];
        afterAll(() => {
          for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
        });

        it("the rendered PrometheusRule's spec.groups pass the promtool unit tests", () => {
          const rule = kustomize(ALERTS_DIR).find((o) => o.kind === "PrometheusRule");
          const spec = rule?.text.split(/^spec:\n/m)[1];
          if (spec === undefined) throw new Error("no spec in the rendered PrometheusRule");
          const groups = spec.replace(/^ {2}/gm, "");
          expect(groups.startsWith("groups:\n")).toBe(true);
          const file = writeRuleTestPair(groups, readRuleTests());
          dirs.push(dirname(file));
          const result = run(promtool ?? "promtool", ["test", "rules", file]);
          expect(result.output).toContain("SUCCESS");
          expect(result.status).toBe(0);
        });
      },
    );
  },
);

describe.skipIf(amtool === null)(
  `amtool on alertmanager-receiver.yaml${reason("amtool", amtool, "apt-get install prometheus-alertmanager")}`,
  () => {
    const bin = amtool ?? "amtool";

    it("is a valid Alertmanager configuration", () => {
      const result = run(bin, ["check-config", RECEIVER_FILE]);
      expect(result.output).toContain("SUCCESS");
      expect(result.status).toBe(0);
    });

    it.each([
      { labels: ["alertname=RdevAPIHighMemory", "namespace=rdev"], receiver: "rdev-chatops" },
      { labels: ["alertname=RdevAPIHighMemoryCritical", "namespace=rdev"], receiver: "rdev-chatops" },
      { labels: ["alertname=KubePodCrashLooping", "namespace=rdev"], receiver: "default" },
      { labels: ["alertname=XRdevAPIHighMemory"], receiver: "default" },
    ])("routes $labels to $receiver", ({ labels, receiver }) => {
      const result = run(bin, [
        "config",
        "routes",
        "test",
        `--config.file=${RECEIVER_FILE}`,
        `--verify.receivers=${receiver}`,
        ...labels,
      ]);
      expect(result.output).toContain(receiver);
      expect(result.status).toBe(0);
    });

    it("sends resolved notifications with a bearer token from a file, grouped by the incident key", () => {
      const text = readFileSync(RECEIVER_FILE, "utf8");
      expect(text).toMatch(/group_by: \[alertname, namespace, workload\]\n/);
      expect(text).toContain("url: http://rdev-chatops-app.rdev-chatops.svc/alertmanager\n");
      expect(text).toContain("send_resolved: true\n");
      expect(text).toMatch(/authorization:\n\s+type: Bearer\n\s+credentials_file: \S+\n/);
    });

    it("rejects a broken copy (the check can fail)", () => {
      const dir = mkdtempSync(join(tmpdir(), "am-config-"));
      try {
        const file = join(dir, "alertmanager.yml");
        writeFileSync(
          file,
          readFileSync(RECEIVER_FILE, "utf8").replace("receiver: rdev-chatops", "receiver: nobody"),
        );
        const result = run(bin, ["check-config", file]);
        expect(result.output).toContain('undefined receiver "nobody"');
        expect(result.status).not.toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
