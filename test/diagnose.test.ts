// The CLI, spawned as a separate process against a simulator started in this test.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "@rdev/bot/clock.ts";
import type { Diagnosis } from "@rdev/bot/diagnose/types.ts";
import { exitCodeFor } from "@rdev/bot/diagnose-cli.ts";
import { type Simulator, startSimulator } from "@rdev/kube-sim/index.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { criticalSseLeak, forbidden, healthy, metricsServerMissing } from "./support/diagnosis-fixtures.ts";

const ROOT = join(import.meta.dirname, "..");

function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(ROOT, "packages/bot/src/diagnose-cli.ts"), ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("exitCodeFor", () => {
  it.each([
    ["ok", healthy(), 0],
    ["critical", criticalSseLeak(), 2],
    ["unknown (metrics-server missing)", metricsServerMissing(), 3],
    ["error", forbidden(), 3],
  ] as [string, Diagnosis, number][])("%s -> %i", (_, d, code) => expect(exitCodeFor(d)).toBe(code));
});

describe("npm run diagnose", () => {
  let dir: string;
  const sims: Simulator[] = [];

  async function simulator(scenario: "steady" | "sse-leak", minutes: number): Promise<string> {
    const sim = await startSimulator({ scenario, clock: new ManualClock() });
    sims.push(sim);
    sim.advance(minutes * 60_000);
    const path = join(dir, `${scenario}-${sims.length}.kubeconfig`);
    await sim.writeKubeconfig(path);
    return path;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rdev-diagnose-"));
  });
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the report and exits 0 for a healthy workload", async () => {
    const kubeconfig = await simulator("steady", 2);
    const r = await run(["--kubeconfig", kubeconfig]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^rdev\/rdev-api {2}OK {2}\(High Memory Usage runbook/);
    expect(r.stdout).toContain("Nothing to explain");
  });

  it("exits 1 on a warning, names the cause, and takes KUBECONFIG from the environment", async () => {
    const kubeconfig = await simulator("sse-leak", 9);
    const r = await run([], { KUBECONFIG: kubeconfig });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("1. SSE connection leak");
    // The same log and Traefik evidence as the thread.
    expect(r.stdout).toMatch(/\nLOGS \(worst pods; since 15m, tail 20,000 lines/);
    expect(r.stdout).toMatch(
      /SSE [\d,]+ opened, [\d,]+ closed, [\d,]+ open, oldest \S+, [\d,]+ stuck from 203\.0\.113\./,
    );
    expect(r.stdout).toMatch(
      /SSE connections opened and never closed since the container started by 3 client\(s\)/,
    );
    expect(r.stdout).toContain("\nTRAEFIK\n");
    expect(r.stdout).toContain(
      "fix: ServersTransport rdev/rdev-api-sse: spec.forwardingTimeouts.idleConnTimeout → 90s",
    );
    expect(r.stdout).toContain("apply: ServersTransport rdev/rdev-api-sse");
    expect(r.stdout).toMatch(
      /\$ kubectl -n rdev logs -l app=rdev-api \| grep "SSE connection" \| tail -50 \(reference/,
    );
  });

  it("prints JSON with --json and saves the heap profile with --save-heap", async () => {
    const kubeconfig = await simulator("sse-leak", 11);
    const heapFile = join(dir, "heap.pb.gz");
    const r = await run(["--kubeconfig", kubeconfig, "--json", "--save-heap", heapFile]);
    expect(r.code).toBe(2);
    const d = JSON.parse(r.stdout) as Diagnosis;
    expect(d.severity).toBe("critical");
    expect(d.heap?.status).toBe("captured");
    expect(r.stderr).toMatch(/^heap profile of rdev-api-\S+ written to /);
    expect((await readFile(heapFile)).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it("flags override the configuration: a namespace with no pods cannot be judged (exit 3)", async () => {
    const kubeconfig = await simulator("steady", 1);
    const r = await run(["--kubeconfig", kubeconfig, "--namespace", "elsewhere"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("No pods match app=rdev-api in namespace elsewhere.");
    expect(r.stderr).toMatch(/^error: memory could not be judged/);
  });

  it("exits 3 with a clear message for bad input", async () => {
    const missing = await run(["--kubeconfig", join(dir, "nope.kubeconfig")]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(
      /the kubeconfig file ".*nope\.kubeconfig" \(from KUBECONFIG\) does not exist/,
    );
    const badFlag = await run(["--replicas", "3"]);
    expect(badFlag.code).toBe(3);
    expect(badFlag.stderr).toMatch(/Unknown option '--replicas'\. Run with --help for usage\./);
    const badSelector = await run(["--selector", "app rdev"]);
    expect(badSelector.code).toBe(3);
    expect(badSelector.stderr).toMatch(/RDEV_SELECTOR: must be a label selector/);
  });

  it("--help exits 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Exit code: 0 ok, 1 warning, 2 critical, 3 error or memory unknown.");
  });
});
