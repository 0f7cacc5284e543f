/**
 * Guarded reading of untrusted manifests. A manifest under audit is JSON from anywhere: every
 * field may be missing, null, of the wrong type or absurdly large. Rules read it only through
 * these accessors, which answer "absent" for anything of the wrong shape instead of throwing.
 */

/** A JSON object (not null, not an array). */
export type JsonObject = Record<string, unknown>;

/** True for a JSON object: not null, not an array, not a scalar. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is a JSON object, else undefined. */
export function asObject(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

/** The value when it is a list, else an empty list. */
export function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The string items of a list; null and other items are skipped. */
export function stringItems(value: unknown): string[] {
  return asList(value).filter((item): item is string => typeof item === 'string');
}

/** The object items of a list with their indexes; null and scalar items are skipped. */
export function objectItems(value: unknown): Array<[number, JsonObject]> {
  const items: Array<[number, JsonObject]> = [];
  asList(value).forEach((item, index) => {
    if (isObject(item)) items.push([index, item]);
  });
  return items;
}

/** The value when it is a string, else undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value when it is a finite number, else undefined. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The value at a path of keys, or undefined as soon as a step is not an object. Own properties
 * only, so `__proto__` or `constructor` in the input are plain keys.
 */
export function field(value: unknown, ...keys: string[]): unknown {
  let node = value;
  for (let i = 0; i < keys.length; i++) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !HAS_OWN.call(node, keys[i])) return undefined;
    node = (node as JsonObject)[keys[i]];
  }
  return node;
}

const HAS_OWN = Object.prototype.hasOwnProperty;

/** A string-to-string map (labels, selectors, annotations): entries whose value is not a string are dropped. */
export function stringMap(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isObject(value)) return result;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (typeof item === 'string') result[key] = item;
  }
  return result;
}

/** A short, printable rendering of any input value for messages: `"abc"`, `42`, `a list`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return String(value);
}

/** `'name'` of a container or other named item, or `#index` when it has no string name. */
export function itemName(item: unknown, index: number): string {
  const name = field(item, 'name');
  return typeof name === 'string' && name !== '' ? `'${name}'` : `#${index}`;
}

/**
 * Any input value as text, never throwing: strings as they are, numbers and booleans as
 * `String` prints them, objects and lists described (`String` on an object whose `toString`
 * key is data would throw).
 */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return typeof value === 'symbol' ? value.toString() : String(value);
  return describeValue(value);
}

/** Sets a key as data: `__proto__` becomes an own property, never the prototype. */
export function setKey(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
