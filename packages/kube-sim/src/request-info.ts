// Splits an API path into its parts like the API server's RequestInfoFactory: verb, group, version,
// namespace, resource, name, subresource. Routing, RBAC-style fault messages and watches build on it.

export type RequestInfo = {
  isResourceRequest: boolean;
  path: string;
  verb: string; // get list watch create update patch delete deletecollection (or the HTTP verb for non-resource)
  apiPrefix: "api" | "apis" | "";
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Path segments after the subresource (the proxied path for pods/proxy). */
  rest: string[];
};

const VERBS: Record<string, string> = {
  GET: "get",
  HEAD: "get",
  POST: "create",
  PUT: "update",
  PATCH: "patch",
  DELETE: "delete",
};

export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    isResourceRequest: false,
    path: pathname,
    verb: method.toLowerCase(),
    apiPrefix: "",
    apiGroup: "",
    apiVersion: "",
    namespace: "",
    resource: "",
    subresource: "",
    name: "",
    rest: [],
  };
  const parts = pathname
    .split("/")
    .filter((p) => p !== "")
    .map((p) => decodeURIComponent(p));
  const prefix = parts[0];
  if (prefix !== "api" && prefix !== "apis") return info;
  info.apiPrefix = prefix;
  let i = 1;
  if (prefix === "apis") {
    info.apiGroup = parts[i++] ?? "";
  }
  info.apiVersion = parts[i++] ?? "";
  let current = parts.slice(i);
  if (!info.apiVersion || current.length === 0) return info; // discovery
  info.isResourceRequest = true;
  info.verb = VERBS[method.toUpperCase()] ?? method.toLowerCase();
  if (current[0] === "namespaces" && current.length > 1) {
    info.namespace = current[1] ?? "";
    if (current.length > 2 && current[2] !== "status" && current[2] !== "finalize")
      current = current.slice(2);
  }
  info.resource = current[0] ?? "";
  info.name = current[1] ?? "";
  info.subresource = current[2] ?? "";
  info.rest = current.slice(3);
  if (info.resource === "namespaces") info.namespace = "";
  if (!info.name && info.verb === "get") info.verb = "list";
  if (!info.name && info.verb === "delete") info.verb = "deletecollection";
  const watch = query.get("watch");
  if ((info.verb === "list" || info.verb === "get") && (watch === "true" || watch === "1"))
    info.verb = "watch";
  return info;
}

/** The verb an RBAC denial names: the subresource is part of the resource ("pods/eviction"). */
export function rbacResource(info: RequestInfo): string {
  return info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
}
