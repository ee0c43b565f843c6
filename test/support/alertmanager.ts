// A private, throw-away Alertmanager for tests: loopback only, a free port, gossip disabled
// (--cluster.listen-address= so it never waits for peers nor binds 9094), its config and
// notification log in a temp dir removed on stop(). The binary is $ALERTMANAGER_BIN, else Debian's
// `prometheus-alertmanager`, else upstream's `alertmanager`. Never a system Alertmanager on 9093.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Daemon, findBinary, startDaemon } from "./daemon.ts";

export const alertmanagerBinary = (): string | null =>
  findBinary([process.env.ALERTMANAGER_BIN, "prometheus-alertmanager", "alertmanager"]);
export const amtoolBinary = (): string | null => findBinary([process.env.AMTOOL_BIN, "amtool"]);

export type AlertmanagerOptions = {
  /** The alertmanager.yml text. */
  config: string;
  /** Files written next to the config before start (e.g. a bearer token for credentials_file). */
  files?: Record<string, string>;
  /** What externalURL in notifications says; the listening address is unaffected. */
  externalUrl?: string;
};

export type TestAlertmanager = Daemon & {
  /** The temp dir holding the config and `files`. */
  dir: string;
  /** GET /api/v2/alerts: the alerts Alertmanager holds. */
  alerts(): Promise<{ labels: Record<string, string>; status: { state: string } }[]>;
};

/** The temp dir comes first so a config can point at `files` by absolute path. */
export async function alertmanagerDir(): Promise<string> {
  return await mkdtemp(join(tmpdir(), "test-alertmanager-"));
}

/**
 * Starts Alertmanager in `dir` (from alertmanagerDir()) and resolves once /-/ready answers 200.
 * Throws if the binary is missing. stop() also removes `dir`.
 */
export async function startAlertmanager(
  dir: string,
  options: AlertmanagerOptions,
): Promise<TestAlertmanager> {
  const binary = alertmanagerBinary();
  try {
    if (binary === null) {
      throw new Error(
        "Alertmanager is not installed: apt-get install prometheus-alertmanager, or set ALERTMANAGER_BIN",
      );
    }
    for (const [name, content] of Object.entries(options.files ?? {})) {
      await writeFile(join(dir, name), content, { mode: 0o600 });
    }
    const configFile = join(dir, "alertmanager.yml");
    await writeFile(configFile, options.config);
    const daemon = await startDaemon("alertmanager", binary, (port) => [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
      ...(options.externalUrl ? [`--web.external-url=${options.externalUrl}`, "--web.route-prefix=/"] : []),
      "--log.level=warn",
    ]);
    return {
      ...daemon,
      dir,
      stop: async () => {
        await daemon.stop();
        await rm(dir, { recursive: true, force: true });
      },
      alerts: async () => {
        const response = await fetch(`${daemon.url}/api/v2/alerts`, { signal: AbortSignal.timeout(5000) });
        return (await response.json()) as { labels: Record<string, string>; status: { state: string } }[];
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
