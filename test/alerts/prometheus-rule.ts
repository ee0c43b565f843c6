// manifests/alerts/prometheusrule.yaml is generated from manifests/alerts/rules.yaml, so the
// Prometheus Operator object and the file promtool tests can never drift apart:
//   npx tsx test/alerts/prometheus-rule.ts      (rewrites prometheusrule.yaml)
// test/alerts/manifests.test.ts fails while the committed file differs from the generated one.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const RULES_PATH = fileURLToPath(new URL("../../manifests/alerts/rules.yaml", import.meta.url));
export const PROMETHEUS_RULE_PATH = fileURLToPath(
  new URL("../../manifests/alerts/prometheusrule.yaml", import.meta.url),
);

const HEADER = `# GENERATED from rules.yaml by test/alerts/prometheus-rule.ts: edit rules.yaml, then run
#   npx tsx test/alerts/prometheus-rule.ts
# The Prometheus Operator's PrometheusRule for the same groups. kube-prometheus selects rules by the
# prometheus/role labels below; adjust them to your Prometheus' ruleSelector. If your Prometheus
# sets enforcedNamespaceLabel, it would rewrite the namespace label to this object's namespace:
# exclude this rule (excludedFromEnforcement) so alerts keep namespace="rdev".
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: rdev-api-memory
  namespace: rdev-chatops
  labels:
    app.kubernetes.io/name: rdev-chatops
    prometheus: k8s
    role: alert-rules
spec:
`;

/**
 * The PrometheusRule YAML for a plain rule file: everything from its top-level `groups:` key on,
 * indented under `spec:` (indenting every line keeps block scalars intact).
 */
export function toPrometheusRule(rulesYaml: string): string {
  const lines = rulesYaml.replace(/\r\n/g, "\n").split("\n");
  const start = lines.findIndex((line) => /^groups:\s*$/.test(line));
  if (start < 0) throw new Error("rules.yaml has no top-level `groups:` key");
  const body = lines
    .slice(start)
    .map((line) => (line === "" ? "" : `  ${line}`))
    .join("\n")
    .trimEnd();
  return `${HEADER}${body}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(PROMETHEUS_RULE_PATH, toPrometheusRule(readFileSync(RULES_PATH, "utf8")));
  console.log(`wrote ${PROMETHEUS_RULE_PATH}`);
}
