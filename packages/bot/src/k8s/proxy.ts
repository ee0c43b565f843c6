// GET through the API server's pod proxy, returning raw bytes. client-node's
// connectGetNamespacedPodProxyWithPath URL-encodes the path's slashes and decodes the body as text
// (a gzipped pprof profile would be destroyed), so this builds the request itself and sends it with
// client-node's own auth (applySecurityAuthentication: tokens, exec plugins, client certs, CA,
// skip-TLS) and its own undici fetch.
//
// Status semantics: the pod's answer is data, whatever its status (a 503 from /ready means "not
// ready"; a 503 "error trying to reach service" from the API server means the same). Thrown as
// KubeError: 401 and 403 (the API server refused us: credentials or RBAC on pods/proxy), and a 404
// or 429 whose body is a metav1.Status (the API server says the pod does not exist, or throttles).
import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
} from "@kubernetes/client-node";
import { KubeError } from "./errors.ts";
import { type KubeCall, kubeErrorFromStatus } from "./to-kube-error.ts";
import type { ProxyResponse } from "./types.ts";

export const DEFAULT_MAX_PROXY_BYTES = 64 * 1024 * 1024;

/** /api/v1/namespaces/{ns}/pods/{pod}:{port}/proxy{path}, keeping the path's slashes and query. */
export function proxyPath(namespace: string, pod: string, port: number, path: string): string {
  if (!path.startsWith("/")) throw new TypeError(`proxy path must start with "/", got "${path}"`);
  const q = path.indexOf("?");
  const pathname = q === -1 ? path : path.slice(0, q);
  const query = q === -1 ? "" : path.slice(q);
  // Escape what a path segment may not contain; existing %XX escapes and "/" are kept.
  const encoded = pathname.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@%/]/g, (c) => encodeURIComponent(c));
  const target = `${encodeURIComponent(pod)}:${port}`;
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${target}/proxy${encoded}${query}`;
}

/** Whether a non-2xx proxy answer is the API server's own refusal (thrown) rather than the pod's (data). */
export function isApiServerRefusal(status: number, body: Buffer): boolean {
  if (status === 401 || status === 403) return true;
  if (status !== 404 && status !== 429) return false;
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    return typeof parsed === "object" && parsed !== null && (parsed as { kind?: unknown }).kind === "Status";
  } catch {
    return false;
  }
}

async function readCapped(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Buffer | null> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await stream.cancel().catch(() => undefined); // the cap is the error we report
      return null;
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, size);
}

export type ProxyRequest = {
  kc: KubeConfig;
  server: string;
  path: string;
  signal: AbortSignal;
  maxBytes: number;
  call: KubeCall;
  recordStatus: (status: number) => void;
};

export async function rawProxyGet(req: ProxyRequest): Promise<ProxyResponse> {
  const ctx = new RequestContext(`${req.server.replace(/\/+$/, "")}${req.path}`, HttpMethod.GET);
  ctx.setHeaderParam("Accept", "*/*");
  await req.kc.applySecurityAuthentication(ctx);
  ctx.setSignal(req.signal);
  const response = await new IsomorphicFetchHttpLibrary().send(ctx).toPromise();
  req.recordStatus(response.httpStatusCode);
  const body = await readCapped(response.body.stream(), req.maxBytes);
  if (body === null) {
    throw new KubeError({
      code: "server",
      status: response.httpStatusCode,
      verb: req.call.verb,
      resource: req.call.resource,
      namespace: req.call.namespace,
      name: req.call.name,
      apiMessage: `the response is larger than ${req.maxBytes} bytes; raise maxBytes if that is expected`,
    });
  }
  if (isApiServerRefusal(response.httpStatusCode, body)) {
    throw kubeErrorFromStatus(response.httpStatusCode, body, req.call);
  }
  return {
    status: response.httpStatusCode,
    contentType: response.headers["content-type"] ?? null,
    body,
  };
}
