// The Prometheus HTTP API's answer to /api/v1/query_range, parsed at the boundary.
import { z } from "zod";

/** [unix seconds, value as a string ("123", "NaN", "+Inf")]. */
const SamplePair = z.tuple([z.number(), z.string()]);

export const MatrixSeries = z.object({
  metric: z.record(z.string(), z.string()),
  values: z.array(SamplePair),
});
export type MatrixSeries = z.infer<typeof MatrixSeries>;

export const PrometheusSuccess = z.object({
  status: z.literal("success"),
  data: z.object({ resultType: z.string(), result: z.array(z.unknown()) }),
  warnings: z.array(z.string()).optional(),
});

export const PrometheusFailure = z.object({
  status: z.literal("error"),
  errorType: z.string().default("unknown"),
  error: z.string().default(""),
});

export const PrometheusResponse = z.discriminatedUnion("status", [PrometheusSuccess, PrometheusFailure]);
export type PrometheusResponse = z.infer<typeof PrometheusResponse>;

export const Matrix = z.array(MatrixSeries);
export type Matrix = z.infer<typeof Matrix>;

/** A sample's value as a number; NaN and infinities (stale or broken series) are null. */
export function sampleValue(text: string): number | null {
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}
