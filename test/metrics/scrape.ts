// Reading Prometheus metrics the way Prometheus does: the exposition text, parsed by an
// independent parser (parse-prometheus-text-format), with small lookups for assertions.
// That parser folds a histogram's samples into one and drops their labels (it only handles
// unlabelled histograms), so histogram TYPE lines are dropped first: each histogram then reads as
// its untyped series, <name>_bucket, <name>_sum and <name>_count, labels intact.
import parsePrometheusTextFormat, { type PrometheusFamily } from "parse-prometheus-text-format";
import type { Registry } from "prom-client";

export type Scrape = PrometheusFamily[];

export function parse(text: string): Scrape {
  return parsePrometheusTextFormat(text.replace(/^# TYPE \S+ histogram\n/gm, ""));
}

export async function scrapeUrl(url: string): Promise<Scrape> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  return parse(await res.text());
}

export async function scrapeRegistry(registry: Registry): Promise<Scrape> {
  return parse(await registry.metrics());
}

const matches = (labels: Record<string, string> | undefined, want: Record<string, string>) =>
  Object.entries(want).every(([k, v]) => labels?.[k] === v);

/** The value of a counter or gauge sample with these labels; 0 when absent (as a fresh counter is). */
// A histogram's untyped series come interleaved (buckets, sum, count per label set), so one name
// can head several families: search them all.
const samplesOf = (scrape: Scrape, name: string) =>
  scrape.filter((f) => f.name === name).flatMap((f) => f.metrics);

export function value(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  const sample = samplesOf(scrape, name).find((m) => matches(m.labels, labels));
  return sample?.value === undefined ? 0 : Number(sample.value);
}

/** Whether the family has a sample with these labels at all. */
export function has(scrape: Scrape, name: string, labels: Record<string, string> = {}): boolean {
  return samplesOf(scrape, name).some((m) => matches(m.labels, labels));
}

/** The observation count of a histogram sample with these labels; 0 when absent. */
export function histogramCount(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  return value(scrape, `${name}_count`, labels);
}
