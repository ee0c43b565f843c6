// Finds the first instant a curve reaches a threshold: skip ahead using a non-decreasing upper
// envelope, scan in 1-second steps, then bisect the step that crosses to the millisecond.

const STEP_MS = 1000;

/**
 * First t in [fromMs, toMs] with value(t) >= threshold, or null.
 * `envelope` must be non-decreasing and never below `value`; it lets quiet intervals be skipped
 * without evaluating every step. A crossing that starts and ends inside one 1-second step can be
 * missed, as a 1-second scrape would miss it.
 */
export function firstCrossing(
  value: (ms: number) => number,
  envelope: (ms: number) => number,
  threshold: number,
  fromMs: number,
  toMs: number,
): number | null {
  if (!(toMs >= fromMs)) return null;
  if (envelope(toMs) < threshold) return null;
  // Earliest instant the envelope reaches the threshold: nothing before it can.
  let start = fromMs;
  if (envelope(fromMs) < threshold) {
    let lo = fromMs; // envelope(lo) < threshold
    let hi = toMs; // envelope(hi) >= threshold
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (envelope(mid) >= threshold) hi = mid;
      else lo = mid;
    }
    start = hi;
  }
  if (value(start) >= threshold) return start;
  let prev = start;
  while (prev < toMs) {
    const next = Math.min(prev + STEP_MS, toMs);
    if (value(next) >= threshold) return bisect(value, threshold, prev, next);
    prev = next;
  }
  return null;
}

/** value(lo) < threshold <= value(hi): the first millisecond at or above the threshold. */
function bisect(value: (ms: number) => number, threshold: number, lo: number, hi: number): number {
  let below = lo;
  let above = hi;
  while (above - below > 1) {
    const mid = Math.floor((below + above) / 2);
    if (mid <= below) break;
    if (value(mid) >= threshold) above = mid;
    else below = mid;
  }
  return above;
}
