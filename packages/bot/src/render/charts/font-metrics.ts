// Text widths from a TrueType font's own metrics (cmap format 4 + hmtx), so ECharts lays out the
// legend and labels for the font resvg will actually draw with. Without this ECharts guesses
// Helvetica-like widths, and DejaVu Sans, about 10% wider, overlaps. Pure over the font bytes.

export type FontMetrics = {
  /** Advance width of `text` at `sizePx`; characters the font lacks count as 0.6 em. */
  width(text: string, sizePx: number): number;
};

type Table = { offset: number; length: number };

function tables(font: Buffer): Map<string, Table> {
  const count = font.readUInt16BE(4);
  const map = new Map<string, Table>();
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    map.set(font.toString("latin1", at, at + 4), {
      offset: font.readUInt32BE(at + 8),
      length: font.readUInt32BE(at + 12),
    });
  }
  return map;
}

function need(map: Map<string, Table>, tag: string): Table {
  const table = map.get(tag);
  if (!table) throw new Error(`font has no ${tag} table: not a TrueType/OpenType font`);
  return table;
}

/** Offset of the Unicode BMP (format 4) cmap subtable. */
function format4Offset(font: Buffer, cmap: Table): number {
  const count = font.readUInt16BE(cmap.offset + 2);
  for (let i = 0; i < count; i++) {
    const at = cmap.offset + 4 + i * 8;
    const platform = font.readUInt16BE(at);
    const encoding = font.readUInt16BE(at + 2);
    const sub = cmap.offset + font.readUInt32BE(at + 4);
    const unicode = (platform === 3 && encoding === 1) || platform === 0;
    if (unicode && font.readUInt16BE(sub) === 4) return sub;
  }
  throw new Error("font has no Unicode BMP (format 4) cmap subtable");
}

function glyphLookup(font: Buffer, sub: number): (code: number) => number {
  const segX2 = font.readUInt16BE(sub + 6);
  const ends = sub + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const rangeOffsets = deltas + segX2;
  return (code) => {
    for (let s = 0; s < segX2; s += 2) {
      if (font.readUInt16BE(ends + s) < code) continue;
      const start = font.readUInt16BE(starts + s);
      if (start > code) return 0;
      const delta = font.readUInt16BE(deltas + s);
      const rangeOffset = font.readUInt16BE(rangeOffsets + s);
      if (rangeOffset === 0) return (code + delta) & 0xffff;
      const glyph = font.readUInt16BE(rangeOffsets + s + rangeOffset + 2 * (code - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

export function fontMetrics(font: Buffer): FontMetrics {
  const map = tables(font);
  const unitsPerEm = font.readUInt16BE(need(map, "head").offset + 18);
  const longMetrics = font.readUInt16BE(need(map, "hhea").offset + 34);
  const hmtx = need(map, "hmtx").offset;
  const glyphOf = glyphLookup(font, format4Offset(font, need(map, "cmap")));
  const cache = new Map<number, number>();
  const advanceEm = (code: number): number => {
    const cached = cache.get(code);
    if (cached !== undefined) return cached;
    const glyph = code > 0xffff ? 0 : glyphOf(code);
    const units =
      glyph === 0 ? 0.6 * unitsPerEm : font.readUInt16BE(hmtx + 4 * Math.min(glyph, longMetrics - 1));
    const em = units / unitsPerEm;
    cache.set(code, em);
    return em;
  };
  return {
    width(text, sizePx) {
      let em = 0;
      for (const ch of text) em += advanceEm(ch.codePointAt(0) ?? 0);
      return em * sizePx;
    },
  };
}

/** The pixel size and weight in a CSS font shorthand such as "bold 13px DejaVu Sans". */
export function parseCssFont(font: string | undefined): { sizePx: number; bold: boolean } {
  const size = /(\d+(?:\.\d+)?)px/.exec(font ?? "");
  return {
    sizePx: size?.[1] ? Number(size[1]) : 12,
    bold: /\b(bold|bolder|[6-9]00)\b/.test(font ?? ""),
  };
}
