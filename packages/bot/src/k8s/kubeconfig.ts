// Loads a kubeconfig explicitly, never through client-node's loadFromDefault: that one silently
// falls back to http://localhost:8080 when it finds nothing, and a bot that deletes pods must not
// guess which cluster it talks to. Sources, in order:
//   1. options.kubeconfigPath, else env.KUBECONFIG (one path or a ":"-separated list, merged the
//      kubectl way: the first file to define a name or the current context wins);
//   2. the in-cluster ServiceAccount (KUBERNETES_SERVICE_HOST/PORT and its token file).
// ~/.kube/config is deliberately NOT read: a developer's default context is not a safe guess.
import { statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { type Cluster, type Context, KubeConfig, type User } from "@kubernetes/client-node";
import { KubeError } from "./errors.ts";

export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

export type LoadKubeConfigOptions = {
  /** A kubeconfig path (or ":"-separated list); overrides env.KUBECONFIG. */
  kubeconfigPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Use this context instead of the file's current-context (kubectl --context). */
  context?: string;
  /** Where the ServiceAccount token is mounted (tests point it elsewhere). */
  serviceAccountDir?: string;
};

function configError(detail: string, cause?: unknown): KubeError {
  return new KubeError(
    {
      code: "config",
      status: null,
      verb: "load",
      resource: "kubeconfig",
      namespace: null,
      name: null,
      apiMessage: detail,
    },
    { cause },
  );
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function loadFile(path: string): KubeConfig {
  if (!isFile(path)) {
    throw configError(`the kubeconfig file "${path}" (from KUBECONFIG) does not exist or is not a file`);
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (err) {
    throw configError(`the kubeconfig file "${path}" cannot be parsed: ${(err as Error).message}`, err);
  }
  return kc;
}

function firstByName<T extends { name: string }>(lists: T[][]): T[] {
  const seen = new Map<string, T>();
  for (const item of lists.flat()) if (!seen.has(item.name)) seen.set(item.name, item);
  return [...seen.values()];
}

/** Merges kubeconfig files like kubectl: the first file to set a name or current-context wins. */
export function mergeKubeConfigs(configs: KubeConfig[]): KubeConfig {
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: firstByName<Cluster>(configs.map((c) => c.getClusters())),
    users: firstByName<User>(configs.map((c) => c.getUsers())),
    contexts: firstByName<Context>(configs.map((c) => c.getContexts())),
    currentContext: configs.map((c) => c.getCurrentContext()).find((name) => !!name) ?? "",
  });
  return merged;
}

function inCluster(env: NodeJS.ProcessEnv, dir: string): KubeConfig | null {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenFile = join(dir, "token");
  if (!host || !port || !isFile(tokenFile)) return null;
  const caFile = join(dir, "ca.crt");
  const server = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "in-cluster", server, skipTLSVerify: false, ...(isFile(caFile) ? { caFile } : {}) }],
    // client-node's FileAuth re-reads the token file every minute (projected tokens rotate).
    users: [{ name: "service-account", authProvider: { name: "tokenFile", config: { tokenFile } } }],
    contexts: [{ name: "in-cluster", cluster: "in-cluster", user: "service-account" }],
    currentContext: "in-cluster",
  });
  return kc;
}

/**
 * Checks that a KubeConfig names a usable cluster, whoever loaded it. Refuses client-node's
 * loadFromDefault fallback (cluster "cluster" at http://localhost:8080) and plain http servers
 * that client-node 2 would reject on the first request.
 */
export function validateKubeConfig(kc: KubeConfig, source = "the kubeconfig"): void {
  const current = kc.getCurrentContext();
  if (!current) {
    throw configError(`${source} has no current-context; set one with kubectl config use-context`);
  }
  const context = kc.getContextObject(current);
  if (!context) {
    const known = kc.getContexts().map((c) => c.name);
    throw configError(
      `${source} names current-context "${current}" but defines no such context (contexts: ${known.join(", ") || "none"})`,
    );
  }
  const cluster = kc.getCluster(context.cluster);
  if (!cluster) {
    throw configError(
      `context "${current}" in ${source} names cluster "${context.cluster}", which is not defined`,
    );
  }
  if (context.user && !kc.getUser(context.user)) {
    throw configError(`context "${current}" in ${source} names user "${context.user}", which is not defined`);
  }
  if (
    cluster.name === "cluster" &&
    /^http:\/\/localhost:8080\/?$/.test(cluster.server) &&
    kc.getCurrentUser()?.name === "user"
  ) {
    throw configError(
      "client-node found no kubeconfig and fell back to http://localhost:8080, which is never a real cluster",
    );
  }
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch (err) {
    throw configError(`cluster "${cluster.name}" has server "${cluster.server}", which is not a URL`, err);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw configError(`cluster "${cluster.name}" has server "${cluster.server}"; it must be an https:// URL`);
  }
  if (url.protocol === "http:" && !cluster.skipTLSVerify) {
    throw configError(
      `cluster "${cluster.name}" uses plain http (${cluster.server}); client-node refuses that unless the cluster sets insecure-skip-tls-verify: true`,
    );
  }
}

/** Loads and validates the kubeconfig (see the top of this file for where it looks). */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfig {
  const env = options.env ?? process.env;
  const list = options.kubeconfigPath ?? env.KUBECONFIG ?? "";
  const files = list.split(delimiter).filter((f) => f !== "");
  let kc: KubeConfig;
  let source: string;
  if (files.length > 0) {
    // Every listed file must exist: a typo silently skipped could point the bot at another cluster.
    const configs = files.map(loadFile);
    kc = configs.length === 1 && configs[0] ? configs[0] : mergeKubeConfigs(configs);
    source = files.length === 1 ? `the kubeconfig "${files[0]}"` : `the kubeconfig files "${list}"`;
  } else {
    const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
    const found = inCluster(env, dir);
    if (!found) {
      throw configError(
        `KUBECONFIG is not set and this is not a pod with a ServiceAccount (needs KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT and ${join(dir, "token")})`,
      );
    }
    kc = found;
    source = "the in-cluster ServiceAccount";
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      throw configError(`${source} defines no context "${options.context}"`);
    }
    kc.setCurrentContext(options.context);
  }
  validateKubeConfig(kc, source);
  return kc;
}

/** Parses and validates kubeconfig YAML (the simulator hands one out as a string). */
export function kubeConfigFromString(yaml: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(yaml);
  } catch (err) {
    throw configError(`the kubeconfig text cannot be parsed: ${(err as Error).message}`, err);
  }
  validateKubeConfig(kc, "the kubeconfig text");
  return kc;
}
