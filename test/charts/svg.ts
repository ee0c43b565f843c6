// Reads what the chart drew back out of ECharts' SVG: text elements (entity-decoded, with their
// anchor position) and paths (d, stroke, dash). Regex is enough: ECharts' SSR output is flat.

export type SvgText = { text: string; x: number; y: number; fill: string | null; rotated: boolean };
export type SvgPath = { d: string; stroke: string | null; dashed: boolean; fill: string | null };

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#39": "'" };

export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#39);/g, (_, name: string) => ENTITIES[name] ?? "");
}

function attributes(raw: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of raw.matchAll(/([\w:-]+)="([^"]*)"/g)) if (m[1] && m[2] !== undefined) attrs[m[1]] = m[2];
  return attrs;
}

function position(transform: string | undefined): { x: number; y: number; rotated: boolean } {
  const t = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(transform ?? "");
  if (t) return { x: Number(t[1]), y: Number(t[2]), rotated: false };
  const m = /matrix\(([^)]*)\)/.exec(transform ?? "");
  const parts = (m?.[1] ?? "").split(",").map(Number);
  return { x: parts[4] ?? Number.NaN, y: parts[5] ?? Number.NaN, rotated: parts[1] !== 0 };
}

export function svgTexts(svg: string): SvgText[] {
  return [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].map((m) => {
    const attrs = attributes(m[1] ?? "");
    return { text: decodeEntities(m[2] ?? ""), fill: attrs.fill ?? null, ...position(attrs.transform) };
  });
}

export function svgPaths(svg: string): SvgPath[] {
  return [...svg.matchAll(/<path([^>]*)>/g)].map((m) => {
    const attrs = attributes(m[1] ?? "");
    return {
      d: attrs.d ?? "",
      stroke: attrs.stroke ?? null,
      dashed: attrs["stroke-dasharray"] !== undefined,
      fill: attrs.fill ?? null,
    };
  });
}

/** The y of a path that is one horizontal segment ("M x1 y L x2 y"), else null. */
export function horizontalY(d: string): number | null {
  const m = /^M([-\d.]+) ([-\d.]+)L([-\d.]+) ([-\d.]+)$/.exec(d);
  return m && m[2] === m[4] ? Number(m[2]) : null;
}

/** The x of a path that is one vertical segment, else null. */
export function verticalX(d: string): number | null {
  const m = /^M([-\d.]+) ([-\d.]+)L([-\d.]+) ([-\d.]+)$/.exec(d);
  return m && m[1] === m[3] ? Number(m[1]) : null;
}

/** Vertices of a polyline path (M and L commands). */
export function vertexCount(d: string): number {
  return (d.match(/[ML]/g) ?? []).length;
}

/**
 * Pixel y of a MiB value, from the y-axis tick labels (numbers drawn right-aligned left of the
 * plot): the two extreme ticks fix the linear map.
 */
export function yPixelOf(svg: string): (mib: number) => number {
  const ticks = svgTexts(svg)
    .filter((t) => /^[\d,.]+$/.test(t.text) && !t.rotated)
    .map((t) => ({ value: Number(t.text.replace(/,/g, "")), x: t.x, y: t.y }));
  const minX = Math.min(...ticks.map((t) => t.x));
  const axis = ticks.filter((t) => t.x === minX).sort((a, b) => a.value - b.value);
  const low = axis[0];
  const high = axis.at(-1);
  if (!low || !high || low.value === high.value) throw new Error("no y axis ticks in the SVG");
  return (mib) => low.y + ((mib - low.value) * (high.y - low.y)) / (high.value - low.value);
}

/** Width and height from a PNG's IHDR chunk; throws when the signature is not PNG's. */
export function pngSize(png: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!png.subarray(0, 8).equals(signature)) throw new Error("not a PNG: bad signature");
  if (png.toString("latin1", 12, 16) !== "IHDR") throw new Error("not a PNG: first chunk is not IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
