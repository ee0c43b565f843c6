// Kubernetes resource.Quantity: parsing, validation and canonical formatting, exactly (BigInt),
// so "1024Mi" is stored as "1Gi" and "1.5G" as "1500M" like the real API server does.

/** The message the API server gives for a string that is not a quantity. */
export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

type Format = "BinarySI" | "DecimalSI" | "DecimalExponent";
type Parsed = { num: bigint; den: bigint; format: Format };

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

function parse(text: string): Parsed | null {
  const m = /^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/.exec(text);
  if (!m?.[2]) return null;
  const [intPart = "", fracPart = ""] = m[2].split(".");
  let num = BigInt(`${intPart || "0"}${fracPart}`);
  let den = 10n ** BigInt(fracPart.length);
  if (m[1] === "-") num = -num;
  const suffix = m[3] ?? "";
  let format: Format = "DecimalSI";
  const binary = BINARY[suffix];
  if (binary !== undefined) {
    num *= binary;
    format = "BinarySI";
  } else {
    let exp: number;
    if (/^[eE]/.test(suffix)) {
      exp = Number(suffix.slice(1));
      format = "DecimalExponent";
    } else {
      exp = DECIMAL[suffix] ?? 0;
    }
    if (Math.abs(exp) > 30) return null;
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den *= 10n ** BigInt(-exp);
  }
  return { num, den, format };
}

const abs = (n: bigint): bigint => (n < 0n ? -n : n);

function formatDecimal(num: bigint, den: bigint, format: Format): string {
  // Scale to nano units, rounding up (away from zero) like Quantity does below 1n.
  let nanos = (num * 10n ** 9n) / den;
  if ((num * 10n ** 9n) % den !== 0n) nanos += num > 0n ? 1n : -1n;
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

/** The canonical form the API server stores ("1024Mi" → "1Gi", "0.5" → "500m"), or null if invalid. */
export function canonicalQuantity(text: string): string | null {
  const q = parse(text.trim());
  if (!q) return null;
  if (q.format === "BinarySI" && q.num % q.den === 0n) {
    const value = q.num / q.den;
    if (abs(value) >= 1024n) return formatBinarySI(value);
  }
  return formatDecimal(q.num, q.den, q.format === "DecimalExponent" ? "DecimalExponent" : "DecimalSI");
}

/** The value of a quantity as a number (bytes for memory, cores for CPU), or null if invalid. */
export function quantityValue(text: string): number | null {
  const q = parse(text.trim());
  if (!q) return null;
  return Number(q.num) / Number(q.den);
}

/** Bytes as metrics-server renders them (canonical BinarySI: "126848Ki", "256Mi", or plain bytes). */
export function formatBytes(bytes: number): string {
  return formatBinarySI(BigInt(Math.round(bytes)));
}

/** CPU nanocores as metrics-server renders them ("1234567n", "5m"). */
export function formatNanoCores(nanoCores: number): string {
  const n = BigInt(Math.round(nanoCores));
  return formatDecimal(n, 10n ** 9n, "DecimalSI");
}
