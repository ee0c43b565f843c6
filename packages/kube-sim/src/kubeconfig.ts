// A kubeconfig (YAML) for the simulator: one cluster (https, with the simulator's self-signed CA),
// one token user, one context with namespace rdev, set as current-context. kubectl and
// @kubernetes/client-node both read it. (kubectl never sends credentials to an http:// server.)

export const CONTEXT = "rdev-sim";

const q = (s: string): string => JSON.stringify(s);

export function kubeconfigYaml(
  server: string,
  token: string,
  caPem: string | null,
  namespace = "rdev",
): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "preferences: {}",
    "clusters:",
    `- name: ${CONTEXT}`,
    "  cluster:",
    `    server: ${q(server)}`,
    ...(caPem ? [`    certificate-authority-data: ${Buffer.from(caPem).toString("base64")}`] : []),
    "users:",
    `- name: ${CONTEXT}-user`,
    "  user:",
    `    token: ${q(token)}`,
    "contexts:",
    `- name: ${CONTEXT}`,
    "  context:",
    `    cluster: ${CONTEXT}`,
    `    user: ${CONTEXT}-user`,
    `    namespace: ${q(namespace)}`,
    `current-context: ${CONTEXT}`,
    "",
  ].join("\n");
}
