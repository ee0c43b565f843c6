// HTTP plumbing of the fake Slack: body reading/parsing as Slack accepts bodies, and replies.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Args } from "./methods.ts";

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a request body the way Slack accepts them; files in multipart bodies become Buffers. */
export async function parseArgs(contentType: string, body: Buffer): Promise<Args> {
  if (contentType.startsWith("application/json")) {
    const parsed: unknown = body.length ? JSON.parse(body.toString("utf8")) : {};
    return typeof parsed === "object" && parsed !== null ? (parsed as Args) : {};
  }
  if (contentType.startsWith("multipart/form-data")) {
    const form = await new Response(new Uint8Array(body), {
      headers: { "content-type": contentType },
    }).formData();
    const args: Args = {};
    for (const [key, value] of form.entries()) {
      args[key] = typeof value === "string" ? value : Buffer.from(await value.arrayBuffer());
    }
    return args;
  }
  return Object.fromEntries(new URLSearchParams(body.toString("utf8")));
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type":
      typeof body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
    ...headers,
  });
  res.end(text);
}
