// Stack frames of the simulated rdev-api (Go 1.25) and the function names scenarios are known by.
import type { ScenarioName } from "./types.ts";

export type Frame = { function: string; file: string; line: number; startLine: number };

export const GO = "/usr/local/go/src";
export const RDEV = "/src";

export const frame = (fn: string, file: string, line: number, startLine = line - 12): Frame => ({
  function: fn,
  file,
  line,
  startLine,
});

/** Function names the scenarios are recognised by (tests and diagnostics match on these). */
export const HEAP_FUNCTIONS = {
  sseSubscribe: "github.com/rdev/rdev/internal/sse.(*Broker).Subscribe",
  bufioWriter: "bufio.NewWriterSize",
  connServe: "net/http.(*conn).serve",
  outputWrite: "github.com/rdev/rdev/internal/exec.(*OutputBuffer).Write",
  growSlice: "bytes.growSlice",
  runnerStart: "github.com/rdev/rdev/internal/exec.(*Runner).Start",
  cmdStart: "os/exec.(*Cmd).Start",
  cacheSet: "github.com/rdev/rdev/internal/cache.(*ProjectCache).Set",
  malg: "runtime.malg",
  jsonRefill: "encoding/json.(*Decoder).refill",
  flateNewWriter: "compress/flate.NewWriter",
} as const;

/**
 * Per scenario, the site `go tool pprof -top -sample_index=inuse_space` ranks first on a pod in
 * trouble: `leaf` is the flat top function, `frame` the rdev function in its stack that names the
 * cause. steady has no dominant site.
 */
export const SCENARIO_HEAP_SITES: Record<ScenarioName, { leaf: string; frame: string } | null> = {
  steady: null,
  "sse-leak": { leaf: HEAP_FUNCTIONS.sseSubscribe, frame: HEAP_FUNCTIONS.sseSubscribe },
  "large-output": { leaf: HEAP_FUNCTIONS.growSlice, frame: HEAP_FUNCTIONS.outputWrite },
  "many-commands": { leaf: HEAP_FUNCTIONS.runnerStart, frame: HEAP_FUNCTIONS.runnerStart },
  "cache-growth": { leaf: HEAP_FUNCTIONS.cacheSet, frame: HEAP_FUNCTIONS.cacheSet },
  "bad-rollout": { leaf: HEAP_FUNCTIONS.sseSubscribe, frame: HEAP_FUNCTIONS.sseSubscribe },
};

// Shared stack tails.
export const serve = [
  frame("net/http.HandlerFunc.ServeHTTP", `${GO}/net/http/server.go`, 2294),
  frame("net/http.serverHandler.ServeHTTP", `${GO}/net/http/server.go`, 3301),
  frame(HEAP_FUNCTIONS.connServe, `${GO}/net/http/server.go`, 2102),
];
export const runCommand = [
  frame(HEAP_FUNCTIONS.runnerStart, `${RDEV}/internal/exec/runner.go`, 142, 118),
  frame(
    "github.com/rdev/rdev/internal/api.(*Server).handleRunCommand",
    `${RDEV}/internal/api/commands.go`,
    57,
  ),
  ...serve,
];
export const copyOutput = [
  frame(HEAP_FUNCTIONS.outputWrite, `${RDEV}/internal/exec/output.go`, 61, 48),
  frame("io.copyBuffer", `${GO}/io/io.go`, 431),
  frame("os/exec.(*Cmd).writerDescriptor.func1", `${GO}/os/exec/exec.go`, 596),
];

export type Site = {
  stack: Frame[]; // leaf first
  objectBytes: number;
  /** Bytes allocated per second on top of what stays in use (freed garbage). */
  churnBytesPerSecond: number;
};
