/**
 * Guarded reads of untrusted manifest JSON: each returns a value of the expected type or an empty
 * one, so a rule never dereferences a field of the wrong shape.
 */

/** The value when it is a plain object (not null, not an array), else undefined. */
export function asRecord(value: unknown): { [key: string]: any } | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as { [key: string]: any } : undefined;
}

/** The value when it is an array, else an empty array. */
export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** True for a plain object with at least one key. */
export function isNonEmptyRecord(value: unknown): boolean {
  const record = asRecord(value);
  if (!record) return false;
  for (const _key in record) return true;
  return false;
}
