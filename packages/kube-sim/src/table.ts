// Server-side printing (Accept: application/json;as=Table;g=meta.k8s.io;v=v1): the columns and
// cells the real API server's printers produce, so `kubectl get` output looks like a real cluster's.
import { since } from "./human-duration.ts";
import type { Deployment, KEvent, KObject, Node, Pod, PodDisruptionBudget, ReplicaSet } from "./manifests.ts";

export type Column = { name: string; type: string; format: string; description: string; priority: number };
type Cell = string | number;
type Printer = { columns: Column[]; row: (o: KObject, now: number) => Cell[] };

const col = (name: string, priority = 0, type = "string", format = ""): Column => ({
  name,
  type,
  format,
  description: name,
  priority,
});
const NAME = col("Name", 0, "string", "name");
const AGE = col("Age");
const none = (s: string | undefined | null): string => (s ? s : "<none>");

function podRow(o: KObject, now: number): Cell[] {
  const pod = o as Pod;
  let reason = pod.status.reason || pod.status.phase;
  let restarts = 0;
  let ready = 0;
  let lastRestart = 0;
  const statuses = pod.status.containerStatuses ?? [];
  for (let i = statuses.length - 1; i >= 0; i--) {
    const c = statuses[i];
    if (!c) continue;
    restarts += c.restartCount;
    const finished = c.lastState.terminated?.finishedAt;
    if (finished && Date.parse(finished) > lastRestart) lastRestart = Date.parse(finished);
    if (c.state.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state.terminated?.reason) reason = c.state.terminated.reason;
    else if (c.ready && c.state.running) ready++;
  }
  if (pod.metadata.deletionTimestamp) reason = "Terminating";
  const restartCell: Cell =
    restarts !== 0 && lastRestart > 0
      ? `${restarts} (${since(new Date(lastRestart).toISOString(), now)} ago)`
      : restarts;
  return [
    pod.metadata.name,
    `${ready}/${pod.spec.containers.length}`,
    reason,
    restartCell,
    since(pod.metadata.creationTimestamp, now),
    none(pod.status.podIP),
    none(pod.spec.nodeName),
    "<none>",
    "<none>",
  ];
}

function eventRow(o: KObject, now: number): Cell[] {
  const e = o as KEvent;
  const first = since(e.firstTimestamp, now);
  const last = e.lastTimestamp ? since(e.lastTimestamp, now) : first;
  const target = e.involvedObject.name
    ? `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`
    : e.involvedObject.kind.toLowerCase();
  const source = [e.source.component, e.source.host].filter(Boolean).join(", ");
  return [
    last,
    e.type,
    e.reason,
    target,
    e.involvedObject.fieldPath ?? "",
    source,
    e.message.trim(),
    first,
    e.count || 1,
    e.metadata.name,
  ];
}

const images = (cs: { image: string }[]) => cs.map((c) => c.image).join(",");
const names = (cs: { name: string }[]) => cs.map((c) => c.name).join(",");
const selector = (s: { matchLabels?: Record<string, string> } | undefined) =>
  Object.entries(s?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(",") || "<none>";

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [
      NAME,
      col("Ready"),
      col("Status"),
      col("Restarts"),
      AGE,
      col("IP", 1),
      col("Node", 1),
      col("Nominated Node", 1),
      col("Readiness Gates", 1),
    ],
    row: podRow,
  },
  events: {
    columns: [
      col("Last Seen"),
      col("Type"),
      col("Reason"),
      col("Object"),
      col("Subobject", 1),
      col("Source", 1),
      col("Message"),
      col("First Seen", 1),
      col("Count", 1),
      col("Name", 1),
    ],
    row: eventRow,
  },
  deployments: {
    columns: [
      NAME,
      col("Ready"),
      col("Up-to-date", 0, "integer"),
      col("Available", 0, "integer"),
      AGE,
      col("Containers", 1),
      col("Images", 1),
      col("Selector", 1),
    ],
    row: (o, now) => {
      const d = o as Deployment;
      const cs = d.spec.template.spec.containers;
      return [
        d.metadata.name,
        `${d.status.readyReplicas ?? 0}/${d.spec.replicas ?? 1}`,
        d.status.updatedReplicas ?? 0,
        d.status.availableReplicas ?? 0,
        since(d.metadata.creationTimestamp, now),
        names(cs),
        images(cs),
        selector(d.spec.selector),
      ];
    },
  },
  replicasets: {
    columns: [
      NAME,
      col("Desired", 0, "integer"),
      col("Current", 0, "integer"),
      col("Ready", 0, "integer"),
      AGE,
      col("Containers", 1),
      col("Images", 1),
      col("Selector", 1),
    ],
    row: (o, now) => {
      const rs = o as ReplicaSet;
      const cs = rs.spec.template.spec.containers;
      return [
        rs.metadata.name,
        rs.spec.replicas ?? 1,
        rs.status.replicas ?? 0,
        rs.status.readyReplicas ?? 0,
        since(rs.metadata.creationTimestamp, now),
        names(cs),
        images(cs),
        selector(rs.spec.selector),
      ];
    },
  },
  nodes: {
    columns: [
      NAME,
      col("Status"),
      col("Roles"),
      AGE,
      col("Version"),
      col("Internal-IP", 1),
      col("External-IP", 1),
      col("OS-Image", 1),
      col("Kernel-Version", 1),
      col("Container-Runtime", 1),
    ],
    row: (o, now) => {
      const n = o as Node;
      const ready = n.status.conditions.find((c) => c.type === "Ready")?.status === "True";
      const status = `${ready ? "Ready" : "NotReady"}${n.spec.unschedulable ? ",SchedulingDisabled" : ""}`;
      const ip = n.status.addresses.find((a) => a.type === "InternalIP")?.address;
      const info = n.status.nodeInfo;
      return [
        n.metadata.name,
        status,
        "<none>",
        since(n.metadata.creationTimestamp, now),
        info.kubeletVersion ?? "",
        none(ip),
        "<none>",
        info.osImage ?? "",
        info.kernelVersion ?? "",
        info.containerRuntimeVersion ?? "",
      ];
    },
  },
  namespaces: {
    columns: [NAME, col("Status"), AGE],
    row: (o, now) => [
      o.metadata.name,
      String((o.status as { phase?: string })?.phase ?? ""),
      since(o.metadata.creationTimestamp, now),
    ],
  },
  ingresses: {
    columns: [NAME, col("Class"), col("Hosts"), col("Address"), col("Ports"), AGE],
    row: (o, now) => {
      const spec = (o.spec ?? {}) as {
        ingressClassName?: string;
        rules?: { host?: string }[];
        tls?: unknown[];
      };
      const lb = (o.status as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } })
        ?.loadBalancer?.ingress;
      const hosts = (spec.rules ?? []).map((r) => r.host ?? "*").join(",") || "*";
      return [
        o.metadata.name,
        none(spec.ingressClassName),
        hosts,
        (lb ?? []).map((i) => i.ip ?? i.hostname ?? "").join(","),
        spec.tls?.length ? "80, 443" : "80",
        since(o.metadata.creationTimestamp, now),
      ];
    },
  },
  customresourcedefinitions: {
    columns: [NAME, col("Created At", 0, "date")],
    row: (o) => [o.metadata.name, o.metadata.creationTimestamp],
  },
  // Custom resources without additionalPrinterColumns print their name and age.
  ingressroutes: {
    columns: [NAME, AGE],
    row: (o, now) => [o.metadata.name, since(o.metadata.creationTimestamp, now)],
  },
  serverstransports: {
    columns: [NAME, AGE],
    row: (o, now) => [o.metadata.name, since(o.metadata.creationTimestamp, now)],
  },
  poddisruptionbudgets: {
    columns: [
      NAME,
      col("Min Available"),
      col("Max Unavailable"),
      col("Allowed Disruptions", 0, "integer"),
      AGE,
    ],
    row: (o, now) => {
      const p = o as PodDisruptionBudget;
      const show = (v: number | string | undefined) => (v === undefined ? "N/A" : String(v));
      return [
        p.metadata.name,
        show(p.spec.minAvailable),
        show(p.spec.maxUnavailable),
        p.status?.disruptionsAllowed ?? 0,
        since(p.metadata.creationTimestamp, now),
      ];
    },
  },
};

const DEFAULT_PRINTER: Printer = {
  columns: [NAME, col("Created At", 0, "date")],
  row: (o) => [o.metadata.name, o.metadata.creationTimestamp],
};

export type IncludeObject = "None" | "Object" | "PartialObjectMetadata";

export function toTable(
  resource: string,
  objects: readonly KObject[],
  listMeta: Record<string, unknown>,
  now: number,
  include: IncludeObject,
): unknown {
  const printer = PRINTERS[resource] ?? DEFAULT_PRINTER;
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: printer.columns,
    rows: objects.map((o) => ({
      cells: printer.row(o, now),
      ...(include === "None"
        ? {}
        : {
            object:
              include === "Object"
                ? o
                : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata },
          }),
    })),
  };
}

/** Whether the Accept header asks for a meta.k8s.io Table. */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(",").some((part) => {
    const params = part.split(";").map((p) => p.trim());
    return params.includes("as=Table") && params.some((p) => p === "g=meta.k8s.io");
  });
}
