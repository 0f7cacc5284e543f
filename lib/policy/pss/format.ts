/**
 * Message helpers that reproduce upstream's wording byte for byte, so a denial reads the same
 * here as it does from the API server.
 */

/** `"a", "b"` — upstream's joinQuote. */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** `container "a"` or `containers "a", "b"`. */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/**
 * Orders strings as Go's `sort.Strings` does. JavaScript compares UTF-16 code units where Go
 * compares bytes; the two agree for the ASCII names and values that appear in pod specs.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Distinct values in ascending order, like Go's `sets.String.List()`. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareStrings);
}

/** A Go `%q`-quoted string; JSON's escaping is the same for printable text. */
export function goQuote(value: string): string {
  return JSON.stringify(value);
}
