// A small evaluator of Kubernetes NetworkPolicy (networking.k8s.io/v1) for one pod and one peer
// address: the pod is isolated in a direction once a policy selecting it lists that direction, and
// then a connection is allowed when some rule of such a policy matches its port and peer.
import type { K8sObject } from "./render.ts";

// The YAML shape (client-node's V1NetworkPolicyIngressRule renames `from` to `_from`).
type Port = { port?: number | string; endPort?: number; protocol?: string };
type Peer = {
  ipBlock?: { cidr: string; except?: string[] };
  podSelector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  namespaceSelector?: unknown;
};
type Rule = { ports?: Port[]; from?: Peer[]; to?: Peer[] };
type Policy = {
  spec: {
    podSelector: { matchLabels?: Record<string, string> };
    policyTypes?: string[];
    ingress?: Rule[];
    egress?: Rule[];
  };
};

export type Direction = "Ingress" | "Egress";
/** A connection; `pod` when the other end is a pod (its namespace and labels), for podSelector peers. */
export type Flow = {
  direction: Direction;
  ip: string;
  port: number;
  protocol?: "TCP" | "UDP";
  pod?: { namespace: string; labels: Record<string, string> };
};

function ipv4(ip: string): number {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${ip}`);
  }
  return parts.reduce((n, p) => n * 256 + p, 0);
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base = "", bits = "32"] = cidr.split("/");
  if (base.includes(":")) return false; // IPv6 blocks never hold an IPv4 address
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base) / size);
}

const labelsMatch = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

function portMatches(ports: Port[] | undefined, flow: Flow): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== (flow.protocol ?? "TCP")) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === "string") throw new Error("named ports are not supported by this evaluator");
    return flow.port >= p.port && flow.port <= (p.endPort ?? p.port);
  });
}

function peerMatches(peers: Peer[] | undefined, flow: Flow, policyNamespace: string): boolean {
  if (!peers || peers.length === 0) return true;
  return peers.some((peer) => {
    if (peer.namespaceSelector || peer.podSelector?.matchExpressions) {
      throw new Error(
        "namespace selectors and matchExpressions are not supported by this evaluator: extend it",
      );
    }
    if (peer.podSelector) {
      // A podSelector alone selects pods in the policy's own namespace.
      return (
        flow.pod !== undefined &&
        flow.pod.namespace === policyNamespace &&
        labelsMatch(peer.podSelector.matchLabels, flow.pod.labels)
      );
    }
    const block = peer.ipBlock;
    return !!block && inCidr(flow.ip, block.cidr) && !(block.except ?? []).some((c) => inCidr(flow.ip, c));
  });
}

/** Whether `flow` to or from a pod with these labels in `namespace` is allowed by `objects`' policies. */
export function allows(objects: K8sObject[], namespace: string, labels: Record<string, string>, flow: Flow) {
  const policies = objects
    .filter((o) => o.kind === "NetworkPolicy" && o.metadata.namespace === namespace)
    .map((o) => o as unknown as Policy)
    .filter((p) => labelsMatch(p.spec.podSelector.matchLabels, labels))
    .filter((p) => (p.spec.policyTypes ?? ["Ingress"]).includes(flow.direction));
  if (policies.length === 0) return true; // not isolated in this direction
  return policies.some((p) => {
    const ingress = flow.direction === "Ingress";
    const rules = (ingress ? p.spec.ingress : p.spec.egress) ?? [];
    return rules.some(
      (r) => portMatches(r.ports, flow) && peerMatches(ingress ? r.from : r.to, flow, namespace),
    );
  });
}
