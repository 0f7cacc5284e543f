/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * Known names close to the given one, closest first (ties alphabetically): within an edit distance
 * of `tolerance` times its length (at least 2; case-insensitive), or containing it. A name further
 * off is no suggestion: `kube-score` is not a misspelling of `rbac`.
 */
export function closeMatches(given: string, known: Iterable<string>, limit: number, tolerance = 0.5): string[] {
  const lower = given.toLowerCase();
  const maxDistance = Math.max(2, Math.floor(given.length * tolerance));
  return [...known]
    .map((name) => ({ name, distance: name.toLowerCase().includes(lower) && lower.length >= 3 ? 0 : editDistance(lower, name.toLowerCase()) }))
    .filter(({ distance }) => distance <= maxDistance)
    .sort((a, b) => a.distance - b.distance || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, limit)
    .map(({ name }) => name);
}

/** The known name nearest to the given one, when one is close enough to be a likely misspelling. */
export function nearest(given: string, known: Iterable<string>): string | undefined {
  return closeMatches(given, known, 1)[0];
}

/** `: did you mean 'x'?`, or nothing when no known name is close. */
export function didYouMean(given: string, known: Iterable<string>): string {
  const near = nearest(given, known);
  return near === undefined ? '' : `: did you mean '${near}'?`;
}
