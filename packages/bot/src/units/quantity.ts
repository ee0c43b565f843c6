// The one quantity parser: Kubernetes' resource.Quantity (k8s.io/apimachinery/pkg/api/resource,
// ParseQuantity and parseQuantityString), exactly, on integer nano-units (BigInt):
//   <signedNumber><suffix>; number: digits | digits.digits | digits. | .digits
//   suffix: binarySI Ki Mi Gi Ti Pi Ei | decimalSI n u m "" k M G T P E | decimalExponent e<int> E<int>
// "1E" is one exa, "1E3" a thousand, "1e-3" a thousandth. Like Kubernetes, values are rounded up
// (away from zero) to 1n, and values past ParseQuantity's int64 fast path are capped at 2^63-1
// (DecimalSI and BinarySI). Two deliberate differences, both refusals: a quantity needs a digit
// (Kubernetes reads a bare "Mi", "k", "-" or "." as zero, kubernetes/apimachinery#165), and
// exponents beyond ±1000 (Kubernetes keeps them as arbitrary-precision decimals; nobody means
// them, and 10^huge would stall the process).
// Also the canonical form the API server writes back ("1024Mi" -> "1Gi", "0.5" -> "500m").
// Pure; table-tested against apimachinery's own cases (test/units/quantity.test.ts).

export type QuantityFormat = "BinarySI" | "DecimalSI" | "DecimalExponent";
/** A parsed quantity: its value in nano-units (1 = 1e-9 of the base unit) and its format. */
export type Quantity = { nanos: bigint; format: QuantityFormat };

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const SUFFIX_CHARS = "eEinumkKMGTP";
const MAX_EXPONENT = 1000;
const NANO = 1_000_000_000n;
const MAX_NANOS = ((1n << 63n) - 1n) * NANO;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

/** parseQuantityString: sign, integer and fraction digits, and the suffix text; null on a bad form. */
function split(str: string): { negative: boolean; int: string; frac: string; suffix: string } | null {
  let pos = 0;
  let negative = false;
  if (str[0] === "-" || str[0] === "+") {
    negative = str[0] === "-";
    pos++;
  }
  const intStart = pos;
  while (isDigit(str[pos])) pos++;
  const int = str.slice(intStart, pos);
  let frac = "";
  if (str[pos] === ".") {
    pos++;
    const fracStart = pos;
    while (isDigit(str[pos])) pos++;
    frac = str.slice(fracStart, pos);
  }
  const suffixStart = pos;
  while (pos < str.length && SUFFIX_CHARS.includes(str[pos] as string)) pos++;
  if (str[pos] === "-" || str[pos] === "+") pos++;
  while (isDigit(str[pos])) pos++;
  if (pos !== str.length) return null;
  if (int === "" && frac === "") return null; // a digit is required (apimachinery#165)
  return { negative, int, frac, suffix: str.slice(suffixStart) };
}

/** Divides rounding away from zero (inf.RoundUp). */
function divUp(num: bigint, den: bigint): bigint {
  const q = num / den;
  return num % den === 0n ? q : q + (num < 0n ? -1n : 1n);
}

/**
 * ParseQuantity's fast path (an int64 mantissa at a scale of at least 1n): values it takes are kept
 * as they are, even above 2^63-1 ("12E"); only the others are capped ("9Ei", 20-digit numbers).
 */
function exactInInt64(
  parts: { int: string; frac: string },
  format: QuantityFormat,
  exp10: number,
  factor: bigint,
): boolean {
  const num = parts.int.replace(/^0+/, "") || "0";
  if (format === "BinarySI") {
    if (parts.frac !== "") return false;
    const exponent = factor.toString(2).length - 1;
    const precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
    return precision >= 0 && BigInt(num) * factor <= (1n << 63n) - 1n;
  }
  const precision = 18 - (num.length + parts.frac.length);
  return precision >= 0 && exp10 - parts.frac.length >= -9;
}

/** Kubernetes' ParseQuantity; null where it returns an error (or for an exponent beyond ±1000). */
export function parseQuantity(text: string): Quantity | null {
  if (text === "") return null;
  if (text === "0") return { nanos: 0n, format: "DecimalSI" };
  const parts = split(text);
  if (!parts) return null;
  let format: QuantityFormat;
  let exp10 = 0;
  let factor = 1n;
  const { suffix } = parts;
  if (DECIMAL[suffix] !== undefined) {
    format = "DecimalSI";
    exp10 = DECIMAL[suffix];
  } else if (BINARY[suffix] !== undefined) {
    format = "BinarySI";
    factor = BINARY[suffix];
  } else if (
    suffix.length > 1 &&
    (suffix[0] === "e" || suffix[0] === "E") &&
    /^[+-]?\d+$/.test(suffix.slice(1))
  ) {
    format = "DecimalExponent";
    exp10 = Number(suffix.slice(1));
    if (Math.abs(exp10) > MAX_EXPONENT) return null;
  } else return null;
  // value = int.frac * factor * 10^exp10, in nanos, rounded up to 1n.
  let num = BigInt(`${parts.int}${parts.frac}` || "0") * factor * NANO;
  let den = 10n ** BigInt(parts.frac.length);
  if (exp10 >= 0) num *= 10n ** BigInt(exp10);
  else den *= 10n ** BigInt(-exp10);
  let nanos = divUp(num, den);
  if (format !== "DecimalExponent" && !exactInInt64(parts, format, exp10, factor) && nanos > MAX_NANOS)
    nanos = MAX_NANOS;
  return { nanos: parts.negative ? -nanos : nanos, format };
}

/** The value in base units as a number ("500m" -> 0.5, "1Ki" -> 1024); null when malformed. */
export function quantityNumber(text: string): number | null {
  const q = parseQuantity(text);
  return q === null ? null : Number(q.nanos / NANO) + Number(q.nanos % NANO) / 1e9;
}

/** Quantity.Value(): whole base units, rounded up ("512Mi" -> 536870912, "500m" -> 1); null when malformed. */
export function quantityValue(text: string): number | null {
  const q = parseQuantity(text);
  return q === null ? null : Number(divUp(q.nanos, NANO));
}

/** The value in nano-units as a number ("250m" -> 250000000, "2" -> 2e9); null when malformed. */
export function quantityNanos(text: string): number | null {
  const q = parseQuantity(text);
  return q === null ? null : Number(q.nanos);
}

const abs = (n: bigint): bigint => (n < 0n ? -n : n);

function formatDecimal(nanos: bigint, format: QuantityFormat): string {
  if (nanos === 0n) return "0";
  let exp = -9;
  let mantissa = nanos;
  while (mantissa % 1000n === 0n && exp < 18) {
    mantissa /= 1000n;
    exp += 3;
  }
  if (format === "DecimalExponent") return exp === 0 ? `${mantissa}` : `${mantissa}e${exp}`;
  const suffix = Object.entries(DECIMAL).find(([, e]) => e === exp)?.[0] ?? "";
  return `${mantissa}${suffix}`;
}

function formatBinarySI(value: bigint): string {
  if (abs(value) < 1024n) return `${value}`;
  let mantissa = value;
  let i = 0;
  const suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
  while (mantissa % 1024n === 0n && i < suffixes.length - 1) {
    mantissa /= 1024n;
    i++;
  }
  return `${mantissa}${suffixes[i]}`;
}

/** The canonical form the API server stores ("1024Mi" -> "1Gi", "0.5" -> "500m"), or null if invalid. */
export function canonicalQuantity(text: string): string | null {
  const q = parseQuantity(text);
  if (!q) return null;
  if (q.format === "BinarySI" && q.nanos % NANO === 0n && abs(q.nanos / NANO) >= 1024n)
    return formatBinarySI(q.nanos / NANO);
  return formatDecimal(q.nanos, q.format === "DecimalExponent" ? "DecimalExponent" : "DecimalSI");
}

/** Bytes as metrics-server renders them (canonical BinarySI: "126848Ki", "256Mi", or plain bytes). */
export function formatBytesQuantity(bytes: number): string {
  return formatBinarySI(BigInt(Math.round(bytes)));
}

/** CPU nanocores as metrics-server renders them ("1234567n", "5m"). */
export function formatNanoCores(nanoCores: number): string {
  return formatDecimal(BigInt(Math.round(nanoCores)), "DecimalSI");
}
