// Shared helpers for benchmarks. Each benchmark is bench/<name>.bench.ts: it measures its subject
// and a baseline in the same run (these machines are noisy, so only ratios mean much) and calls
// writeResult. bench/run.ts runs them all and writes bench/results/SUMMARY.md.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "results");

/** Nearest-rank percentile of a list of numbers (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function summarise(values: readonly number[]): {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
} {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return {
    n: values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: percentile(values, 100),
    mean,
  };
}

/** Milliseconds taken by fn, measured with the high-resolution clock. */
export async function timeMs<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Writes bench/results/<name>.json and <name>.md. `markdown` is a section for the summary. */
export async function writeResult(name: string, data: unknown, markdown: string): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamped = { benchmark: name, measuredAt: new Date().toISOString(), node: process.version, data };
  await writeFile(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(stamped, null, 2)}\n`);
  await writeFile(join(RESULTS_DIR, `${name}.md`), `${markdown.trim()}\n`);
}

/** Renders rows as a Markdown table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}
