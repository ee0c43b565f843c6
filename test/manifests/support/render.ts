// Renders a kustomization with `kubectl kustomize` (what `kubectl apply -k` applies) and parses the
// YAML stream into plain objects.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { findBinary } from "../../support/daemon.ts";

export const MANIFESTS_DIR = fileURLToPath(new URL("../../../manifests/", import.meta.url));
export const ALERTS_DIR = fileURLToPath(new URL("../../../manifests/alerts/", import.meta.url));

export const kubectl = findBinary([process.env.KUBECTL_BIN, "kubectl"]);

export type Metadata = {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};

/** A Kubernetes object as parsed from YAML: typed only as far as every object goes. */
export type K8sObject = { apiVersion: string; kind: string; metadata: Metadata } & Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses a multi-document YAML stream; every document must be an object with apiVersion, kind, name. */
export function parseObjects(text: string, source: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join("; ")}`);
    const value: unknown = doc.toJS();
    if (value === null) continue;
    if (
      !isObject(value) ||
      typeof value.apiVersion !== "string" ||
      typeof value.kind !== "string" ||
      !isObject(value.metadata) ||
      typeof value.metadata.name !== "string"
    ) {
      throw new Error(
        `${source}: a document is not a Kubernetes object: ${JSON.stringify(value).slice(0, 200)}`,
      );
    }
    objects.push(value as K8sObject);
  }
  return objects;
}

export function readObjects(path: string): K8sObject[] {
  return parseObjects(readFileSync(path, "utf8"), path);
}

const run = promisify(execFile);
const cache = new Map<string, Promise<K8sObject[]>>();

/** `kubectl kustomize <dir>`, parsed. Rendered once per directory per test file. */
export function kustomize(dir: string): Promise<K8sObject[]> {
  let rendered = cache.get(dir);
  if (!rendered) {
    rendered = run(kubectl ?? "kubectl", ["kustomize", dir], { maxBuffer: 16 * 1024 * 1024 }).then(
      ({ stdout }) => parseObjects(stdout, `kubectl kustomize ${dir}`),
    );
    cache.set(dir, rendered);
  }
  return rendered;
}

export const id = (o: K8sObject): string =>
  `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

export function only(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0] as K8sObject;
}
