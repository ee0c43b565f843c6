// Legacy (unaggregated) discovery documents: /api, /api/v1, /apis, /apis/<group>[/<version>] and
// /version. kubectl asks for aggregated discovery first and falls back to these when the response
// is plain application/json.
import { KUBERNETES_VERSION } from "./bootstrap.ts";
import { apiVersionOf, RESOURCES, SUBRESOURCES, served } from "./resources.ts";

export type DiscoveryOptions = { metricsApi: boolean; traefikCrds: boolean; serverAddress: string };

const visible = (o: DiscoveryOptions) => RESOURCES.filter((r) => served(r, o));

function groups(o: DiscoveryOptions): { name: string; version: string }[] {
  const seen = new Map<string, string>();
  for (const r of visible(o)) if (r.group && !seen.has(r.group)) seen.set(r.group, r.version);
  return [...seen].map(([name, version]) => ({ name, version }));
}

function apiGroup(name: string, version: string) {
  const gv = { groupVersion: `${name}/${version}`, version };
  return { name, versions: [gv], preferredVersion: gv };
}

export function versionInfo() {
  return {
    major: "1",
    minor: "32",
    gitVersion: KUBERNETES_VERSION,
    gitCommit: "9a1d2c3b4e5f60718293a4b5c6d7e8f901a2b3c4",
    gitTreeState: "clean",
    buildDate: "2025-04-22T16:03:12Z",
    goVersion: "go1.23.8",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

/** The discovery document for `pathname`, or null if it is not a discovery path. */
export function discovery(pathname: string, o: DiscoveryOptions): unknown | null {
  const path = pathname.replace(/\/+$/, "") || "/";
  if (path === "/version") return versionInfo();
  if (path === "/api") {
    return {
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: o.serverAddress }],
    };
  }
  if (path === "/apis") {
    return {
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: groups(o).map((g) => apiGroup(g.name, g.version)),
    };
  }
  const group = /^\/apis\/([^/]+)$/.exec(path);
  if (group?.[1]) {
    const g = groups(o).find((x) => x.name === group[1]);
    return g ? { kind: "APIGroup", apiVersion: "v1", ...apiGroup(g.name, g.version) } : null;
  }
  const gv = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!gv) return null;
  const groupName = gv[2] ?? "";
  const version = gv[1] ?? gv[3] ?? "";
  const resources = visible(o).filter((r) => r.group === groupName && r.version === version);
  if (resources.length === 0) return null;
  const list = resources.map((r) => ({
    name: r.resource,
    singularName: r.singularName,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
  }));
  for (const s of SUBRESOURCES.filter((x) => x.group === groupName && x.version === version)) {
    list.push({
      name: s.name,
      singularName: "",
      namespaced: s.namespaced,
      kind: s.kind,
      verbs: s.verbs,
      ...(s.groupOfKind ? { group: s.groupOfKind, version: s.versionOfKind } : {}),
    });
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersionOf({ group: groupName, version }),
    resources: list,
  };
}
