// API defaulting: the fields the real API server fills in when a Deployment (and its pod template)
// is created or patched, so objects read back look like a real cluster's.
import type { Container, Deployment, PodTemplate } from "./manifests.ts";

function defaultContainer(c: Container): Container {
  const out: Container = {
    ...c,
    imagePullPolicy:
      c.imagePullPolicy ?? (String(c.image ?? "").endsWith(":latest") ? "Always" : "IfNotPresent"),
    terminationMessagePath: c.terminationMessagePath ?? "/dev/termination-log",
    terminationMessagePolicy: c.terminationMessagePolicy ?? "File",
    resources: c.resources ?? {},
  };
  if (c.ports) out.ports = c.ports.map((p) => ({ ...p, protocol: p.protocol ?? "TCP" }));
  return out;
}

/** Pod defaulting (SetDefaults_Pod): a limit without a request defaults the request to the limit. */
export function defaultPodContainerResources(c: Container): Container {
  const limits = c.resources?.limits;
  if (!limits || Object.keys(limits).length === 0) return c;
  const requests = { ...(c.resources?.requests ?? {}) };
  for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
  return { ...c, resources: { ...c.resources, requests } };
}

export function defaultPodTemplate(t: PodTemplate): PodTemplate {
  const spec = t.spec ?? { containers: [] };
  return {
    ...t,
    metadata: { creationTimestamp: null, ...(t.metadata ?? {}) },
    spec: {
      ...spec,
      containers: (spec.containers ?? []).map(defaultContainer),
      restartPolicy: spec.restartPolicy ?? "Always",
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
      dnsPolicy: spec.dnsPolicy ?? "ClusterFirst",
      securityContext: spec.securityContext ?? {},
      schedulerName: spec.schedulerName ?? "default-scheduler",
    },
  };
}

export function defaultDeploymentSpec(d: Deployment): Deployment {
  const spec = d.spec;
  const strategy =
    spec.strategy?.type === "Recreate"
      ? { type: "Recreate" }
      : {
          type: "RollingUpdate",
          rollingUpdate: {
            maxSurge: spec.strategy?.rollingUpdate?.maxSurge ?? "25%",
            maxUnavailable: spec.strategy?.rollingUpdate?.maxUnavailable ?? "25%",
          },
        };
  return {
    ...d,
    spec: {
      ...spec,
      replicas: spec.replicas ?? 1,
      strategy,
      revisionHistoryLimit: spec.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: spec.progressDeadlineSeconds ?? 600,
      template: defaultPodTemplate(spec.template),
    },
  };
}
