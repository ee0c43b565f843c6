// Kubernetes resource.Quantity parsing (the grammar of k8s.io/apimachinery/pkg/api/resource):
//   <signedNumber><suffix>, suffix = binarySI (Ki Mi Gi Ti Pi Ei) | decimalSI (n u m "" k M G T P E)
//                                   | decimalExponent (e<int> | E<int>)
// "1E" is one exa; "1E3" is a thousand. Pure functions, table-tested.

const SUFFIX: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

/** The value of a quantity in base units ("500m" -> 0.5, "1Ki" -> 1024); null when malformed. */
export function parseQuantity(text: string): number | null {
  const m = QUANTITY.exec(text.trim());
  if (!m?.[1]) return null;
  const mantissa = Number(m[1]);
  if (m[3] !== undefined) return mantissa * 10 ** Number(m[3]);
  const factor = SUFFIX[m[2] ?? ""];
  return factor === undefined ? null : mantissa * factor;
}

/** Rounds up like Quantity.Value(), tolerating float noise ("0.1Gi"*3 is not one byte more). */
function ceilInteger(value: number): number {
  const rounded = Math.round(value);
  return Math.abs(value - rounded) < 1e-6 ? rounded : Math.ceil(value);
}

/** Bytes in a memory quantity ("512Mi" -> 536870912, "1G" -> 1e9, "500m" -> 1); null when malformed. */
export function quantityToBytes(text: string): number | null {
  const value = parseQuantity(text);
  return value === null ? null : ceilInteger(value);
}

/** Nanocores in a CPU quantity ("250m" -> 250000000, "12345n" -> 12345, "2" -> 2e9); null when malformed. */
export function quantityToNanoCores(text: string): number | null {
  const value = parseQuantity(text);
  return value === null ? null : ceilInteger(value * 1e9);
}
