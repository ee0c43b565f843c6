// The package ships no types. Shapes from its README and dist source (v1.1.1), matching prom2json:
// every number arrives as a string ("12", "3e2", "+Inf", "NaN").
declare module "parse-prometheus-text-format" {
  export type PrometheusLabels = Record<string, string>;
  export type PrometheusSample = {
    value?: string;
    labels?: PrometheusLabels;
    /** Histograms: upper bound -> cumulative count. */
    buckets?: Record<string, string>;
    /** Summaries: quantile -> value. */
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
    /** The sample's explicit timestamp (ms since the epoch), when the exposition has one. */
    timestamp_ms?: string;
  };
  export type PrometheusFamily = {
    name: string;
    help: string;
    type: "GAUGE" | "COUNTER" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
    metrics: PrometheusSample[];
  };
  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[];
}
