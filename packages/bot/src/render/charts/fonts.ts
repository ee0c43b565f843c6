// The fonts the PNG renderer uses. resvg draws no text without a font, and a slim container image
// has none, so DejaVu Sans ships as an npm dependency (dejavu-fonts-ttf) rather than relying on
// /usr/share/fonts.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export const CHART_FONT_FAMILY = "DejaVu Sans";

/** Absolute paths of the bundled DejaVu Sans regular and bold TTFs. */
export function bundledFontFiles(): string[] {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
  return [join(dir, "DejaVuSans.ttf"), join(dir, "DejaVuSans-Bold.ttf")];
}
