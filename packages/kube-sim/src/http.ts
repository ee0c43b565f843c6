// Small HTTP helpers for the API server: request context, body parsing, replies.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestInfo } from "./request-info.ts";
import { ApiError, badRequest, type StatusBody } from "./status.ts";

export type Reply =
  | { kind: "json"; status: number; body: unknown }
  | {
      kind: "raw";
      status: number;
      body: Buffer | string;
      contentType: string;
      headers?: Record<string, string>;
    }
  | { kind: "handled" };

export const json = (body: unknown, status = 200): Reply => ({ kind: "json", status, body });

export type Ctx = {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  query: URLSearchParams;
  info: RequestInfo;
  accept: string;
  contentType: string;
  raw: Buffer;
  /** Simulated now for this request (after the world was synced). */
  now: number;
  /** Aborted when the client goes away or the simulator closes. */
  signal: AbortSignal;
};

export async function readBody(req: IncomingMessage, limit = 3 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit)
      throw new ApiError({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "Request entity too large: limit is 3145728",
        reason: "RequestEntityTooLarge",
        code: 413,
      });
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** The request body as JSON; a 400 Status (like the API server's decoder) when it is not. */
export function jsonBody(ctx: Ctx): unknown {
  const text = ctx.raw.toString("utf8").trim();
  if (text === "")
    throw badRequest(
      "the body of the request was in an unknown format - accepted media types include: application/json",
    );
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding request body: ${(err as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-cache, private",
  });
  res.end(text);
}

export function sendStatus(res: ServerResponse, body: StatusBody): void {
  sendJson(res, body.code, body);
}

export function send(res: ServerResponse, reply: Reply): void {
  if (reply.kind === "handled" || res.writableEnded) return;
  if (reply.kind === "json") {
    sendJson(res, reply.status, reply.body);
    return;
  }
  const body = typeof reply.body === "string" ? Buffer.from(reply.body) : reply.body;
  res.writeHead(reply.status, {
    "Content-Type": reply.contentType,
    "Content-Length": body.length,
    ...reply.headers,
  });
  res.end(body);
}
