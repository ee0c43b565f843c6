// Validation of Deployments and PodDisruptionBudgets as the API server does it on create, update and
// patch (the subset of rules a runbook change can break), returning field errors for a 422 Invalid.
import type { Container, Deployment, LabelSelectorObject, PodDisruptionBudget } from "./manifests.ts";
import { canonicalQuantity, QUANTITY_FORMAT_ERROR, quantityValue } from "./quantity.ts";
import { fromLabelSelectorObject, matchesLabels } from "./selectors.ts";
import type { FieldError } from "./status.ts";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const ENV_NAME_MSG =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";
const DNS_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const invalid = (field: string, value: unknown, detail: string): FieldError => ({
  type: "FieldValueInvalid",
  field,
  value,
  detail,
});
const required = (field: string, detail?: string): FieldError => ({
  type: "FieldValueRequired",
  field,
  ...(detail ? { detail } : {}),
});

function validateResources(c: Container, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const res = c.resources ?? {};
  for (const kind of ["limits", "requests"] as const) {
    const map = res[kind];
    if (map === undefined) continue;
    if (map === null || typeof map !== "object" || Array.isArray(map)) {
      errs.push(invalid(`${path}.resources.${kind}`, map, "must be a map of resource names to quantities"));
      continue;
    }
    for (const [name, q] of Object.entries(map)) {
      const field = `${path}.resources.${kind}[${name}]`;
      if (typeof q !== "string" && typeof q !== "number") errs.push(invalid(field, q, QUANTITY_FORMAT_ERROR));
      else if (canonicalQuantity(String(q)) === null)
        errs.push(invalid(field, String(q), QUANTITY_FORMAT_ERROR));
      else if ((quantityValue(String(q)) ?? 0) < 0)
        errs.push(invalid(field, String(q), "must be greater than or equal to 0"));
    }
  }
  for (const name of ["memory", "cpu"]) {
    const limit = res.limits?.[name];
    const request = res.requests?.[name];
    if (limit === undefined || request === undefined) continue;
    const l = quantityValue(String(limit));
    const r = quantityValue(String(request));
    if (l !== null && r !== null && r > l) {
      errs.push(
        invalid(
          `${path}.resources.requests`,
          String(request),
          `must be less than or equal to ${name} limit of ${limit}`,
        ),
      );
    }
  }
  return errs;
}

function validateContainer(c: unknown, path: string): FieldError[] {
  if (c === null || typeof c !== "object") return [invalid(path, c, "must be an object")];
  const ct = c as Container;
  const errs: FieldError[] = [];
  if (!ct.name) errs.push(required(`${path}.name`));
  else if (typeof ct.name !== "string" || !DNS_LABEL.test(ct.name))
    errs.push(invalid(`${path}.name`, ct.name, DNS_LABEL_MSG));
  if (!ct.image || typeof ct.image !== "string") errs.push(required(`${path}.image`));
  (ct.env ?? []).forEach((e, i) => {
    const ep = `${path}.env[${i}]`;
    if (!e || typeof e !== "object") errs.push(invalid(ep, e, "must be an object"));
    else if (!e.name) errs.push(required(`${ep}.name`));
    else if (typeof e.name !== "string" || !ENV_NAME.test(e.name))
      errs.push(invalid(`${ep}.name`, e.name, ENV_NAME_MSG));
    else if (e.value !== undefined && typeof e.value !== "string")
      errs.push(invalid(`${ep}.value`, e.value, "must be a string"));
  });
  (ct.ports ?? []).forEach((p, i) => {
    if (!Number.isInteger(p?.containerPort) || p.containerPort < 1 || p.containerPort > 65535)
      errs.push(
        invalid(
          `${path}.ports[${i}].containerPort`,
          p?.containerPort,
          "must be between 1 and 65535, inclusive",
        ),
      );
  });
  return [...errs, ...validateResources(ct, path)];
}

function selectorErrors(sel: LabelSelectorObject | undefined, path: string): FieldError[] {
  if (!sel || typeof sel !== "object") return [required(path)];
  if (fromLabelSelectorObject(sel).length === 0)
    return [invalid(path, sel, "empty selector is invalid for deployment")];
  return [];
}

export function validateDeployment(d: Deployment, old?: Deployment): FieldError[] {
  const errs: FieldError[] = [];
  const spec = d.spec;
  if (!spec || typeof spec !== "object") return [required("spec")];
  if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 0))
    errs.push(invalid("spec.replicas", spec.replicas, "must be greater than or equal to 0"));
  errs.push(...selectorErrors(spec.selector, "spec.selector"));
  if (old && JSON.stringify(old.spec.selector) !== JSON.stringify(spec.selector))
    errs.push(invalid("spec.selector", spec.selector, "field is immutable"));
  const labels = spec.template?.metadata?.labels ?? {};
  if (spec.selector && !matchesLabels(fromLabelSelectorObject(spec.selector), labels))
    errs.push(
      invalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`"),
    );
  const containers = spec.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0)
    errs.push(required("spec.template.spec.containers"));
  else {
    containers.forEach((c, i) => {
      errs.push(...validateContainer(c, `spec.template.spec.containers[${i}]`));
    });
    const names = containers.map((c) => c?.name);
    names.forEach((n, i) => {
      if (n && names.indexOf(n) !== i)
        errs.push({
          type: "FieldValueInvalid",
          field: `spec.template.spec.containers[${i}].name`,
          value: n,
          detail: "Duplicate value",
        });
    });
  }
  const type = spec.strategy?.type;
  if (type !== undefined && type !== "RollingUpdate" && type !== "Recreate")
    errs.push({
      type: "FieldValueNotSupported",
      field: "spec.strategy.type",
      value: type,
      detail: 'supported values: "Recreate", "RollingUpdate"',
    });
  return errs;
}

/** Rewrites resource quantities in their canonical form, as the API server stores them. */
export function canonicalizeResources(d: Deployment): void {
  for (const c of d.spec.template.spec.containers) {
    for (const kind of ["limits", "requests"] as const) {
      const map = c.resources?.[kind];
      if (!map) continue;
      for (const [k, v] of Object.entries(map)) map[k] = canonicalQuantity(String(v)) ?? String(v);
    }
  }
}

export function validatePdb(p: PodDisruptionBudget): FieldError[] {
  const errs: FieldError[] = [];
  const { minAvailable, maxUnavailable } = p.spec ?? {};
  if (minAvailable !== undefined && maxUnavailable !== undefined)
    errs.push(invalid("spec", p.spec, "minAvailable and maxUnavailable cannot be both set"));
  for (const [name, v] of [
    ["minAvailable", minAvailable],
    ["maxUnavailable", maxUnavailable],
  ] as const) {
    if (v === undefined) continue;
    const ok =
      (typeof v === "number" && Number.isInteger(v) && v >= 0) ||
      (typeof v === "string" && /^\d+%$/.test(v) && Number(v.slice(0, -1)) <= 100);
    if (!ok)
      errs.push(
        invalid(`spec.${name}`, v, "must be a non-negative integer or a percentage between 0% and 100%"),
      );
  }
  if (p.spec?.selector)
    errs.push(
      ...(fromLabelSelectorObject(p.spec.selector).length === 0 && Object.keys(p.spec.selector).length > 0
        ? [invalid("spec.selector", p.spec.selector, "invalid selector")]
        : []),
    );
  return errs;
}
