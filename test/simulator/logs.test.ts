// pods/log: the simulated rdev-api's log behaves like the service's (SSE connections opening and
// closing with ids and client addresses, commands starting, writing and finishing, stats lines) for
// every scenario, and the kubelet's PodLogOptions (tail, since, previous, limit-bytes, timestamps)
// behave as the real kubectl sees them.

import { ManualClock } from "@rdev/bot/clock.ts";
import { type Simulator, startSimulator } from "@rdev/kube-sim/index.ts";
import type { ScenarioName } from "@rdev/kube-sim/workload/types.ts";
import { afterEach, describe, expect, it } from "vitest";
import { type Kubectl, kubectlFor } from "./support/kubectl.ts";

let sim: Simulator | undefined;
let kubectl: Kubectl | undefined;
afterEach(async () => {
  await kubectl?.cleanup();
  await sim?.close();
  sim = undefined;
  kubectl = undefined;
});

const T0 = Date.parse("2026-03-02T09:00:00Z");

async function start(scenario: ScenarioName) {
  sim = await startSimulator({ clock: new ManualClock(T0), scenario });
  return sim;
}

async function logOf(s: Simulator, pod: string, query = ""): Promise<{ status: number; text: string }> {
  const r = await fetch(`${s.url}/api/v1/namespaces/rdev/pods/${pod}/log${query}`, {
    headers: { authorization: `Bearer ${s.token}` },
  });
  return { status: r.status, text: await r.text() };
}

const lines = (text: string) => text.split("\n").filter(Boolean);
const field = (line: string, key: string) =>
  new RegExp(`(?:^| )${key}=("(?:[^"\\\\]|\\\\.)*"|\\S+)`).exec(line)?.[1];
const num = (line: string, key: string) => Number(field(line, key));
const timeOf = (line: string) => Date.parse(field(line, "time") ?? "");
const withMsg = (all: string[], msg: string) => all.filter((l) => l.includes(`msg="${msg}"`));

/** Connections opened and not closed in the log, by id. */
function openConnections(all: string[]): Map<string, string> {
  const open = new Map<string, string>();
  for (const l of withMsg(all, "SSE connection opened")) open.set(field(l, "conn_id") ?? "", l);
  for (const l of withMsg(all, "SSE connection closed")) open.delete(field(l, "conn_id") ?? "");
  return open;
}

describe("the simulated rdev-api's log, per scenario (9 minutes after start)", () => {
  it("every line is Go slog text: time, level, msg, then key=value attributes", async () => {
    const s = await start("steady");
    s.advance(9 * 60_000);
    const all = lines((await logOf(s, s.pods()[0]?.name ?? "")).text);
    expect(all.length).toBeGreaterThan(1000);
    for (const l of all)
      expect(l).toMatch(/^time=\S+Z level=(INFO|WARN|ERROR) msg=("[^"]+"|\S+)( \w+=\S.*)?$/);
    expect(all[0]).toMatch(/msg="rdev-api starting" addr=:8080 cache_ttl=5m$/);
    const times = all.map(timeOf);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("steady: every pod's open-not-closed connections are what its stats line says is active", async () => {
    const s = await start("steady");
    s.advance(9 * 60_000);
    for (const p of s.pods()) {
      const all = lines((await logOf(s, p.name)).text);
      const stats = withMsg(all, "SSE connection stats").at(-1) ?? "";
      const open = openConnections(all).size;
      expect(Math.abs(open - num(stats, "active")) / num(stats, "active")).toBeLessThan(0.1);
      const closed = withMsg(all, "SSE connection closed");
      expect(closed.length).toBeGreaterThan(100);
      expect(closed[0]).toMatch(
        /conn_id=sse-[0-9a-f]{8} client=198\.51\.100\.\d+:\d+ duration=\S+ reason="client closed"$/,
      );
    }
  });

  it("sse-leak: the leaking pod's stuck clients open streams that never close; they account for the gauge", async () => {
    const s = await start("sse-leak");
    s.advance(9 * 60_000);
    const leaking = s.pods().find((p) => p.podIndex === 0);
    const all = lines((await logOf(s, leaking?.name ?? "")).text);
    const open = [...openConnections(all).values()];
    const stuck = open.filter((l) => /client=203\.0\.113\.4[5-7]:/.test(l));
    expect(stuck.length).toBeGreaterThan(3000);
    expect(stuck.every((l) => l.includes("user_agent=rdev-cli/0.9.2"))).toBe(true);
    const closedStuck = withMsg(all, "SSE connection closed").filter((l) => l.includes("client=203.0.113."));
    expect(closedStuck).toEqual([]);
    const stats = withMsg(all, "SSE connection stats").at(-1) ?? "";
    expect(Math.abs(open.length - num(stats, "active")) / num(stats, "active")).toBeLessThan(0.05);
    // The oldest stuck stream opened 90 s after start, when the leak began.
    expect(timeOf(stuck[0] ?? "") - (leaking?.containers[0]?.startedAtMs ?? 0)).toBe(90_000);
    for (const peer of s.pods().filter((p) => p.podIndex !== 0)) {
      expect((await logOf(s, peer.name)).text).not.toContain("client=203.0.113.");
    }
  });

  it("large-output: a few commands never finish and their output lines keep growing", async () => {
    const s = await start("large-output");
    s.advance(9 * 60_000);
    const all = lines((await logOf(s, s.pods()[0]?.name ?? "")).text);
    const started = withMsg(all, "command started");
    expect(started.length).toBeGreaterThanOrEqual(4);
    expect(withMsg(all, "command finished")).toEqual([]);
    for (const c of started) {
      const id = field(c, "cmd_id");
      const progress = withMsg(all, "command output lines").filter((l) => field(l, "cmd_id") === id);
      const counts = progress.map((l) => num(l, "lines"));
      expect(counts.length).toBeGreaterThan(15);
      expect([...counts].sort((a, b) => a - b)).toEqual(counts);
      expect(counts.at(-1)).toBeGreaterThan(200_000);
    }
  });

  it("many-commands: commands started and not finished match commands_active", async () => {
    const s = await start("many-commands");
    s.advance(9 * 60_000);
    const all = lines((await logOf(s, s.pods()[0]?.name ?? "")).text);
    const running = new Set(withMsg(all, "command started").map((l) => field(l, "cmd_id")));
    for (const l of withMsg(all, "command finished")) running.delete(field(l, "cmd_id"));
    const stats = withMsg(all, "SSE connection stats").at(-1) ?? "";
    expect(Math.abs(running.size - num(stats, "commands_active"))).toBeLessThan(20);
    expect(running.size).toBeGreaterThan(250);
    const finished = withMsg(all, "command finished")[0] ?? "";
    expect(finished).toMatch(/exit_code=[01] duration=\S+s output_lines=\d+ output_bytes=\d+$/);
  });

  it("cache-growth: the cache stats lines show the entries growing", async () => {
    const s = await start("cache-growth");
    s.advance(4 * 60_000);
    const all = lines((await logOf(s, s.pods()[0]?.name ?? "")).text);
    const entries = withMsg(all, "project cache stats").map((l) => num(l, "entries"));
    expect(entries).toHaveLength(4);
    expect([...entries].sort((a, b) => a - b)).toEqual(entries);
    expect(entries.at(-1)).toBeGreaterThan(3000);
  });
});

describe("kubectl logs against the simulator (the runbook's greps)", () => {
  it('logs -l app=rdev-api | grep "SSE connection"; --tail, --since, --limit-bytes, --timestamps', async () => {
    const s = await start("sse-leak");
    s.advance(5 * 60_000);
    kubectl = await kubectlFor(s);
    const k = kubectl;
    const r = await k("-n", "rdev", "logs", "-l", "app=rdev-api", "--tail=50");
    expect(r.code).toBe(0);
    const got = lines(r.stdout);
    expect(got).toHaveLength(150);
    expect(got.filter((l) => l.includes("SSE connection")).length).toBeGreaterThan(50);

    const pod = s.pods()[0]?.name ?? "";
    const since = lines((await k("-n", "rdev", "logs", pod, "--since=60s")).stdout);
    const now = s.clock.now();
    expect(since.length).toBeGreaterThan(10);
    for (const l of since) expect(timeOf(l)).toBeGreaterThanOrEqual(now - 60_000);
    expect(lines((await k("-n", "rdev", "logs", pod)).stdout).length).toBeGreaterThan(since.length);

    const limited = await k("-n", "rdev", "logs", pod, "--limit-bytes=1000");
    expect(Buffer.byteLength(limited.stdout)).toBe(1000);
    expect(limited.stdout.startsWith("time=")).toBe(true);

    const stamped = lines((await k("-n", "rdev", "logs", pod, "--timestamps", "--tail=2")).stdout);
    expect(stamped).toHaveLength(2);
    for (const l of stamped) {
      const [stamp, rest] = [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)];
      expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      expect(Date.parse(stamp)).toBe(timeOf(rest));
    }
  });

  it("--previous after an OOM kill: the dead container's last lines, up to the kill", async () => {
    const s = await start("sse-leak");
    s.advance(14 * 60_000);
    kubectl = await kubectlFor(s);
    const oomed = s.pods().find((p) => p.restartCount > 0);
    expect(oomed?.containers[0]?.lastTerminationReason).toBe("OOMKilled");
    const killedAt = oomed?.containers[0]?.lastTerminatedAtMs ?? 0;
    const r = await kubectl("-n", "rdev", "logs", oomed?.name ?? "", "--previous", "--tail=20");
    expect(r.code).toBe(0);
    const last = lines(r.stdout);
    expect(last).toHaveLength(20);
    for (const l of last) expect(timeOf(l)).toBeLessThanOrEqual(killedAt);
    expect(killedAt - timeOf(last.at(-1) ?? "")).toBeLessThan(5_000);
    const current = lines((await kubectl("-n", "rdev", "logs", oomed?.name ?? "", "--tail=5000")).stdout);
    expect(timeOf(current[0] ?? "")).toBeGreaterThan(killedAt);
    const fresh = s.pods().find((p) => p.restartCount === 0)?.name ?? "";
    const none = await kubectl("-n", "rdev", "logs", fresh, "--previous");
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain("previous terminated container");
  });

  it("invalid options are refused like the API server does (422 PodLogOptions)", async () => {
    const s = await start("steady");
    const pod = s.pods()[0]?.name ?? "";
    const cases: [string, string][] = [
      ["?tailLines=-5", "tailLines: Invalid value: -5: must be greater than or equal to 0"],
      ["?limitBytes=0", "limitBytes: Invalid value: 0: must be greater than 0"],
      ["?sinceSeconds=0", "sinceSeconds: Invalid value: 0: must be greater than 0"],
      ["?sinceSeconds=5&sinceTime=2026-03-02T09:00:00Z", "at most one of `sinceTime` or `sinceSeconds`"],
    ];
    for (const [query, message] of cases) {
      const r = await logOf(s, pod, query);
      expect(r.status, query).toBe(422);
      expect(JSON.parse(r.text).message).toContain(`PodLogOptions "${pod}" is invalid: `);
      expect(JSON.parse(r.text).message).toContain(message);
    }
    const bad = await logOf(s, pod, "?tailLines=ten");
    expect(bad.status).toBe(400);
  });
});
