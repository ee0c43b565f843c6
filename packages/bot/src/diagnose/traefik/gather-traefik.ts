// The three reads behind the Traefik finding, at once, each bounded by the diagnosis timeout.
import type { Cluster, IngressInfo, IngressRouteInfo, ServersTransportInfo } from "../../k8s/types.ts";
import { type Settled, settle, withTimeout } from "../limit.ts";

export type TraefikReads = {
  ingresses: Settled<IngressInfo[]>;
  ingressRoutes: Settled<IngressRouteInfo[]>;
  transports: Settled<ServersTransportInfo[]>;
};

export async function gatherTraefik(
  cluster: Cluster,
  namespace: string,
  timeoutMs: number,
  count: () => void,
): Promise<TraefikReads> {
  const call = <T>(what: string, fn: (o: { timeoutMs: number; signal: AbortSignal }) => Promise<T>) => {
    count();
    return settle(withTimeout(what, timeoutMs, (signal) => fn({ timeoutMs, signal })));
  };
  const [ingresses, ingressRoutes, transports] = await Promise.all([
    call("listing ingresses", (o) => cluster.listIngresses(namespace, o)),
    call("listing ingressroutes", (o) => cluster.listIngressRoutes(namespace, o)),
    call("listing serverstransports", (o) => cluster.listServersTransports(namespace, o)),
  ]);
  return { ingresses, ingressRoutes, transports };
}
