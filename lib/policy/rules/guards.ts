/*
 * Guarded reads of untrusted manifests: each returns a value of the type asked for, or an empty
 * one, whatever shape the field has.
 */

/** A list read through a guard: a lone value counts as a one-item list, anything else as empty. */
export function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

/** The strings of a list field (`verbs: "*"` as one string counts as `["*"]`); other items are dropped. */
export function stringsOf(value: unknown): string[] {
  return listOf(value).filter((item): item is string => typeof item === 'string');
}

/** A field read as a plain object, or undefined. */
export function recordOf(value: unknown): { [key: string]: any } | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as { [key: string]: any } : undefined;
}

/** A field read as a string, or undefined. */
export function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Any value as text for a message: strings as they are, everything else as JSON (never throws on odd objects). */
export function display(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '(unprintable value)';
  }
}
