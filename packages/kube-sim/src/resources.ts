// The API resources the simulator serves: discovery data, field-selector labels and how to read
// each field from an object (fields the real API server supports for these resources).
import type { KEvent, KObject, Node, Pod } from "./manifests.ts";

export type ResourceDef = {
  group: string;
  version: string;
  resource: string; // plural, e.g. "pods"
  singularName: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** Field selector labels and their values for one object. */
  fields: (o: KObject) => Record<string, string>;
  /** Backed by a live computation rather than the store (metrics.k8s.io). */
  virtual?: boolean;
};

const metaFields = (o: KObject, namespaced: boolean): Record<string, string> => ({
  "metadata.name": o.metadata.name,
  ...(namespaced ? { "metadata.namespace": o.metadata.namespace ?? "" } : {}),
});

const podFields = (o: KObject): Record<string, string> => {
  const p = o as Pod;
  return {
    ...metaFields(o, true),
    "spec.nodeName": p.spec.nodeName ?? "",
    "spec.restartPolicy": String(p.spec.restartPolicy ?? "Always"),
    "spec.schedulerName": String(p.spec.schedulerName ?? "default-scheduler"),
    "spec.serviceAccountName": String(p.spec.serviceAccountName ?? "default"),
    "spec.hostNetwork": String(p.spec.hostNetwork ?? false),
    "status.phase": p.status.phase,
    "status.podIP": p.status.podIP ?? "",
    "status.podIPs": p.status.podIP ?? "",
    "status.nominatedNodeName": "",
  };
};

const eventFields = (o: KObject): Record<string, string> => {
  const e = o as KEvent;
  const io = e.involvedObject;
  return {
    ...metaFields(o, true),
    "involvedObject.kind": io.kind ?? "",
    "involvedObject.namespace": io.namespace ?? "",
    "involvedObject.name": io.name ?? "",
    "involvedObject.uid": io.uid ?? "",
    "involvedObject.apiVersion": io.apiVersion ?? "",
    "involvedObject.resourceVersion": io.resourceVersion ?? "",
    "involvedObject.fieldPath": io.fieldPath ?? "",
    reason: e.reason ?? "",
    reportingComponent: e.reportingComponent ?? "",
    source: e.source?.component ?? "",
    type: e.type ?? "",
  };
};

const RW = ["get", "list", "watch"];

export const TRAEFIK_GROUP = "traefik.io";

/** Whether a resource is served, given the cluster's optional APIs (metrics-server, Traefik's CRDs). */
export function served(r: Pick<ResourceDef, "group">, o: { metricsApi: boolean; traefikCrds: boolean }) {
  if (r.group === "metrics.k8s.io") return o.metricsApi;
  if (r.group === TRAEFIK_GROUP) return o.traefikCrds;
  return true;
}

export const RESOURCES: readonly ResourceDef[] = [
  {
    group: "",
    version: "v1",
    resource: "namespaces",
    singularName: "namespace",
    kind: "Namespace",
    namespaced: false,
    verbs: RW,
    shortNames: ["ns"],
    fields: (o) => ({
      ...metaFields(o, false),
      "status.phase": String((o.status as { phase?: string })?.phase ?? ""),
    }),
  },
  {
    group: "",
    version: "v1",
    resource: "nodes",
    singularName: "node",
    kind: "Node",
    namespaced: false,
    verbs: RW,
    shortNames: ["no"],
    fields: (o) => ({
      ...metaFields(o, false),
      "spec.unschedulable": String((o as Node).spec.unschedulable ?? false),
    }),
  },
  {
    group: "",
    version: "v1",
    resource: "pods",
    singularName: "pod",
    kind: "Pod",
    namespaced: true,
    verbs: [...RW, "delete"],
    shortNames: ["po"],
    categories: ["all"],
    fields: podFields,
  },
  {
    group: "",
    version: "v1",
    resource: "events",
    singularName: "event",
    kind: "Event",
    namespaced: true,
    verbs: RW,
    shortNames: ["ev"],
    fields: eventFields,
  },
  {
    group: "apps",
    version: "v1",
    resource: "deployments",
    singularName: "deployment",
    kind: "Deployment",
    namespaced: true,
    verbs: [...RW, "patch", "update", "create"],
    shortNames: ["deploy"],
    categories: ["all"],
    fields: (o) => metaFields(o, true),
  },
  {
    group: "apps",
    version: "v1",
    resource: "replicasets",
    singularName: "replicaset",
    kind: "ReplicaSet",
    namespaced: true,
    verbs: RW,
    shortNames: ["rs"],
    categories: ["all"],
    fields: (o) => ({
      ...metaFields(o, true),
      "status.replicas": String((o.status as { replicas?: number })?.replicas ?? 0),
    }),
  },
  {
    group: "policy",
    version: "v1",
    resource: "poddisruptionbudgets",
    singularName: "poddisruptionbudget",
    kind: "PodDisruptionBudget",
    namespaced: true,
    verbs: [...RW, "create", "delete"],
    shortNames: ["pdb"],
    fields: (o) => metaFields(o, true),
  },
  {
    group: "networking.k8s.io",
    version: "v1",
    resource: "ingresses",
    singularName: "ingress",
    kind: "Ingress",
    namespaced: true,
    verbs: RW,
    shortNames: ["ing"],
    fields: (o) => metaFields(o, true),
  },
  {
    group: "apiextensions.k8s.io",
    version: "v1",
    resource: "customresourcedefinitions",
    singularName: "customresourcedefinition",
    kind: "CustomResourceDefinition",
    namespaced: false,
    verbs: RW,
    shortNames: ["crd", "crds"],
    categories: ["api-extensions"],
    fields: (o) => metaFields(o, false),
  },
  // Traefik's CRDs (served only when installed: SimulatorOptions.traefik "crd" or "crd-timeouts").
  {
    group: TRAEFIK_GROUP,
    version: "v1alpha1",
    resource: "ingressroutes",
    singularName: "ingressroute",
    kind: "IngressRoute",
    namespaced: true,
    verbs: RW,
    fields: (o) => metaFields(o, true),
  },
  {
    group: TRAEFIK_GROUP,
    version: "v1alpha1",
    resource: "serverstransports",
    singularName: "serverstransport",
    kind: "ServersTransport",
    namespaced: true,
    verbs: RW,
    fields: (o) => metaFields(o, true),
  },
  {
    group: "metrics.k8s.io",
    version: "v1beta1",
    resource: "pods",
    singularName: "",
    kind: "PodMetrics",
    namespaced: true,
    verbs: ["get", "list"],
    fields: (o) => metaFields(o, true),
    virtual: true,
  },
  {
    group: "metrics.k8s.io",
    version: "v1beta1",
    resource: "nodes",
    singularName: "",
    kind: "NodeMetrics",
    namespaced: false,
    verbs: ["get", "list"],
    fields: (o) => metaFields(o, false),
    virtual: true,
  },
];

/** Subresources listed in discovery ("pods/eviction" ...), with their kind and verbs. */
export const SUBRESOURCES: readonly {
  group: string;
  version: string;
  name: string;
  kind: string;
  verbs: string[];
  namespaced: boolean;
  groupOfKind?: string;
  versionOfKind?: string;
}[] = [
  {
    group: "",
    version: "v1",
    name: "pods/eviction",
    kind: "Eviction",
    verbs: ["create"],
    namespaced: true,
    groupOfKind: "policy",
    versionOfKind: "v1",
  },
  {
    group: "",
    version: "v1",
    name: "pods/proxy",
    kind: "PodProxyOptions",
    verbs: ["create", "delete", "get", "patch", "update"],
    namespaced: true,
  },
  { group: "", version: "v1", name: "pods/log", kind: "Pod", verbs: ["get"], namespaced: true },
  { group: "", version: "v1", name: "pods/status", kind: "Pod", verbs: ["get"], namespaced: true },
  {
    group: "apps",
    version: "v1",
    name: "deployments/status",
    kind: "Deployment",
    verbs: ["get"],
    namespaced: true,
  },
];

export function findResource(group: string, version: string, resource: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** The store bucket of a resource (store keys are plural names; metrics are virtual). */
export const storeKey = (r: ResourceDef): string => r.resource;

export const apiVersionOf = (r: Pick<ResourceDef, "group" | "version">): string =>
  r.group ? `${r.group}/${r.version}` : r.version;
