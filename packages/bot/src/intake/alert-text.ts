// Alert text (summaries, label values) is written by whoever can reach Alertmanager or edit a
// PrometheusRule: before it is stored and shown, it loses what could make people read something
// else than what is there. Pure.

/**
 * Bidirectional-text controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, and the marks LRM,
 * RLM, ALM): they reorder what is displayed ("Trojan Source").
 */
export const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/** One line of plain text: no bidi controls, no control characters, newlines and runs of blanks as one space. */
export function oneLine(text: string): string {
  return (
    text
      .replace(BIDI_CONTROLS, "")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
      .replace(/\s+/g, " ")
      .trim()
  );
}
