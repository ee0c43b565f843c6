// A private, throw-away Prometheus for tests: loopback only, a free port, its TSDB and config in a
// temp dir removed on stop(). The binary is $PROMETHEUS_BIN, else `prometheus` on the PATH
// (Debian: apt-get install prometheus). Never a system Prometheus on 9090.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Daemon, findBinary, startDaemon } from "./daemon.ts";

export const prometheusBinary = (): string | null => findBinary([process.env.PROMETHEUS_BIN, "prometheus"]);
export const promtoolBinary = (): string | null => findBinary([process.env.PROMTOOL_BIN, "promtool"]);

export type PrometheusOptions = {
  /** host:port targets scraped as one job. */
  scrapeTargets: string[];
  /** Rule files by file name (written into the temp dir), e.g. { "rules.yaml": "groups: ..." }. */
  ruleFiles: Record<string, string>;
  /** host:port of the Alertmanager to send alerts to (API v2). */
  alertmanager: string;
  scrapeInterval?: string;
  evaluationInterval?: string;
  /** Added to every alert, as kube-prometheus adds prometheus="monitoring/k8s". */
  externalLabels?: Record<string, string>;
  /** What generatorURL links point at; the listening address is unaffected. */
  externalUrl?: string;
};

export type PrometheusAlert = { labels: Record<string, string>; state: string; value: string };
export type PrometheusTarget = { scrapeUrl: string; health: string; lastError: string };

export type TestPrometheus = Daemon & {
  /** GET /api/v1/alerts: active (pending and firing) alerts. */
  alerts(): Promise<PrometheusAlert[]>;
  /** GET /api/v1/targets: health of each active target. */
  targets(): Promise<PrometheusTarget[]>;
};

/** The prometheus.yml for these options; every value is JSON, which is valid YAML. */
export function prometheusConfig(options: PrometheusOptions, ruleDir: string): string {
  const j = JSON.stringify;
  return [
    "global:",
    `  scrape_interval: ${j(options.scrapeInterval ?? "1s")}`,
    `  evaluation_interval: ${j(options.evaluationInterval ?? "1s")}`,
    `  external_labels: ${j(options.externalLabels ?? {})}`,
    `rule_files: ${j(Object.keys(options.ruleFiles).map((name) => join(ruleDir, name)))}`,
    "alerting:",
    "  alertmanagers:",
    "    - api_version: v2",
    `      static_configs: [{ targets: ${j([options.alertmanager])} }]`,
    "scrape_configs:",
    "  - job_name: kube-metrics",
    "    honor_labels: true",
    `    static_configs: [{ targets: ${j(options.scrapeTargets)} }]`,
    "",
  ].join("\n");
}

async function getData<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== "success") throw new Error(`${url}: ${body.error ?? response.status}`);
  return body.data;
}

/** Starts Prometheus and resolves once /-/ready answers 200. Throws if the binary is missing. */
export async function startPrometheus(options: PrometheusOptions): Promise<TestPrometheus> {
  const binary = prometheusBinary();
  if (binary === null) {
    throw new Error("prometheus is not installed: apt-get install prometheus, or set PROMETHEUS_BIN");
  }
  const dir = await mkdtemp(join(tmpdir(), "test-prometheus-"));
  try {
    for (const [name, content] of Object.entries(options.ruleFiles))
      await writeFile(join(dir, name), content);
    const configFile = join(dir, "prometheus.yml");
    await writeFile(configFile, prometheusConfig(options, dir));
    const daemon = await startDaemon("prometheus", binary, (port) => [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...(options.externalUrl ? [`--web.external-url=${options.externalUrl}`, "--web.route-prefix=/"] : []),
      "--log.level=warn",
    ]);
    return {
      ...daemon,
      stop: async () => {
        await daemon.stop();
        await rm(dir, { recursive: true, force: true });
      },
      alerts: async () =>
        (await getData<{ alerts: PrometheusAlert[] }>(`${daemon.url}/api/v1/alerts`)).alerts,
      targets: async () =>
        (await getData<{ activeTargets: PrometheusTarget[] }>(`${daemon.url}/api/v1/targets`)).activeTargets,
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
