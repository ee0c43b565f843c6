// "Did you mean …" for a mistyped `/rdev` command: the closest known command by edit distance over
// the words typed (Damerau-Levenshtein, so swapped letters count once). Pure.

/** The commands people type, in the form the help shows. */
export const KNOWN_COMMANDS = ["mem status", "mem history", "incident", "help"] as const;

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      let best = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, ((d[i - 2] as number[])[j - 2] ?? 0) + 1);
      row[j] = best;
    }
  }
  return (d[a.length] as number[])[b.length] ?? 0;
}

/**
 * The known command closest to what was typed (its first words, as many as the candidate has), or
 * null when nothing is close: at most 2 edits, and fewer than half of the candidate's letters.
 */
export function suggestCommand(typed: string): string | null {
  const words = typed.trim().toLowerCase().split(/\s+/).filter(Boolean);
  let best: { command: string; distance: number } | null = null;
  for (const command of KNOWN_COMMANDS) {
    const n = command.split(" ").length;
    const head = words.slice(0, n).join(" ");
    if (head === "") continue;
    const distance = editDistance(head, command);
    if (distance === 0) continue;
    if (distance > 2 || distance * 2 >= command.length) continue;
    if (!best || distance < best.distance) best = { command, distance };
  }
  return best?.command ?? null;
}
