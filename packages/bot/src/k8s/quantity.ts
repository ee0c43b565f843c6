// Quantities read from the API server (limits, requests, metrics.k8s.io usage), through the one
// Kubernetes quantity parser (packages/bot/src/units/quantity.ts). Surrounding whitespace is dropped first, as
// Quantity's UnmarshalJSON does.
import { quantityNanos, quantityNumber, quantityValue } from "../units/quantity.ts";

/** The value of a quantity in base units ("500m" -> 0.5, "1Ki" -> 1024); null when malformed. */
export function parseQuantity(text: string): number | null {
  return quantityNumber(text.trim());
}

/** Bytes in a memory quantity, rounded up like Quantity.Value() ("512Mi" -> 536870912, "500m" -> 1); null when malformed. */
export function quantityToBytes(text: string): number | null {
  return quantityValue(text.trim());
}

/** Nanocores in a CPU quantity ("250m" -> 250000000, "12345n" -> 12345, "2" -> 2e9); null when malformed. */
export function quantityToNanoCores(text: string): number | null {
  return quantityNanos(text.trim());
}
