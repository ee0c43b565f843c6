// Finds what the bot asks of Slack in its source: the Web API methods it calls on a WebClient
// (`slack.chat.postMessage(`, `deps.slackUpdates.chat\n.update(`, `client.apiCall("x.y")`), the
// Events API events it listens to (`app.event("message")`, `app.message(`) and whether it
// registers slash commands (`app.command(`).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const SRC_DIR = new URL("../../../packages/bot/src/", import.meta.url).pathname;

export function sourceFiles(dir: string = SRC_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => join(e.parentPath, e.name));
}

/** Removes comments (keeping string literals), so commented-out calls do not count. */
export function stripComments(code: string): string {
  return code.replace(
    /("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`)|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g,
    (m, str) => (str ? m : ""),
  );
}

// Receivers that hold a WebClient in this code base: deps.slack, deps.slackUpdates, Bolt's `client`.
const CALL = /\b(?:slack\w*|client|webClient)\s*\.\s*([a-z][a-zA-Z]*(?:\s*\.\s*[a-zA-Z][a-zA-Z0-9]*)+)\s*\(/g;
// files.uploadV2 is a WebClient method of its own (three Web API calls), not a dotted path.
const UPLOAD_V2 = /\b(?:slack\w*|client|webClient)\s*\.\s*filesUploadV2\s*\(/;
const API_CALL = /\.apiCall\(\s*["'`]([a-z][a-zA-Z.]+)["'`]/g;
const EVENT = /\bapp\s*\.\s*event\(\s*["'`]([a-z_.]+)["'`]/g;
const MESSAGE = /\bapp\s*\.\s*message\(/;
const COMMAND = /\bapp\s*\.\s*command\(/;

export type SlackUsage = { methods: Set<string>; events: Set<string>; slashCommands: boolean };

/**
 * Scans code. `isMethod` decides whether a dotted call path is a Web API method (rdev-chatops
 * passes a real WebClient's method lookup), so `slack.listener(...)`-like calls are not counted.
 */
export function scan(code: string, isMethod: (path: string) => boolean): SlackUsage {
  const text = stripComments(code);
  const methods = new Set<string>();
  for (const m of text.matchAll(CALL)) {
    const path = (m[1] ?? "").replace(/\s+/g, "");
    if (isMethod(path)) methods.add(path);
  }
  for (const m of text.matchAll(API_CALL)) methods.add(m[1] ?? "");
  if (UPLOAD_V2.test(text)) methods.add("files.uploadV2");
  const events = new Set([...text.matchAll(EVENT)].map((m) => m[1] ?? ""));
  if (MESSAGE.test(text)) events.add("message");
  return { methods, events, slashCommands: COMMAND.test(text) };
}

export function scanSources(isMethod: (path: string) => boolean, files = sourceFiles()): SlackUsage {
  const all: SlackUsage = { methods: new Set(), events: new Set(), slashCommands: false };
  for (const file of files) {
    const found = scan(readFileSync(file, "utf8"), isMethod);
    for (const m of found.methods) all.methods.add(m);
    for (const e of found.events) all.events.add(e);
    all.slashCommands ||= found.slashCommands;
  }
  return all;
}
