// What actually goes over the wire: a recording HTTP server on 127.0.0.1 (port 0) answers as the
// API server would, and the test checks the method, URL, Content-Type and body client-node sent.
// The simulator tests (client.test.ts) check behaviour; these check the protocol details that a
// lenient simulator could let slip (patch content types, UID preconditions, unescaped proxy paths).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { createCluster } from "@rdev/bot/k8s/client.ts";
import { KubeError } from "@rdev/bot/k8s/errors.ts";
import { kubeConfigFromString } from "@rdev/bot/k8s/kubeconfig.ts";
import type { RequestInfo } from "@rdev/bot/k8s/request.ts";
import type { Cluster } from "@rdev/bot/k8s/types.ts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

type Seen = {
  method: string;
  url: string;
  contentType: string | undefined;
  auth: string | undefined;
  body: unknown;
};
type Reply = { status?: number; type?: string; body: string | Buffer | object; delayMs?: number };
type Handler = (req: Seen) => Reply;

let server: Server;
let url: string;
let seen: Seen[] = [];
let handler: Handler = () => ({ status: 404, body: status(404, "NotFound", "no handler") });
let requests: RequestInfo[] = [];
let cluster: Cluster;

function status(code: number, reason: string, message: string): object {
  return { kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message };
}

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "rdev-api", namespace: "rdev", uid: "d-1", generation: 2 },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "rdev-api" } },
    template: {
      metadata: { labels: { app: "rdev-api" } },
      spec: {
        containers: [
          { name: "istio-proxy", image: "envoy" },
          { name: "rdev-api", image: "rdev", resources: { limits: { memory: "512Mi" } } },
        ],
      },
    },
  },
  status: { observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1, readyReplicas: 1 },
};

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? undefined : JSON.parse(text);
}

async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const entry: Seen = {
    method: req.method ?? "",
    url: req.url ?? "",
    contentType: req.headers["content-type"],
    auth: req.headers.authorization,
    body: await readBody(req),
  };
  seen.push(entry);
  const reply = handler(entry);
  if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
  const isBytes = Buffer.isBuffer(reply.body) || typeof reply.body === "string";
  res.writeHead(reply.status ?? 200, { "content-type": reply.type ?? "application/json" });
  res.end(isBytes ? reply.body : JSON.stringify(reply.body));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kc = kubeConfigFromString(`
apiVersion: v1
kind: Config
current-context: wire
clusters:
- name: wire
  cluster:
    server: ${url}
    insecure-skip-tls-verify: true
contexts:
- name: wire
  context: { cluster: wire, user: bot }
users:
- name: bot
  user: { token: wire-token }
`);
  cluster = createCluster(kc, { timeoutMs: 2000, pageSize: 2, onRequest: (i) => requests.push(i) });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  requests = [];
});

describe("patches carry the right Content-Type", () => {
  it("restartDeployment sends a strategic merge patch of restartedAt", async () => {
    handler = () => ({ body: deployment });
    await cluster.restartDeployment("rdev", "rdev-api", "2026-11-26T03:00:00Z");
    expect(seen).toEqual([
      {
        method: "PATCH",
        url: "/apis/apps/v1/namespaces/rdev/deployments/rdev-api",
        contentType: "application/strategic-merge-patch+json",
        auth: "Bearer wire-token",
        body: {
          spec: {
            template: {
              metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-11-26T03:00:00Z" } },
            },
          },
        },
      },
    ]);
    expect(requests).toEqual([
      expect.objectContaining({ verb: "patch", resource: "deployments.apps", status: 200, code: null }),
    ]);
  });

  it("setMemoryLimit reads the deployment, then JSON-patches the named container's index", async () => {
    handler = () => ({ body: deployment });
    await cluster.setMemoryLimit("rdev", "rdev-api", "rdev-api", "1Gi");
    expect(seen.map((s) => s.method)).toEqual(["GET", "PATCH"]);
    expect(seen[1]?.contentType).toBe("application/json-patch+json");
    expect(seen[1]?.body).toEqual([
      { op: "test", path: "/spec/template/spec/containers/1/name", value: "rdev-api" },
      { op: "replace", path: "/spec/template/spec/containers/1/resources/limits/memory", value: "1Gi" },
    ]);
  });

  it("setEnv sends a strategic merge patch keyed by container name", async () => {
    handler = () => ({ body: deployment });
    await cluster.setEnv("rdev", "rdev-api", "rdev-api", "CACHE_TTL", "15s");
    expect(seen[1]).toMatchObject({
      method: "PATCH",
      contentType: "application/strategic-merge-patch+json",
      body: {
        spec: {
          template: {
            spec: { containers: [{ name: "rdev-api", env: [{ name: "CACHE_TTL", value: "15s" }] }] },
          },
        },
      },
    });
  });

  it("an unknown container is not_found, listing the containers, and nothing is patched", async () => {
    handler = () => ({ body: deployment });
    const err = await cluster.setEnv("rdev", "rdev-api", "api", "A", "1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeError);
    expect(err).toMatchObject({ code: "not_found", resource: "deployments.apps" });
    expect((err as KubeError).message).toContain("istio-proxy, rdev-api");
    expect(seen.map((s) => s.method)).toEqual(["GET"]);
  });
});

describe("pod removal carries the UID precondition", () => {
  it("evictPod posts a policy/v1 Eviction", async () => {
    handler = () => ({ status: 201, body: { kind: "Status", apiVersion: "v1", status: "Success" } });
    await cluster.evictPod("rdev", "rdev-api-x", "uid-1");
    expect(seen[0]).toMatchObject({
      method: "POST",
      url: "/api/v1/namespaces/rdev/pods/rdev-api-x/eviction",
      body: {
        apiVersion: "policy/v1",
        kind: "Eviction",
        metadata: { name: "rdev-api-x", namespace: "rdev" },
        deleteOptions: { preconditions: { uid: "uid-1" } },
      },
    });
  });

  it("deletePod sends DeleteOptions with preconditions.uid", async () => {
    handler = () => ({ body: { kind: "Pod", apiVersion: "v1", metadata: { name: "rdev-api-x" } } });
    await cluster.deletePod("rdev", "rdev-api-x", "uid-1");
    expect(seen[0]).toMatchObject({
      method: "DELETE",
      url: "/api/v1/namespaces/rdev/pods/rdev-api-x",
      body: { preconditions: { uid: "uid-1" } },
    });
  });
});

describe("lists", () => {
  it("follows continue tokens, one onRequest per page", async () => {
    const pod = (name: string) => ({
      metadata: { name, namespace: "rdev", uid: name },
      spec: { containers: [] },
    });
    handler = (req) =>
      req.url.includes("continue=tok")
        ? { body: { kind: "PodList", apiVersion: "v1", metadata: {}, items: [pod("c")] } }
        : {
            body: {
              kind: "PodList",
              apiVersion: "v1",
              metadata: { continue: "tok" },
              items: [pod("a"), pod("b")],
            },
          };
    const pods = await cluster.listPods("rdev", "app=rdev-api");
    expect(pods.map((p) => p.name)).toEqual(["a", "b", "c"]);
    expect(seen.map((s) => s.url)).toEqual([
      "/api/v1/namespaces/rdev/pods?labelSelector=app%3Drdev-api&limit=2",
      "/api/v1/namespaces/rdev/pods?continue=tok&labelSelector=app%3Drdev-api&limit=2",
    ]);
    expect(requests).toHaveLength(2);
  });

  it("lists events in one namespace or across all, with the field selector", async () => {
    handler = () => ({ body: { kind: "EventList", apiVersion: "v1", metadata: {}, items: [] } });
    await cluster.listEvents("rdev", "reason=OOMKilling");
    await cluster.listEvents(null, "involvedObject.kind=Node");
    expect(seen.map((s) => s.url)).toEqual([
      "/api/v1/namespaces/rdev/events?fieldSelector=reason%3DOOMKilling&limit=2",
      "/api/v1/events?fieldSelector=involvedObject.kind%3DNode&limit=2",
    ]);
  });

  it("reads pod metrics from metrics.k8s.io and refuses a malformed body", async () => {
    handler = () => ({
      body: { kind: "PodMetricsList", apiVersion: "metrics.k8s.io/v1beta1", items: [{ oops: 1 }] },
    });
    const err = await cluster.podMetrics("rdev", "app=rdev-api").catch((e: unknown) => e);
    expect(seen[0]?.url).toBe(
      "/apis/metrics.k8s.io/v1beta1/namespaces/rdev/pods?labelSelector=app%3Drdev-api",
    );
    expect(err).toMatchObject({ code: "server", resource: "pods.metrics.k8s.io" });
    expect((err as KubeError).message).toContain("unexpected PodMetricsList");
  });
});

describe("proxyGet", () => {
  it("keeps the path's slashes and returns binary bodies byte for byte", async () => {
    const profile = gzipSync(Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]));
    handler = () => ({ type: "application/octet-stream", body: profile });
    const res = await cluster.proxyGet("rdev", "rdev-api-x", 8080, "/debug/pprof/heap?gc=1");
    expect(seen[0]?.url).toBe("/api/v1/namespaces/rdev/pods/rdev-api-x:8080/proxy/debug/pprof/heap?gc=1");
    expect(seen[0]?.auth).toBe("Bearer wire-token");
    expect(res.status).toBe(200);
    expect(res.contentType).toBe("application/octet-stream");
    expect(res.body.equals(profile)).toBe(true);
    expect(requests).toEqual([expect.objectContaining({ verb: "get", resource: "pods/proxy", status: 200 })]);
  });

  it("returns the pod's own error answers as data", async () => {
    handler = () => ({ status: 503, type: "text/plain", body: "not ready\n" });
    const res = await cluster.proxyGet("rdev", "rdev-api-x", 8080, "/ready");
    expect(res.status).toBe(503);
    expect(res.body.toString()).toBe("not ready\n");
  });

  it("throws the API server's refusals", async () => {
    handler = () => ({ status: 403, body: status(403, "Forbidden", 'cannot get resource "pods/proxy"') });
    await expect(cluster.proxyGet("rdev", "p", 8080, "/metrics")).rejects.toMatchObject({
      code: "forbidden",
      verb: "get",
      resource: "pods/proxy",
    });
    handler = () => ({ status: 404, body: status(404, "NotFound", 'pods "p" not found') });
    await expect(cluster.proxyGet("rdev", "p", 8080, "/metrics")).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("caps the body size", async () => {
    handler = () => ({ type: "text/plain", body: "x".repeat(1000) });
    await expect(cluster.proxyGet("rdev", "p", 8080, "/metrics", { maxBytes: 100 })).rejects.toMatchObject({
      code: "server",
      apiMessage: expect.stringContaining("larger than 100 bytes"),
    });
  });
});

describe("timeouts", () => {
  it("a slow answer beyond the per-call timeout is a timeout KubeError", async () => {
    handler = () => ({ body: deployment, delayMs: 500 });
    const err = await cluster.getDeployment("rdev", "rdev-api", { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "timeout", verb: "get", resource: "deployments.apps", status: null });
    expect(requests[0]).toMatchObject({ code: "timeout", status: null });
    const proxyErr = await cluster
      .proxyGet("rdev", "p", 8080, "/metrics", { timeoutMs: 50 })
      .catch((e: unknown) => e);
    expect(proxyErr).toMatchObject({ code: "timeout", resource: "pods/proxy" });
  });
});

describe("no server", () => {
  it("connection refused is a network KubeError naming the call", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const kc = kubeConfigFromString(`
current-context: c
clusters: [{ name: c, cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]
contexts: [{ name: c, context: { cluster: c, user: u } }]
users: [{ name: u, user: { token: t } }]
`);
    const seenHere: RequestInfo[] = [];
    const dead = createCluster(kc, { onRequest: (i) => seenHere.push(i) });
    const err = await dead.listPods("rdev", "app=rdev-api").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeError);
    expect(err).toMatchObject({
      code: "network",
      verb: "list",
      resource: "pods",
      status: null,
      transient: true,
    });
    expect((err as KubeError).message).toContain("ECONNREFUSED");
    await expect(dead.proxyGet("rdev", "p", 8080, "/ready")).rejects.toMatchObject({ code: "network" });
    expect(seenHere.map((i) => i.code)).toEqual(["network", "network"]);
  });
});
