//! "Did you mean …?": the closest of a few known words to a mistyped one. Used
//! by the `fluxo.json` rules (project-config.ts) for unknown keys and by the
//! CLI for mistyped commands and options. Kept apart from project-config.ts,
//! which imports jsonc-parser, so the main entry stays free of it (see
//! `@fluxo/compiler/project-config`).

/**
 * Edit distance between two short strings: insertions, deletions,
 * substitutions and swaps of neighbours (`chekc` is one edit from `check`).
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `word`, when it is close enough to be a likely typo
 * (at most a third of its length away, and at most 3 edits).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean 'x'?)` or the empty string. */
export function didYouMean(word: string, candidates: readonly string[], quote = "'"): string {
  const match = closest(word, candidates);
  return match === undefined ? "" : ` (did you mean ${quote}${match}${quote}?)`;
}
