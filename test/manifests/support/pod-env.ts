// The environment a Deployment's container starts with, resolved from its envFrom and env
// (ConfigMap and Secret references) the way the kubelet does: envFrom first, then env.
import type { V1Container, V1Deployment } from "@kubernetes/client-node";
import type { K8sObject } from "./render.ts";

export type Sources = {
  configMaps: Record<string, Record<string, string>>;
  secrets: Record<string, Record<string, string>>;
};

function lookup(sources: Record<string, Record<string, string>>, kind: string, name: string) {
  const found = sources[name];
  if (!found) throw new Error(`the container refers to ${kind} ${name}, which is not given`);
  return found;
}

export function containerEnv(
  deployment: K8sObject,
  container: string,
  sources: Sources,
): Record<string, string> {
  const spec = (deployment as unknown as V1Deployment).spec?.template.spec;
  const c: V1Container | undefined = spec?.containers.find((x) => x.name === container);
  if (!c) throw new Error(`${deployment.metadata.name} has no container ${container}`);
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef)
      Object.assign(env, lookup(sources.configMaps, "ConfigMap", from.configMapRef.name ?? ""));
    if (from.secretRef) Object.assign(env, lookup(sources.secrets, "Secret", from.secretRef.name ?? ""));
  }
  for (const e of c.env ?? []) {
    const configMapKey = e.valueFrom?.configMapKeyRef;
    const secretKey = e.valueFrom?.secretKeyRef;
    if (e.value !== undefined) env[e.name] = e.value;
    else if (configMapKey) {
      const value = lookup(sources.configMaps, "ConfigMap", configMapKey.name ?? "")[configMapKey.key];
      if (value === undefined)
        throw new Error(`ConfigMap ${configMapKey.name} has no key ${configMapKey.key}`);
      env[e.name] = value;
    } else if (secretKey) {
      const value = lookup(sources.secrets, "Secret", secretKey.name ?? "")[secretKey.key];
      // optional: true: the kubelet starts the container without the variable.
      if (value === undefined && secretKey.optional) continue;
      if (value === undefined) throw new Error(`Secret ${secretKey.name} has no key ${secretKey.key}`);
      env[e.name] = value;
    }
  }
  return env;
}
