// Real Prometheus + Alertmanager for the demo, when installed (Debian: prometheus,
// prometheus-alertmanager): Prometheus scrapes the simulator's GET /metrics (cAdvisor working
// sets and kube-state-metrics limits) and evaluates manifests/alerts/rules.yaml with `for` divided
// by the (fast) speed factor; Alertmanager runs manifests/alerts/alertmanager-receiver.yaml pointed at
// the app's /alertmanager with the bearer token. The simulator serves its sped-up state without
// sample timestamps, so Prometheus stamps real scrape times: `for` is real time, hence the division.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nsToMs, PROMETHEUS_UNITS, parseDurationNs } from "@rdev/bot/units/duration.ts";
import { type Daemon, findBinary, startDaemon } from "./daemon.ts";
import { setYamlValues, shortenFor } from "./yaml-rewrite.ts";

const ALERTS_DIR = new URL("../../../manifests/alerts/", import.meta.url);

export const prometheusBinary = (): string | null => findBinary([process.env.PROMETHEUS_BIN, "prometheus"]);
export const alertmanagerBinary = (): string | null =>
  findBinary([process.env.ALERTMANAGER_BIN, "prometheus-alertmanager", "alertmanager"]);

export type AlertDaemons = { prometheus: Daemon; alertmanager: Daemon; stop(): Promise<void> };

/** A rule's `for` ("5m", "1h30m", "1d") / speed as a Prometheus duration in whole milliseconds (at least 1 s). */
export function scaledFor(duration: string, speed: number): string {
  const parsed = parseDurationNs(duration, PROMETHEUS_UNITS);
  if (!parsed.ok || parsed.ns < 0n) throw new Error(`cannot scale the duration ${JSON.stringify(duration)}`);
  return `${Math.max(1000, Math.round(nsToMs(parsed.ns) / speed))}ms`;
}

/** Starts both daemons; throws when a binary is missing (check the *Binary() functions first). */
export async function startAlertDaemons(options: {
  /** host:port of the simulator (its /metrics needs no token). */
  scrapeTarget: string;
  /** The app's /alertmanager URL and bearer token. */
  webhookUrl: string;
  token: string;
  speed: number;
  /** Prometheus' external_labels (the cluster, with several): every alert carries them. */
  externalLabels?: Readonly<Record<string, string>>;
}): Promise<AlertDaemons> {
  const prometheusBin = prometheusBinary();
  const alertmanagerBin = alertmanagerBinary();
  if (!prometheusBin || !alertmanagerBin)
    throw new Error("apt-get install prometheus prometheus-alertmanager for the real alert pipeline");
  const dir = await mkdtemp(join(tmpdir(), "rdev-demo-alerts-"));
  const started: Daemon[] = [];
  const stop = async () => {
    for (const d of started.reverse()) await d.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const receiver = await readFile(new URL("alertmanager-receiver.yaml", ALERTS_DIR), "utf8");
    await writeFile(join(dir, "token"), options.token, { mode: 0o600 });
    await writeFile(
      join(dir, "alertmanager.yml"),
      setYamlValues(receiver, {
        url: options.webhookUrl,
        credentials_file: join(dir, "token"),
        group_wait: "1s",
        group_interval: "2s",
        repeat_interval: "1h",
      }),
    );
    const alertmanager = await startDaemon("alertmanager", alertmanagerBin, (port) => [
      `--config.file=${join(dir, "alertmanager.yml")}`,
      `--storage.path=${join(dir, "am-data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
      "--log.level=warn",
    ]);
    started.push(alertmanager);
    const rules = await readFile(new URL("rules.yaml", ALERTS_DIR), "utf8");
    await writeFile(
      join(dir, "rules.yaml"),
      shortenFor(rules, {
        RdevAPIHighMemory: scaledFor("5m", options.speed),
        RdevAPIHighMemoryCritical: scaledFor("1m", options.speed),
      }),
    );
    const j = JSON.stringify;
    await writeFile(
      join(dir, "prometheus.yml"),
      [
        "global:",
        '  scrape_interval: "1s"',
        '  evaluation_interval: "1s"',
        ...(options.externalLabels ? [`  external_labels: ${j(options.externalLabels)}`] : []),
        `rule_files: ${j([join(dir, "rules.yaml")])}`,
        "alerting:",
        "  alertmanagers:",
        "    - api_version: v2",
        `      static_configs: [{ targets: ${j([`127.0.0.1:${alertmanager.port}`])} }]`,
        "scrape_configs:",
        "  - job_name: kube-metrics",
        "    honor_labels: true",
        `    static_configs: [{ targets: ${j([options.scrapeTarget])} }]`,
        "",
      ].join("\n"),
    );
    const prometheus = await startDaemon("prometheus", prometheusBin, (port) => [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "prom-data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ]);
    started.push(prometheus);
    return { prometheus, alertmanager, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
