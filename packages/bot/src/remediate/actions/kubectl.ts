// The kubectl line an operator would type for each change the bot makes, for the record in the
// thread and the timeline. Pure; every value is shell-quoted when it needs to be.
import { RESTARTED_AT_ANNOTATION } from "../../k8s/convert.ts";

/** A shell word: bare when it is plainly safe, else single-quoted. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

const q = shellQuote;

/** Eviction with a UID precondition: what the bot sends for restart-pod. */
export function evictCommand(namespace: string, pod: string, uid: string): string {
  const body = JSON.stringify({
    apiVersion: "policy/v1",
    kind: "Eviction",
    metadata: { name: pod, namespace },
    deleteOptions: { preconditions: { uid } },
  });
  return `echo ${q(body)} | kubectl create --raw /api/v1/namespaces/${q(namespace)}/pods/${q(pod)}/eviction -f -`;
}

export function deletePodCommand(namespace: string, pod: string): string {
  return `kubectl -n ${q(namespace)} delete pod ${q(pod)}`;
}

/** `kubectl rollout restart`, but with the restartedAt value fixed when the job was approved. */
export function restartCommand(namespace: string, deployment: string, restartedAt: string): string {
  const patch = JSON.stringify({
    spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt } } } },
  });
  return `kubectl -n ${q(namespace)} patch deployment ${q(deployment)} -p ${q(patch)}`;
}

export function setMemoryLimitCommand(
  namespace: string,
  deployment: string,
  container: string,
  value: string,
): string {
  return `kubectl -n ${q(namespace)} set resources deployment/${q(deployment)} -c ${q(container)} --limits=memory=${q(value)}`;
}

export function setEnvCommand(
  namespace: string,
  deployment: string,
  container: string,
  name: string,
  value: string,
): string {
  return `kubectl -n ${q(namespace)} set env deployment/${q(deployment)} -c ${q(container)} ${q(`${name}=${value}`)}`;
}

export function heapProfileCommand(namespace: string, pod: string, port: number, path: string): string {
  return `kubectl get --raw ${q(`/api/v1/namespaces/${namespace}/pods/${pod}:${port}/proxy${path}`)} > heap.prof`;
}

/** `kubectl set env … NAME-`: removes the env var from the container. */
export function unsetEnvCommand(
  namespace: string,
  deployment: string,
  container: string,
  name: string,
): string {
  return `kubectl -n ${q(namespace)} set env deployment/${q(deployment)} -c ${q(container)} ${q(`${name}-`)}`;
}

/** A JSON patch removing the memory limit (kubectl set resources cannot remove one); i: the container's index. */
export function removeMemoryLimitCommand(namespace: string, deployment: string): string {
  const patch = JSON.stringify([
    { op: "remove", path: "/spec/template/spec/containers/<i>/resources/limits/memory" },
  ]);
  return `kubectl -n ${q(namespace)} patch deployment ${q(deployment)} --type json -p ${q(patch)}`;
}
