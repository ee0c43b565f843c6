// Validates Kubernetes objects against the Kubernetes API's OpenAPI schema, offline, two ways:
//  - kubernetes-models: JSON Schema generated from the Kubernetes OpenAPI spec (types, enums,
//    required fields, formats), through each model's validate();
//  - strict fields: every key must be a field of its type, like the API server's default
//    `fieldValidation=Strict` for kubectl apply. The field lists come from @kubernetes/client-node's
//    generated models (same OpenAPI spec), since the JSON Schemas allow unknown properties.
import * as k8s from "@kubernetes/client-node";
import type { K8sObject } from "./render.ts";

type Attribute = { baseName: string; type: string };
type ModelClass = { getAttributeTypeMap(): Attribute[] };

const models = k8s as unknown as Record<string, unknown>;

function modelClass(type: string): ModelClass | null {
  const candidate = models[type] as Partial<ModelClass> | undefined;
  return typeof candidate?.getAttributeTypeMap === "function" ? (candidate as ModelClass) : null;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** client-node's class name for an apiVersion/kind: apps/v1 Deployment -> V1Deployment. */
export function clientNodeType(apiVersion: string, kind: string): string {
  const version = apiVersion.split("/").pop() ?? apiVersion;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

/** Paths of fields that the type does not define ("spec.template.spec.containers[0].readinesProbe"). */
export function unknownFields(value: unknown, type: string, path = ""): string[] {
  const array = /^Array<(.+)>$/.exec(type);
  if (array?.[1]) {
    const inner = array[1];
    return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(v, inner, `${path}[${i}]`)) : [];
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map?.[1]) {
    const inner = map[1];
    return isPlainObject(value)
      ? Object.entries(value).flatMap(([k, v]) => unknownFields(v, inner, `${path}[${k}]`))
      : [];
  }
  const model = modelClass(type);
  if (!model || !isPlainObject(value)) return []; // scalars, IntOrString, any: nothing to check
  const attributes = model.getAttributeTypeMap();
  return Object.entries(value).flatMap(([key, v]) => {
    const at = path ? `${path}.${key}` : key;
    const attribute = attributes.find((a) => a.baseName === key);
    return attribute ? unknownFields(v, attribute.type, at) : [at];
  });
}

type Validating = { validate(): void };
type ModelConstructor = new (data: unknown) => Validating;

/** The kubernetes-models class for an object, e.g. kubernetes-models/apps/v1 -> Deployment. */
async function kubernetesModel(apiVersion: string, kind: string): Promise<ModelConstructor | null> {
  if (!/^[a-z0-9.]+(\/v[a-z0-9]+)?$/.test(apiVersion) || !/^[A-Za-z]+$/.test(kind)) return null;
  try {
    const specifier = `kubernetes-models/${apiVersion}/${kind}`;
    const mod = (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>;
    return (mod[kind] as ModelConstructor | undefined) ?? null;
  } catch {
    return null;
  }
}

/** Every schema problem of one object; [] when it is valid. An unknown apiVersion/kind is a problem. */
export async function validateObject(object: K8sObject): Promise<string[]> {
  const { apiVersion, kind } = object;
  const Model = await kubernetesModel(apiVersion, kind);
  const typeName = clientNodeType(apiVersion, kind);
  if (!Model || !modelClass(typeName)) return [`${apiVersion} ${kind} is not a Kubernetes API type`];
  const problems: string[] = [];
  try {
    new Model(object).validate();
  } catch (error) {
    problems.push(...String((error as Error).message).split(", "));
  }
  for (const field of unknownFields(object, typeName)) problems.push(`${field}: unknown field`);
  return problems;
}
