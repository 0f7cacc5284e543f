/**
 * YAML as kubectl and the API server read it. Both decode with sigs.k8s.io/yaml, which is go-yaml v2
 * followed by a conversion to JSON:
 * - YAML 1.1 scalars: `yes`, `on`, `y` are true, `no`, `off`, `n` false (in every spelling go-yaml
 *   knows), `0644` is octal, `0x1F` hex, `0b101` binary, `0o17` octal, `1_000` one thousand;
 *   timestamps and sexagesimal numbers (`12:30`) stay strings;
 * - merge keys `<<` are applied in order, so a merge overrides keys written before it and keys
 *   written after it override the merge;
 * - a key given twice keeps its last value.
 * The `yaml` package parses; its YAML 1.1 schema is given go-yaml's number rules, and its document
 * tree is turned into JSON here with go-yaml's merge and duplicate-key behaviour.
 */
import { Alias, DocumentOptions, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Node, ParseOptions, SchemaOptions } from 'yaml';
import { setKey } from './shape';

/** Thrown by `kubernetesJson` when the document cannot be turned into what kubectl would send. */
export class YamlDecodeError extends Error {
  /** Offset in the document text where the problem is, when known. */
  public readonly offset: number | undefined;

  constructor(message: string, offset: number | undefined) {
    super(message);
    this.offset = offset;
  }
}

/** A key written twice in one mapping; kubectl keeps the last value. */
export interface DuplicateKey {
  /** The key as written. */
  readonly key: string;
  /** Offset of the earlier occurrence, whose value is dropped. */
  readonly droppedOffset: number;
  /** Offset of the occurrence that wins. */
  readonly keptOffset: number;
}

const INT_TAG = 'tag:yaml.org,2002:int';
const FLOAT_TAG = 'tag:yaml.org,2002:float';
const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_UINT64 = (1n << 64n) - 1n;
/** Go's `strconv.ParseInt(s, 0, 64)` syntax, after go-yaml has removed the underscores. */
const GO_INTEGER = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|0[oO]?([0-7]+)|(0|[1-9][0-9]*))$/;
/** go-yaml's `yamlStyleFloat`, tried on the same text when it is not an integer. */
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** What Go's `strconv.ParseFloat` reads of a scalar that starts with a dot. */
const DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOATS: Record<string, number> = {
  '.nan': NaN, '.NaN': NaN, '.NAN': NaN,
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity,
  '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
};
const NULL_SCALAR = /^(?:~|[Nn]ull|NULL)?$/;
const TRUE_SCALAR = /^(?:[Yy]|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const FALSE_SCALAR = /^(?:[Nn]|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
/** Plain scalars go-yaml tries as numbers: the ones that start with a digit, a sign or a dot. */
const NUMBER_CANDIDATE = /^[-+.0-9]/;

/**
 * The number go-yaml v2 reads from a plain scalar, or the text itself when it reads a string:
 * integers in Go syntax (any underscores removed; leading-zero octal; `0x`, `0o`, `0b` in either
 * case) within int64 or uint64, then decimal floats, then `.inf` and `.nan`.
 */
export function goNumber(text: string): number | string {
  const special = SPECIAL_FLOATS[text];
  if (special !== undefined) return special;
  if (text.charCodeAt(0) === 46 /* . */) return DOT_FLOAT.test(text) ? finiteOr(Number(text), text) : text;
  const plain = text.includes('_') ? text.replace(/_/g, '') : text;
  const integer = GO_INTEGER.exec(plain);
  if (integer) {
    const [, sign, hex, binary, octal, decimal] = integer;
    // Up to 15 digits is well inside int64 and exact as a double: the common case, without BigInt.
    if (decimal !== undefined && decimal.length <= 15) return sign === '-' && decimal !== '0' ? -Number(decimal) : Number(decimal);
    const magnitude = hex !== undefined ? BigInt(`0x${hex}`) : binary !== undefined ? BigInt(`0b${binary}`)
      : octal !== undefined ? BigInt(`0o${octal}`) : BigInt(decimal);
    const value = sign === '-' ? -magnitude : magnitude;
    if (value >= MIN_INT64 && value <= (sign === '' ? MAX_UINT64 : MAX_INT64)) return value === 0n ? 0 : Number(value);
    if (decimal === undefined) return text;
  }
  return YAML_STYLE_FLOAT.test(plain) ? finiteOr(Number(plain), text) : text;
}

function finiteOr(value: number, text: string): number | string {
  return Number.isFinite(value) ? value : text;
}

/** The value go-yaml v2 gives a plain (unquoted, untagged) scalar, as JSON. */
export function resolvePlainScalar(text: string): unknown {
  if (text.length === 0) return null;
  // Most scalars are names and paths: the first character rules out all but one or two readings.
  switch (text.charCodeAt(0)) {
    case 126 /* ~ */: return text === '~' ? null : text;
    case 110 /* n */: case 78 /* N */: return NULL_SCALAR.test(text) ? null : FALSE_SCALAR.test(text) ? false : text;
    case 102 /* f */: case 70 /* F */: return FALSE_SCALAR.test(text) ? false : text;
    case 121 /* y */: case 89 /* Y */: case 116 /* t */: case 84 /* T */: return TRUE_SCALAR.test(text) ? true : text;
    case 111 /* o */: case 79 /* O */: return TRUE_SCALAR.test(text) ? true : FALSE_SCALAR.test(text) ? false : text;
    default: return NUMBER_CANDIDATE.test(text) ? goNumber(text) : text;
  }
}

/** A `test` that matches the plain scalars go-yaml reads as numbers. */
const GO_NUMBER_TEST = { test: (text: string): boolean => NUMBER_CANDIDATE.test(text) && typeof goNumber(text) === 'number' } as unknown as RegExp;

/**
 * The YAML 1.1 schema of `yaml` with go-yaml's numbers: its own null and boolean tags (the same
 * spellings as go-yaml), one number tag for `!!int` and `!!float` with go-yaml's rules, and no
 * timestamps or sexagesimal numbers (go-yaml leaves both as strings).
 */
function kubernetesTags(tags: any[]): any[] {
  const kept = tags.filter((tag) => {
    const name = typeof tag === 'string' ? tag : tag.tag;
    return name !== INT_TAG && name !== FLOAT_TAG && name !== 'tag:yaml.org,2002:timestamp';
  });
  const number = (tag: string, isDefault: boolean): any => ({
    identify: (value: unknown) => typeof value === 'number',
    default: isDefault,
    tag,
    test: GO_NUMBER_TEST,
    resolve: (text: string) => goNumber(text),
    stringify: ({ value }: { value: unknown }) => String(value),
  });
  const booleanAt = kept.findIndex((tag) => tag.tag === 'tag:yaml.org,2002:bool');
  const firstAfterBooleans = kept.findIndex((tag, index) => index > booleanAt && tag.tag !== 'tag:yaml.org,2002:bool');
  kept.splice(firstAfterBooleans < 0 ? kept.length : firstAfterBooleans, 0, number(INT_TAG, true), number(FLOAT_TAG, false));
  return kept;
}

/**
 * Options of the `yaml` parser for Kubernetes manifests: YAML 1.1 with go-yaml's scalars. Merge keys
 * and duplicate keys are left to `kubernetesJson`, which applies them as go-yaml does.
 */
export const KUBERNETES_YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  merge: false,
  uniqueKeys: false,
  customTags: kubernetesTags,
};

/** Bounds and sinks of one conversion. */
export interface KubernetesJsonOptions {
  /** Most alias dereferences, counting those inside expanded aliases. */
  readonly maxAliasCount: number;
  /** Called for each key written twice in one mapping. */
  readonly onDuplicate?: (duplicate: DuplicateKey) => void;
}

/**
 * The JSON kubectl sends for a parsed document's contents: scalars as resolved by the schema,
 * aliases expanded (at most `maxAliasCount` times), merge keys applied in order as go-yaml does,
 * duplicate keys last-wins (each one reported), keys as strings.
 */
export function kubernetesJson(contents: Node | null, options: KubernetesJsonOptions): unknown {
  return new JsonBuilder(options).value(contents);
}

class JsonBuilder {
  private readonly anchors = new Map<string, Node>();
  private readonly expanding = new Set<Node>();
  private aliases = 0;
  /** Inside an expanded alias, anchors were already recorded where they were written. */
  private aliasDepth = 0;

  constructor(private readonly options: KubernetesJsonOptions) {}

  public value(node: unknown): unknown {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.alias(node);
    const anchored = (node as Node).anchor;
    if (anchored && this.aliasDepth === 0) this.anchors.set(anchored, node as Node);
    if (isScalar(node)) return node.value === undefined ? null : node.value;
    this.expanding.add(node as Node);
    try {
      if (isSeq(node)) return node.items.map((item) => this.value(item));
      if (isMap(node)) return this.mapping(node.items);
    } finally {
      this.expanding.delete(node as Node);
    }
    throw new YamlDecodeError('a node of an unknown type', undefined);
  }

  private alias(alias: Alias): unknown {
    const target = this.anchors.get(alias.source);
    const offset = alias.range?.[0];
    if (!target) throw new YamlDecodeError(`the alias *${alias.source} names no anchor written before it`, offset);
    if (this.expanding.has(target)) throw new YamlDecodeError(`the alias *${alias.source} is inside the node it names`, offset);
    if (++this.aliases > this.options.maxAliasCount) throw new AliasLimitError();
    this.aliasDepth++;
    try {
      return this.value(target);
    } finally {
      this.aliasDepth--;
    }
  }

  /** Pairs in order into `into`; `<<` merges, a repeated key replaces the earlier value. */
  private mapping(pairs: readonly unknown[]): Record<string, unknown> {
    const into: Record<string, unknown> = {};
    const written = new Map<string, number>();
    for (const pair of pairs) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as any;
      if (isMergeKey(keyNode)) {
        this.merge(pair.value, into);
        continue;
      }
      const key = this.key(keyNode);
      const offset = keyNode?.range?.[0] ?? 0;
      const earlier = written.get(key);
      if (earlier !== undefined && this.aliasDepth === 0) this.options.onDuplicate?.({ key, droppedOffset: earlier, keptOffset: offset });
      written.set(key, offset);
      setKey(into, key, this.value(pair.value));
    }
    return into;
  }

  /** go-yaml's merge: a mapping, or a sequence of mappings applied last to first. */
  private merge(source: unknown, into: Record<string, unknown>): void {
    const offset = (source as any)?.range?.[0];
    const mappings = isSeq(source) ? [...source.items].reverse() : [source];
    for (const item of mappings) {
      const target = isAlias(item) ? this.anchors.get(item.source) : item;
      if (!isMap(target)) throw new YamlDecodeError('a merge key `<<` needs a mapping or a sequence of mappings', offset);
      const merged = this.value(item) as Record<string, unknown>;
      for (const key of Object.keys(merged)) setKey(into, key, merged[key]);
    }
  }

  /** Keys as sigs.k8s.io/yaml writes them into JSON: scalars as strings; no null or collection keys. */
  private key(node: any): string {
    const offset = node?.range?.[0];
    if (isScalar(node)) {
      const value = node.value;
      if (value === null || value === undefined) throw new YamlDecodeError('a mapping key is null, which JSON cannot hold: quote it', offset);
      return typeof value === 'string' ? value : String(value);
    }
    const value = this.value(node);
    if (typeof value === 'string') return value;
    throw new YamlDecodeError('a mapping key is a collection, which JSON cannot hold: use a string key', offset);
  }
}

/** A plain, untagged `<<` key, which the YAML 1.1 schema reads as a merge (a quoted one is a string). */
function isMergeKey(node: unknown): boolean {
  return isScalar(node) && typeof node.value === 'symbol' && node.value.description === '<<';
}

/** Thrown when aliases expand more often than allowed (an alias bomb). */
export class AliasLimitError extends Error {
  constructor() {
    super('alias limit');
  }
}

/** 1-based line and column of an offset, from a counter filled by the parser. */
export function positionOf(lineCounter: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
