// The cluster access layer: the only module tree that imports @kubernetes/client-node.
export { type ClusterOptions, createCluster, DEFAULT_TIMEOUT_MS } from "./client.ts";
export { isRolloutComplete, RESTARTED_AT_ANNOTATION } from "./convert.ts";
export {
  codeForStatus,
  describe as describeKubeError,
  isTransient,
  KubeError,
  KubeErrorCode,
  type KubeErrorDetails,
} from "./errors.ts";
export {
  kubeConfigFromString,
  type LoadKubeConfigOptions,
  loadKubeConfig,
  SERVICE_ACCOUNT_DIR,
  validateKubeConfig,
} from "./kubeconfig.ts";
export { parseQuantity, quantityToBytes, quantityToNanoCores } from "./quantity.ts";
export type { RequestInfo } from "./request.ts";
export type * from "./types.ts";

import type { KubeConfig } from "@kubernetes/client-node";
import { type ClusterOptions, createCluster } from "./client.ts";
import { type LoadKubeConfigOptions, loadKubeConfig } from "./kubeconfig.ts";
import type { Cluster } from "./types.ts";

/** Loads the kubeconfig (KUBECONFIG or in-cluster) and creates the Cluster in one step. */
export function connectCluster(options: LoadKubeConfigOptions & ClusterOptions = {}): {
  cluster: Cluster;
  kubeConfig: KubeConfig;
} {
  const kubeConfig = loadKubeConfig(options);
  return { cluster: createCluster(kubeConfig, options), kubeConfig };
}
