// The Kubernetes API simulator: a real HTTP server on 127.0.0.1 speaking enough of the Kubernetes
// REST API for kubectl and @kubernetes/client-node, backed by a simulated cluster in which each
// rdev-api container runs a simulated process (./workload) whose memory grows by scenario.
//
// Note: the runbook's `kubectl get events --since=5m` is not a kubectl flag (kubectl rejects it);
// the simulator does not emulate it. Filter events by lastTimestamp instead.
import { writeFile } from "node:fs/promises";
import { type Clock, ManualClock, systemClock } from "@rdev/bot/clock.ts";
import { bootstrap, RDEV } from "./bootstrap.ts";
import { scheduleDeploy } from "./ci-deploy.ts";
import { Faults } from "./faults.ts";
import { kubeconfigYaml } from "./kubeconfig.ts";
import { listenHttpAndHttps } from "./listener.ts";
import { scrapeText } from "./scrape.ts";
import { createApiHandler, type RequestRecord } from "./server.ts";
import { selfSignedCertificate } from "./tls-cert.ts";
import { bootstrapTraefik, type TraefikSetup } from "./traefik.ts";
import { podViews, type SimPodView } from "./view.ts";
import { LOAD, startAppProcess } from "./workload/index.ts";
import type { AppProcess, AppStartOptions, ScenarioName } from "./workload/types.ts";
import { World } from "./world.ts";

export type { FaultHandle, FaultSpec, ProxyFaultSpec } from "./faults.ts";
export { Faults, WORKER_USER } from "./faults.ts";
export type { RequestRecord } from "./server.ts";
export { TRAEFIK, TRAEFIK_SETUPS, type TraefikSetup } from "./traefik.ts";
export type { SimContainerView, SimPodView } from "./view.ts";

export type SimulatorOptions = {
  /** 0 (default): a free port. */
  port?: number;
  scenario?: ScenarioName;
  /** rdev-api replicas (default 3; 0 allowed). */
  replicas?: number;
  /** Default: the system clock. Pass a ManualClock to drive time with advance(). */
  clock?: Clock;
  seed?: number;
  /** Delay added to every request, in real ms. */
  latencyMs?: number;
  /** Container memory limit (default "512Mi"); null: no limit. */
  memoryLimit?: string | null;
  memoryRequest?: string;
  /** PDB minAvailable (default 2); null: no PodDisruptionBudget. */
  pdbMinAvailable?: number | null;
  /** Bearer token clients must send (default: a fixed test token). */
  token?: string;
  /** false: no metrics-server (metrics.k8s.io is 404). Default true. */
  metricsApi?: boolean;
  /** Traefik in front of rdev-api (see traefik.ts); default "crd" (IngressRoute, ServersTransport without timeouts). */
  traefik?: TraefikSetup;
  /** How containers run; default: the simulated rdev-api from ./workload. */
  appFactory?: (o: AppStartOptions) => AppProcess;
  /** Real ms between background syncs when the clock runs by itself (not a ManualClock). Default 250. */
  tickMs?: number;
};

export type Simulator = {
  /** http://127.0.0.1:<port> (plain HTTP, bearer token required). */
  url: string;
  /** https://127.0.0.1:<port>: the same server over TLS (what kubeconfig() points at). */
  httpsUrl: string;
  /** PEM of the self-signed certificate httpsUrl presents (also in the kubeconfig). */
  caCert: string;
  token: string;
  clock: Clock;
  /**
   * A kubeconfig (YAML) for httpsUrl with the token and CA, namespace rdev, current-context set.
   * https because kubectl only sends kubeconfig credentials over TLS.
   */
  kubeconfig(): string;
  writeKubeconfig(path: string): Promise<void>;
  /** Moves a ManualClock forward and replays everything that happens meanwhile. */
  advance(ms: number): void;
  faults: Faults;
  /** Read-only peek at the pods (default namespace: rdev), evaluated at the clock's now. */
  pods(namespace?: string): readonly SimPodView[];
  /** The last requests served (up to 1000), oldest first. */
  requests(): readonly RequestRecord[];
  close(): Promise<void>;
};

export const DEFAULT_TOKEN = "rdev-sim-token";

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = options.clock ?? systemClock;
  const replicas = options.replicas ?? 3;
  if (!Number.isInteger(replicas) || replicas < 0)
    throw new RangeError(`replicas must be a whole number >= 0 (got ${replicas})`);
  const world = new World({
    clock,
    scenario: options.scenario ?? "steady",
    seed: options.seed ?? 1,
    appFactory: options.appFactory ?? startAppProcess,
  });
  bootstrap(world, {
    replicas,
    memoryLimit: options.memoryLimit === undefined ? "512Mi" : options.memoryLimit,
    memoryRequest: options.memoryRequest ?? "256Mi",
    pdbMinAvailable: options.pdbMinAvailable === undefined ? 2 : options.pdbMinAvailable,
  });
  if ((options.scenario ?? "steady") === "bad-rollout") {
    const { leakyImage, deployAfterMs, changeCause } = LOAD.badRollout;
    scheduleDeploy(world, world.time + deployAfterMs, {
      namespace: RDEV.namespace,
      deployment: RDEV.deployment,
      container: RDEV.container,
      image: leakyImage,
      changeCause,
    });
  }
  const traefikCrds = bootstrapTraefik(
    world,
    options.traefik ?? "crd",
    { namespace: RDEV.namespace, service: RDEV.deployment, port: RDEV.port },
    world.time - 2 * 86_400_000,
  );
  const faults = new Faults({
    latencyMs: options.latencyMs ?? 0,
    metricsApi: options.metricsApi ?? true,
    traefikCrds,
  });
  const token = options.token ?? DEFAULT_TOKEN;
  const shutdown = new AbortController();
  const log: RequestRecord[] = [];
  let address = "127.0.0.1:0";
  const handler = createApiHandler({
    world,
    faults,
    token,
    serverAddress: () => address,
    shutdown: shutdown.signal,
    onRequest: (r) => {
      log.push(r);
      if (log.length > 1000) log.shift();
    },
    onError: (err) => console.error("simulator: unexpected error", err),
    scrape: (now) => scrapeText(world, now, clock === systemClock),
  });
  const tls = selfSignedCertificate();
  const listener = await listenHttpAndHttps(handler, tls, options.port ?? 0);
  address = `127.0.0.1:${listener.port}`;
  const url = `http://${address}`;
  const httpsUrl = `https://${address}`;
  const ticker = clock instanceof ManualClock ? null : setInterval(() => world.sync(), options.tickMs ?? 250);
  ticker?.unref();
  let closed = false;

  return {
    url,
    token,
    clock,
    faults,
    httpsUrl,
    caCert: tls.certPem,
    kubeconfig: () => kubeconfigYaml(httpsUrl, token, tls.certPem),
    writeKubeconfig: (path) => writeFile(path, kubeconfigYaml(httpsUrl, token, tls.certPem), { mode: 0o600 }),
    advance(ms) {
      if (!(clock instanceof ManualClock)) {
        throw new Error(
          "advance() needs a ManualClock: start the simulator with { clock: new ManualClock() }",
        );
      }
      clock.advance(ms);
      world.sync();
    },
    pods: (namespace = "rdev") => podViews(world, namespace, world.sync()),
    requests: () => [...log],
    async close() {
      if (closed) return;
      closed = true;
      if (ticker) clearInterval(ticker);
      shutdown.abort();
      await listener.close();
    },
  };
}
