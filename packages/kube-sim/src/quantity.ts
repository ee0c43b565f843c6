// Kubernetes resource.Quantity for the simulated API server: the one parser and its canonical form
// (packages/bot/src/units/quantity.ts), so "1024Mi" is stored as "1Gi" and "1.5G" as "1500M" like the real API
// server does, plus the API server's error text for a string that is not a quantity.
import * as units from "@rdev/bot/units/quantity.ts";

/** The message the API server gives for a string that is not a quantity. */
export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** The canonical form the API server stores ("1024Mi" → "1Gi", "0.5" → "500m"), or null if invalid. */
export function canonicalQuantity(text: string): string | null {
  return units.canonicalQuantity(text.trim());
}

/** The value of a quantity as a number (bytes for memory, cores for CPU), or null if invalid. */
export function quantityValue(text: string): number | null {
  return units.quantityNumber(text.trim());
}

/** Bytes as metrics-server renders them (canonical BinarySI: "126848Ki", "256Mi", or plain bytes). */
export const formatBytes = units.formatBytesQuantity;

/** CPU nanocores as metrics-server renders them ("1234567n", "5m"). */
export const formatNanoCores = units.formatNanoCores;
