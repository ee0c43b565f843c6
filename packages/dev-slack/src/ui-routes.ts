// The dev workspace's own routes on the fake Slack server: the page (GET /, its stylesheet and
// scripts), the acting user's view of the workspace (GET /ui/state), change notifications
// (GET /ui/events, server-sent events), uploaded files (GET /ui/files/<id>/<name>) and what the
// person at the page does (POST /ui/command, /ui/message, /ui/click, /ui/submit, /ui/close).
// POSTs must be JSON from this origin, so another web page cannot make the workspace act.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { clientModule } from "./assets.ts";
import type { UiState } from "./client/types.ts";
import { isInlineImage, mimeTypeOf } from "./files.ts";
import { readBody, send } from "./http.ts";
import { PAGE_CSP, PAGE_HTML } from "./page.ts";
import { STYLE } from "./style.ts";
import {
  ClickBody,
  CloseBody,
  CommandBody,
  MessageBody,
  SubmitBody,
  type UiActions,
  type UiResult,
} from "./ui-actions.ts";
import type { ExtraRoutes } from "./web-api.ts";
import type { Workspace } from "./workspace.ts";

export type UiRoutesOptions = {
  origin: string;
  workspace: Workspace;
  actions: UiActions;
  modules: Map<string, string>;
  state(user: string | null): UiState;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
};

const POSTS: Record<string, (a: UiActions, body: unknown) => Promise<UiResult>> = {
  command: (a, b) => a.command(parse(CommandBody, b)),
  message: (a, b) => a.message(parse(MessageBody, b)),
  click: (a, b) => a.click(parse(ClickBody, b)),
  submit: (a, b) => a.submit(parse(SubmitBody, b)),
  close: (a, b) => a.close(parse(CloseBody, b)),
};

class BadRequest extends Error {}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (!result.success)
    throw new BadRequest(result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return result.data;
}

function text(res: ServerResponse, contentType: string, body: string, headers: Record<string, string> = {}) {
  res.writeHead(200, { "content-type": contentType, "cache-control": "no-store", ...headers });
  res.end(body);
}

export function createUiRoutes(o: UiRoutesOptions): ExtraRoutes {
  const events = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    res.write(": connected\n\n");
    let pending = false;
    const stop = o.onChange(() => {
      if (pending) return;
      pending = true;
      setImmediate(() => {
        pending = false;
        res.write("event: change\ndata: {}\n\n");
      });
    });
    req.on("close", stop);
  };

  const file = (res: ServerResponse, id: string) => {
    const stored = o.workspace.files.get(id);
    if (!stored?.bytes) return send(res, 404, "file not found");
    const type = mimeTypeOf(stored.name);
    res.writeHead(200, {
      "content-type": type,
      "content-length": String(stored.bytes.length),
      "x-content-type-options": "nosniff",
      "content-disposition": `${isInlineImage(type) ? "inline" : "attachment"}; filename="${stored.name.replace(/[^\w.-]/g, "_")}"`,
    });
    res.end(stored.bytes);
  };

  const post = async (req: IncomingMessage, res: ServerResponse, name: string) => {
    const handler = POSTS[name];
    const origin = req.headers.origin;
    if (!handler) return send(res, 404, { ok: false, error: "not found" });
    if (
      !(req.headers["content-type"] ?? "").startsWith("application/json") ||
      (origin && origin !== o.origin)
    )
      return send(res, 403, { ok: false, error: "only the dev workspace page may post here" });
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)).toString("utf8"));
    } catch {
      return send(res, 400, { ok: false, error: "invalid JSON" });
    }
    try {
      send(res, 200, await handler(o.actions, body));
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      send(res, 400, { ok: false, error: error.message });
    }
  };

  return (req, res, url) => {
    const path = url.pathname;
    if (req.method === "GET") {
      if (path === "/")
        return Promise.resolve(
          text(res, "text/html; charset=utf-8", PAGE_HTML, {
            "content-security-policy": PAGE_CSP,
            "x-content-type-options": "nosniff",
          }),
        );
      if (path === "/ui/style.css") return Promise.resolve(text(res, "text/css; charset=utf-8", STYLE));
      if (path.startsWith("/ui/client/")) {
        const source = clientModule(o.modules, path.slice("/ui/client/".length));
        return Promise.resolve(
          source === undefined
            ? send(res, 404, "no such module")
            : text(res, "text/javascript; charset=utf-8", source),
        );
      }
      if (path === "/ui/state") return Promise.resolve(send(res, 200, o.state(url.searchParams.get("user"))));
      if (path === "/ui/events") return Promise.resolve(events(req, res));
      const fileMatch = /^\/ui\/files\/([A-Z0-9]+)(\/.*)?$/.exec(path);
      if (fileMatch) return Promise.resolve(file(res, fileMatch[1] ?? ""));
    }
    if (req.method === "POST" && path.startsWith("/ui/")) return post(req, res, path.slice("/ui/".length));
    return null;
  };
}
