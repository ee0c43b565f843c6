// The diagnosis' evidence reads beyond pods and metrics: container logs (pods/log, bounded by
// sinceSeconds, tailLines and limitBytes) and the routes in front of the workload (Ingresses,
// Traefik's IngressRoutes and ServersTransports). Each names its verb and RBAC resource.
import type { CoreV1Api, CustomObjectsApi, NetworkingV1Api } from "@kubernetes/client-node";
import type { Runner } from "./request.ts";
import {
  IngressRouteList,
  ServersTransportList,
  toIngressInfo,
  toIngressRoute,
  toServersTransport,
} from "./traefik-convert.ts";
import type { Cluster } from "./types.ts";

export type ReadDeps = {
  run: Runner;
  core: CoreV1Api;
  networking: NetworkingV1Api;
  custom: CustomObjectsApi;
};

type EvidenceReads = Pick<
  Cluster,
  "readPodLog" | "listIngresses" | "listIngressRoutes" | "listServersTransports"
>;

export function evidenceReads({ run, core, networking, custom }: ReadDeps): EvidenceReads {
  const listTraefik = (namespace: string, plural: string, opts?: Parameters<Runner>[2]) =>
    run(
      { verb: "list", resource: `${plural}.traefik.io`, namespace, name: null },
      async ({ configuration }) =>
        (await custom.listNamespacedCustomObject(
          { group: "traefik.io", version: "v1alpha1", namespace, plural },
          configuration,
        )) as unknown,
      opts,
    );
  const parsed = <T>(
    schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: Error } },
    raw: unknown,
    what: string,
  ): T => {
    const r = schema.safeParse(raw);
    if (!r.success) throw new Error(`${what} returned an unexpected list: ${r.error.message}`);
    return r.data;
  };
  return {
    readPodLog: async (namespace, pod, opts) => {
      const { container, previous, sinceSeconds, tailLines, limitBytes, ...call } = opts;
      const text = await run(
        { verb: "get", resource: "pods/log", namespace, name: pod },
        ({ configuration }) =>
          core.readNamespacedPodLog(
            {
              name: pod,
              namespace,
              container,
              ...(previous ? { previous } : {}),
              ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
              ...(tailLines !== undefined ? { tailLines } : {}),
              ...(limitBytes !== undefined ? { limitBytes } : {}),
            },
            configuration,
          ),
        call,
      );
      return { text, bytes: Buffer.byteLength(text) };
    },
    listIngresses: async (namespace, opts) => {
      const list = await run(
        { verb: "list", resource: "ingresses.networking.k8s.io", namespace, name: null },
        ({ configuration }) => networking.listNamespacedIngress({ namespace }, configuration),
        opts,
      );
      return list.items.map((i) => toIngressInfo(i, namespace));
    },
    listIngressRoutes: async (namespace, opts) => {
      const raw = await listTraefik(namespace, "ingressroutes", opts);
      return parsed(IngressRouteList, raw, "ingressroutes.traefik.io").items.map((o) =>
        toIngressRoute(o, namespace),
      );
    },
    listServersTransports: async (namespace, opts) => {
      const raw = await listTraefik(namespace, "serverstransports", opts);
      return parsed(ServersTransportList, raw, "serverstransports.traefik.io").items.map((o) =>
        toServersTransport(o, namespace),
      );
    },
  };
}
