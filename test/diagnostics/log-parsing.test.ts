// Table-driven tests of the pure parts: slog text and JSON lines, the log window (a line cut by
// limitBytes is dropped), stuck clients, runaway commands, and which Traefik route carries a path.

import { parseLog, summariseCommands, summariseSse } from "@rdev/bot/diagnose/logs/analyse-log.ts";
import { hostOf, parseLogLine } from "@rdev/bot/diagnose/logs/parse-line.ts";
import { proposedWriteTimeout } from "@rdev/bot/diagnose/traefik/analyse-traefik.ts";
import { durationMs, routesToService } from "@rdev/bot/diagnose/traefik/routes.ts";
import { RDEV_LOG_PATTERNS as P } from "@rdev/bot/runbooks/high-memory/logs.ts";
import { describe, expect, it } from "vitest";

describe("parseLogLine", () => {
  it.each([
    [
      'time=2026-01-01T00:00:01.000Z level=INFO msg="SSE connection opened" conn_id=sse-1 client=203.0.113.45:5000 user_agent="a b"',
      { msg: "SSE connection opened", conn_id: "sse-1", user_agent: "a b" },
    ],
    [
      '{"time":"2026-01-01T00:00:01Z","msg":"command started","cmd_id":"cmd-1","lines":3}',
      { msg: "command started", lines: "3" },
    ],
    [
      '2026-01-01T00:00:01.000000000Z time=2026-01-01T00:00:01.000Z level=INFO msg=x escaped="a \\"q\\""',
      { msg: "x", escaped: 'a "q"' },
    ],
  ])("%s", (line, want) => {
    const e = parseLogLine(line);
    expect(e.timeMs).toBe(Date.parse("2026-01-01T00:00:01Z"));
    for (const [k, v] of Object.entries(want)) expect(e.attrs.get(k)).toBe(v);
  });

  it("keeps unstructured text without fields", () => {
    expect(parseLogLine("panic: runtime error").msg).toBeNull();
  });

  it.each([
    ["203.0.113.45:5000", "203.0.113.45"],
    ["[2001:db8::1]:443", "2001:db8::1"],
    ["unix", "unix"],
  ])("hostOf(%s) = %s", (a, b) => expect(hostOf(a)).toBe(b));
});

const line = (t: number, msg: string, attrs: string) =>
  `time=${new Date(Date.UTC(2026, 0, 1, 0, 0, t)).toISOString()} level=INFO msg="${msg}" ${attrs}\n`;
const NOW = Date.UTC(2026, 0, 1, 0, 10, 0);

describe("log window and summaries", () => {
  it("drops the last line limitBytes cut, and says so", () => {
    const text = `${line(1, "rdev-api starting", "addr=:8080")}${line(2, "x", "a=1")}time=2026-01-01T00:00`;
    const { entries, window } = parseLog(
      text,
      100,
      { tailLines: 1000, limitBytes: 100 },
      "rdev-api starting",
    );
    expect(entries).toHaveLength(2);
    expect(window).toMatchObject({ lines: 2, fromStart: true, cutBy: "limitBytes" });
  });

  it("stuck clients open many and close none; a client that closes is not stuck", () => {
    let text = "";
    for (let i = 0; i < 12; i++)
      text += line(10 + i, P.sse.opened, `conn_id=s${i} client=203.0.113.9:${1000 + i} user_agent=bad/1`);
    for (let i = 0; i < 12; i++)
      text += line(30 + i, P.sse.opened, `conn_id=n${i} client=198.51.100.1:${2000 + i}`);
    text += line(50, P.sse.closed, "conn_id=n0 client=198.51.100.1:2000 duration=20s");
    text += line(55, P.sse.stats, "active=23");
    const { entries } = parseLog(text, text.length, { tailLines: 1000, limitBytes: 1e9 }, null);
    const s = summariseSse(entries, P, NOW);
    expect(s).toMatchObject({
      opened: 24,
      closed: 1,
      open: 23,
      stuck: 12,
      longestClosedMs: 20_000,
      path: null,
    });
    expect(s?.stuckClients).toEqual([
      { client: "203.0.113.9", userAgent: "bad/1", open: 12, oldestAgeMs: 590_000 },
    ]);
  });

  it("a runaway command: still running, 100k+ lines, 3x the largest finished one", () => {
    const text =
      line(1, P.commands.started, 'cmd_id=c1 argv="yes"') +
      line(31, P.commands.progress, "cmd_id=c1 lines=150000 bytes=1") +
      line(2, P.commands.started, 'cmd_id=c2 argv="make"') +
      line(40, P.commands.finished, "cmd_id=c2 exit_code=0 output_lines=40000 output_bytes=1") +
      line(3, P.commands.started, 'cmd_id=c3 argv="npm ci"') +
      line(33, P.commands.progress, "cmd_id=c3 lines=110000 bytes=1");
    const { entries } = parseLog(text, text.length, { tailLines: 1000, limitBytes: 1e9 }, null);
    const c = summariseCommands(entries, P, NOW);
    expect(c?.runaway.map((x) => x.id)).toEqual(["c1"]);
    expect(c).toMatchObject({
      started: 3,
      finished: 1,
      running: 2,
      outputLineEntries: 3,
      largestFinishedLines: 40000,
    });
  });
});

describe("Traefik routes and durations", () => {
  it.each([
    ["90s", 90_000],
    ["1m30s", 90_000],
    ["0s", 0],
    ["0", 0],
    ["45", 45_000],
    ["soon", null],
  ])("durationMs(%s) = %s", (v, ms) => expect(durationMs(v)).toBe(ms));

  it.each([
    [null, "1h"],
    [9 * 60_000, "10m"],
    [29 * 60_000, "30m"],
    [10 * 3_600_000, "4h"],
  ])("proposedWriteTimeout(%s) = %s", (ms, want) => expect(proposedWriteTimeout(ms)).toBe(want));

  it("the SSE route is the longest path rule matching the streams' path; other services are ignored", () => {
    const svc = (serversTransport: string | null) => ({
      name: "rdev-api",
      namespace: null,
      port: 8080,
      serversTransport,
    });
    const { routes } = routesToService({
      namespace: "rdev",
      service: "rdev-api",
      ingresses: [],
      ingressRoutes: [
        {
          namespace: "rdev",
          name: "r",
          entryPoints: ["websecure"],
          routes: [
            { match: "Host(`a`) && PathPrefix(`/api`)", services: [svc(null)] },
            { match: "Host(`a`) && PathPrefix(`/api/v1/events`)", services: [svc("t")] },
            { match: "Host(`a`) && PathPrefix(`/api/v1/eventsx`)", services: [svc(null)] },
            { match: "PathPrefix(`/`)", services: [{ ...svc(null), name: "web" }] },
          ],
        },
      ],
      transports: [{ namespace: "rdev", name: "t", forwardingTimeouts: { idleConnTimeout: "0s" } }],
      ssePath: "/api/v1/events",
    });
    expect(routes.map((r) => [r.rule, r.carriesSse])).toEqual([
      ["Host(`a`) && PathPrefix(`/api`)", false],
      ["Host(`a`) && PathPrefix(`/api/v1/events`)", true],
      ["Host(`a`) && PathPrefix(`/api/v1/eventsx`)", false],
    ]);
    expect(routes[1]?.timeouts.find((t) => t.field === "idleConnTimeout")).toMatchObject({
      value: "0s",
      source: "set",
    });
    expect(routes[0]?.timeouts.find((t) => t.field === "idleConnTimeout")).toMatchObject({
      value: "90s",
      source: "default",
    });
  });
});
