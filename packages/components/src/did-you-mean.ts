// "Did you mean …?" for a misspelt name: the closest known name by edit distance.

/** Edits (insertions, deletions, substitutions) between two strings. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]++;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** The known name within three edits of `name`, closest first, if there is one. */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let distance = Infinity;
  for (const candidate of known) {
    const d = editDistance(name, candidate);
    if (d < distance) [best, distance] = [candidate, d];
  }
  return distance <= 3 ? best : undefined;
}
