// A small, pure model of Kubernetes RBAC authorization (k8s.io/apiserver's rbac.RulesAllow and the
// binding scopes), enough to decide whether the manifests grant a request and which rules a set of
// requests needs.
import type { K8sObject } from "./render.ts";

/** The attributes the API server authorizes a resource request on. */
export type Request = {
  verb: string;
  apiGroup: string; // "" for the core group
  resource: string;
  subresource: string; // "" when none
  namespace: string; // "" for cluster-scoped or all-namespaces requests
  name: string; // "" for list and create
};

export type PolicyRule = {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
};

/** A rule as granted by a binding: a Role's rules hold in its namespace, a ClusterRoleBinding's everywhere. */
export type Grant = { source: string; namespace: string | null; rule: PolicyRule };

export type Subject = { kind: "ServiceAccount"; name: string; namespace: string };

const has = (list: string[] | undefined, value: string) =>
  (list ?? []).some((item) => item === value || item === "*");

function resourceMatches(rule: PolicyRule, req: Request): boolean {
  const combined = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
  return (rule.resources ?? []).some(
    (r) => r === "*" || r === combined || (req.subresource !== "" && r === `*/${req.subresource}`),
  );
}

/** rbac.RuleAllows: verb, group, resource (a subresource must be named), then resourceNames. */
export function ruleAllows(rule: PolicyRule, req: Request): boolean {
  if (!has(rule.verbs, req.verb) || !has(rule.apiGroups, req.apiGroup) || !resourceMatches(rule, req)) {
    return false;
  }
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(req.name);
}

export function grantAllows(grant: Grant, req: Request): boolean {
  return (grant.namespace === null || grant.namespace === req.namespace) && ruleAllows(grant.rule, req);
}

type RoleRef = { kind: string; name: string };
type Binding = { metadata: { name: string; namespace?: string }; roleRef: RoleRef; subjects?: Subject[] };
type RoleLike = { kind: string; metadata: { name: string; namespace?: string }; rules?: PolicyRule[] };

const binds = (b: Binding, s: Subject) =>
  (b.subjects ?? []).some((x) => x.kind === s.kind && x.name === s.name && x.namespace === s.namespace);

/** Every rule the subject holds through the RoleBindings and ClusterRoleBindings among `objects`. */
export function grantsFor(objects: K8sObject[], subject: Subject): Grant[] {
  const roles = objects.filter((o) => o.kind === "Role" || o.kind === "ClusterRole") as unknown as RoleLike[];
  const grants: Grant[] = [];
  for (const o of objects) {
    if (o.kind !== "RoleBinding" && o.kind !== "ClusterRoleBinding") continue;
    const binding = o as unknown as Binding;
    if (!binds(binding, subject)) continue;
    const bindingNamespace = o.kind === "RoleBinding" ? (binding.metadata.namespace ?? "default") : null;
    const role = roles.find(
      (r) =>
        r.kind === binding.roleRef.kind &&
        r.metadata.name === binding.roleRef.name &&
        (r.kind === "ClusterRole" || r.metadata.namespace === bindingNamespace),
    );
    if (!role)
      throw new Error(`${o.kind} ${binding.metadata.name} refers to a missing ${binding.roleRef.kind}`);
    const where = `${role.kind}/${role.metadata.name}`;
    (role.rules ?? []).forEach((rule, i) => {
      grants.push({ source: `${where} rules[${i}]`, namespace: bindingNamespace, rule });
    });
  }
  return grants;
}

/**
 * Splits rules into single permissions (one group, resource, verb and resource name each), so
 * "nothing more than needed" can be checked at the finest grain a rule can express.
 */
export function atoms(grant: Grant): Grant[] {
  const names = grant.rule.resourceNames?.length ? grant.rule.resourceNames.map((n) => [n]) : [undefined];
  return (grant.rule.apiGroups ?? []).flatMap((g) =>
    (grant.rule.resources ?? []).flatMap((r) =>
      grant.rule.verbs.flatMap((v) =>
        names.map((n) => ({
          source: `${grant.source} ${v} ${g ? `${r}.${g}` : r}${n ? ` ${n[0]}` : ""}`,
          namespace: grant.namespace,
          rule: { apiGroups: [g], resources: [r], verbs: [v], ...(n ? { resourceNames: n } : {}) },
        })),
      ),
    ),
  );
}

export const describeRequest = (r: Request): string =>
  `${r.verb} ${r.subresource ? `${r.resource}/${r.subresource}` : r.resource}${r.apiGroup ? `.${r.apiGroup}` : ""}` +
  `${r.name ? ` ${r.name}` : ""} in ${r.namespace === "" ? "all namespaces" : `namespace ${r.namespace}`}`;
