// client-node 2.x builds a new undici Agent for every request (kubernetes-client/javascript#2893),
// so every API call pays a fresh TCP + TLS handshake (~3-4 ms of CPU each). We keep one dispatcher
// per cluster and TLS settings instead, so calls share kept-alive connections.
import type { Cluster as KubeCluster, KubeConfig } from "@kubernetes/client-node";

type CreateDispatcher = (cluster: KubeCluster | null, agentOptions: Record<string, unknown>) => unknown;

export function reuseConnections(kc: KubeConfig): KubeConfig {
  // `createDispatcher` is private in the typings; it is what every request path calls.
  const target = kc as unknown as { createDispatcher?: CreateDispatcher };
  const original = target.createDispatcher;
  if (typeof original !== "function") return kc; // a later client-node may fix or rename it
  const cache = new Map<string, unknown>();
  target.createDispatcher = (cluster, agentOptions) => {
    const key = JSON.stringify([
      cluster?.name ?? null,
      cluster?.server ?? null,
      cluster?.proxyUrl ?? null,
      agentOptions,
    ]);
    if (!cache.has(key)) cache.set(key, original.call(kc, cluster, agentOptions));
    return cache.get(key);
  };
  return kc;
}
