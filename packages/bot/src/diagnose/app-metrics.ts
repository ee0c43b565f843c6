// Reads the rdev-api gauges out of a Prometheus text exposition. Pure.
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { APP_METRIC_KEYS, type AppMetricKey, type AppMetrics } from "./types.ts";

export function emptyAppMetrics(): AppMetrics {
  return Object.fromEntries(APP_METRIC_KEYS.map((k) => [k, null])) as AppMetrics;
}

/**
 * The value of each configured metric: the sum over its series (a gauge split by label, such as
 * SSE streams per route, is counted whole). Missing or non-finite metrics are null. Throws an Error
 * that says what was received when the text is not a Prometheus exposition at all.
 */
export function parseAppMetrics(text: string, names: Record<AppMetricKey, string>): AppMetrics {
  let families: ReturnType<typeof parsePrometheusTextFormat>;
  try {
    families = parsePrometheusTextFormat(text);
  } catch (error) {
    throw new Error(`not Prometheus text format (${(error as Error).message}); check RDEV_METRICS_PATH`, {
      cause: error,
    });
  }
  const byName = new Map(families.map((f) => [f.name, f]));
  const out = emptyAppMetrics();
  for (const key of APP_METRIC_KEYS) {
    const family = byName.get(names[key]);
    if (!family || family.type === "HISTOGRAM" || family.type === "SUMMARY") continue;
    let sum = 0;
    let seen = false;
    for (const sample of family.metrics) {
      const value = Number(sample.value);
      if (sample.value === undefined || sample.value === "" || !Number.isFinite(value)) continue;
      sum += value;
      seen = true;
    }
    out[key] = seen ? sum : null;
  }
  return out;
}

/** True when none of the configured metrics were found (renamed metrics, wrong path). */
export function noKnownMetrics(metrics: AppMetrics): boolean {
  return APP_METRIC_KEYS.every((k) => metrics[k] === null);
}
