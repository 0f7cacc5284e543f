/**
 * Positions of fields in manifest files. Loading keeps each document's text; only the documents of
 * objects with findings are parsed again, with a line counter, to place a field path like
 * `spec.template.spec.containers[0].securityContext.privileged` at its line and column.
 */
import { Document, isAlias, isMap, isNode, isScalar, isSeq, LineCounter, Node, parseAllDocuments } from 'yaml';
import { KUBERNETES_YAML_OPTIONS, resolvePlainScalar } from './yaml-kubernetes';

/** Where an object's document is: the text it was parsed from, and which document and item it is. */
export interface ObjectSource {
  /** The text holding the document (one document, or a whole stream with directives). */
  readonly text: string;
  /** 0-based line of the file where `text` starts. */
  readonly firstLine: number;
  /** Index of the document in `text`. */
  readonly documentIndex: number;
  /** Index in the `items` of a List, for objects that come from one. */
  readonly itemIndex?: number;
}

/** A 1-based line and column in a file. */
export interface FieldPosition {
  readonly line: number;
  readonly column: number;
}

/** The template Helm rendered a document from: its `# Source: chart/templates/x.yaml` comment. */
export function sourceTemplateOf(text: string): string | undefined {
  for (let at = 0; at < text.length;) {
    const newline = text.indexOf('\n', at);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(at, end).trim();
    at = end + 1;
    if (line === '' || line.startsWith('---')) continue;
    if (!line.startsWith('#')) return undefined;
    const match = /^#\s*Source:\s*(\S.*)$/.exec(line);
    if (match) return match[1].trim();
  }
  return undefined;
}

/**
 * A function from field paths to positions in one object's document: the field's key, or the
 * nearest ancestor that exists; `objectLine` (column 1) when the document cannot be read again.
 * Block-style documents are read by indentation (steps shared by several paths are found once);
 * others are parsed again.
 */
export function locateField(source: ObjectSource, objectLine: number): (fieldPath: string) => FieldPosition {
  const whole = memo(() => parsedRoot(source.text, source.firstLine, source.documentIndex, source.itemIndex));
  const simple = source.itemIndex === undefined && source.documentIndex === 0;
  const lines = memo(() => source.text.split('\n'));
  const cache = new Map<string, Found>();
  return (fieldPath) => {
    const steps = fieldPathSteps(fieldPath);
    const fast = simple ? blockLocate(lines(), steps, cache) : undefined;
    if (fast) return { line: fast.line + source.firstLine + 1, column: fast.column + 1 };
    const parsed = whole();
    if (!parsed) return { line: objectLine, column: 1 };
    return parsed.place(walk(parsed, steps));
  };
}

/** The position of a field path found by parsing the document with `yaml` (the reference for `blockLocate`). */
export function locateByParsing(text: string, fieldPath: string): FieldPosition | undefined {
  const parsed = parsedRoot(text, 0, 0, undefined);
  return parsed ? parsed.place(walk(parsed, fieldPathSteps(fieldPath))) : undefined;
}

/** A document parsed again for positions: its root node and a way to turn offsets into positions. */
interface ParsedRoot {
  readonly document: Document;
  readonly root: Node;
  place(offset: number): FieldPosition;
}

function parsedRoot(text: string, firstLine: number, documentIndex: number, itemIndex: number | undefined): ParsedRoot | undefined {
  const lineCounter = new LineCounter();
  try {
    const document = parseAllDocuments(text, { ...KUBERNETES_YAML_OPTIONS, lineCounter })[documentIndex] as Document | undefined;
    if (!document || document.errors.length > 0) return undefined;
    let root: unknown = document.contents;
    if (itemIndex !== undefined) {
      const items = isMap(root) ? root.get('items', true) : undefined;
      root = isSeq(items) ? items.items[itemIndex] : undefined;
    }
    if (!isNode(root)) return undefined;
    return {
      document,
      root,
      place: (offset) => {
        const { line, col } = lineCounter.linePos(offset);
        return { line: line + firstLine, column: col };
      },
    };
  } catch {
    return undefined;
  }
}

/** The offset of the deepest node of the path that is written: a key, or an item of a sequence. */
function walk({ document, root }: ParsedRoot, steps: ReadonlyArray<string | number>): number {
  let node: unknown = root;
  let offset = root.range?.[0] ?? 0;
  for (const step of steps) {
    if (isAlias(node)) node = node.resolve(document);
    if (typeof step === 'number') {
      if (!isSeq(node) || step >= node.items.length) break;
      node = node.items[step];
      if (isNode(node) && node.range) offset = node.range[0];
    } else {
      if (!isMap(node)) break;
      const pair = [...node.items].reverse().find((p) => isScalar(p.key) && String(p.key.value) === step);
      if (!pair) break;
      if (isNode(pair.key) && (pair.key as Node).range) offset = (pair.key as Node).range![0];
      node = pair.value;
    }
  }
  return offset;
}

function memo<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

/** `a.b[0]["x/y"]` as `['a', 'b', 0, 'x/y']`. */
export function fieldPathSteps(fieldPath: string): Array<string | number> {
  const steps: Array<string | number> = [];
  const pattern = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|([^.[\]]+)/g;
  for (let match = pattern.exec(fieldPath); match; match = pattern.exec(fieldPath)) {
    if (match[1] !== undefined) steps.push(Number(match[1]));
    else if (match[2] !== undefined) steps.push(match[2].replace(/\\(.)/g, '$1'));
    else steps.push(match[3]);
  }
  return steps;
}

/** A block node being searched: a mapping or a sequence at an indentation, over lines [from, to). */
interface BlockNode {
  readonly kind: 'map' | 'seq';
  readonly indent: number;
  readonly from: number;
  readonly to: number;
  /** Column of the first key when it shares its line with a sequence dash (`- name: x`). */
  readonly compactLine?: number;
}

/** The plain key of `key: value` at `column`, and the offset after its colon; undefined for anything else. */
function keyAt(text: string, column: number): { key: string; end: number } | undefined {
  const first = text.charCodeAt(column);
  if (Number.isNaN(first) || '#\'"{}[]&*!|>%@`?,'.includes(text[column])) return undefined;
  if (first === 45 /* - */ && isDash(text, column)) return undefined;
  for (let colon = text.indexOf(':', column); colon >= 0; colon = text.indexOf(':', colon + 1)) {
    const next = text.charCodeAt(colon + 1);
    if (!(Number.isNaN(next) || next === 32 || next === 13)) continue;
    const written = text.slice(column, colon).trimEnd();
    if (written.includes(' #') || written.includes('\t')) return undefined;
    // The key as JSON holds it: `y:` is the key "true", as kubectl reads it.
    const resolved = resolvePlainScalar(written);
    return resolved === null ? undefined : { key: String(resolved), end: colon + 1 };
  }
  return undefined;
}

/**
 * The 0-based line and column of the deepest written node of a path in block-style YAML (the kind
 * kubectl, Helm and cdk8s write), found from indentation alone; undefined when the text holds
 * anything this reading does not cover (flow collections on the path, quoted keys, anchors, tags,
 * tabs), and the caller parses it instead. In valid YAML the lines of a block mapping at indentation
 * n that start at n are its keys, comments, or the items of an indentless sequence: everything else
 * (nested nodes, block scalars, continued scalars) starts deeper.
 */
export function blockLocate(lines: readonly string[], steps: ReadonlyArray<string | number>, cache: Map<string, Found> = new Map()): { line: number; column: number } | undefined {
  let start = 0;
  while (start < lines.length && (isSkippable(lines[start]) || /^---[ \t]*(?:#.*)?\r?$/.test(lines[start]))) start++;
  if (start >= lines.length || indentOf(lines[start]) !== 0) return undefined;
  try {
    return blockPath(lines, start, steps, cache);
  } catch (e) {
    if (e instanceof GiveUpLocate) return undefined;
    throw e;
  }
}

function blockPath(lines: readonly string[], start: number, steps: ReadonlyArray<string | number>, cache: Map<string, Found>): { line: number; column: number } | undefined {
  let node: BlockNode | undefined = { kind: 'map', indent: 0, from: start, to: lines.length };
  let position = { line: start, column: 0 };
  for (const step of steps) {
    if (!node) break;
    const key = `${node.kind}\u0000${node.from}\u0000${node.indent}\u0000${typeof step}\u0000${step}`;
    let found = cache.get(key);
    if (!cache.has(key)) {
      found = typeof step === 'number' ? item(lines, node, step) : entry(lines, node, step);
      cache.set(key, found);
    }
    if (found === GIVE_UP_LOCATE) return undefined;
    if (!found) break;
    position = found.position;
    node = found.child;
  }
  return position;
}

const GIVE_UP_LOCATE = 'give up';
/** A step's node and position, nothing when the step is not written, or a signal to parse instead. */
export type Found = { position: { line: number; column: number }; child: BlockNode | undefined } | undefined | typeof GIVE_UP_LOCATE;

function entry(lines: readonly string[], node: BlockNode, key: string): Found {
  if (node.kind !== 'map') return GIVE_UP_LOCATE;
  let found: number | undefined;
  for (let i = node.from; i < node.to; i++) {
    const text = lines[i];
    if (isSkippable(text)) continue;
    const column = i === node.compactLine ? node.indent : indentOf(text);
    if (column < 0) return GIVE_UP_LOCATE;
    if (column !== node.indent || (i !== node.compactLine && isDash(text, column))) continue;
    const match = keyAt(text, column);
    if (!match) return GIVE_UP_LOCATE;
    if (match.key === key) found = i;
  }
  if (found === undefined) return undefined;
  const line = lines[found];
  const after = line.slice(keyAt(line, node.indent)!.end).trim();
  return { position: { line: found, column: node.indent }, child: after === '' || after.startsWith('#') ? nested(lines, found, node, true) : inlineChild(after) };
}

function item(lines: readonly string[], node: BlockNode, index: number): Found {
  if (node.kind !== 'seq') return GIVE_UP_LOCATE;
  let count = -1;
  for (let i = node.from; i < node.to; i++) {
    const text = lines[i];
    if (isSkippable(text)) continue;
    const column = indentOf(text);
    if (column < 0) return GIVE_UP_LOCATE;
    if (column !== node.indent || !isDash(text, column)) continue;
    if (++count !== index) continue;
    const contentColumn = column + 1 + (text.slice(column + 1).length - text.slice(column + 1).trimStart().length);
    const content = text.slice(contentColumn);
    if (content === '' || content.startsWith('#')) {
      const child = nested(lines, i, node, false);
      return { position: child ? { line: child.from, column: child.indent } : { line: i, column }, child };
    }
    if (isDash(text, contentColumn) || /^[&*!]/.test(content)) return GIVE_UP_LOCATE;
    if (keyAt(text, contentColumn)) {
      const end = blockEnd(lines, i + 1, node.indent, false);
      return { position: { line: i, column: contentColumn }, child: { kind: 'map', indent: contentColumn, from: i, to: end, compactLine: i } };
    }
    return { position: { line: i, column: contentColumn }, child: inlineChild(content) };
  }
  return undefined;
}

/** A scalar, or a flow collection written on the key's line (whose fields this reading does not place). */
function inlineChild(value: string): BlockNode | undefined {
  if (/^(?:\{\s*\}|\[\s*\])\s*(?:#.*)?$/.test(value)) return undefined;
  if (/^[[{&*!]/.test(value)) throw new GiveUpLocate();
  return undefined;
}

class GiveUpLocate extends Error {}

/** The block node under a key or dash at line `at` with nothing after it, or undefined for null. */
function nested(lines: readonly string[], at: number, parent: BlockNode, inMapping: boolean): BlockNode | undefined {
  let j = at + 1;
  while (j < parent.to && isSkippable(lines[j])) j++;
  if (j >= parent.to) return undefined;
  const indent = indentOf(lines[j]);
  const ownIndent = parent.kind === 'map' ? parent.indent : indentOf(lines[at]);
  if (indent < 0) throw new GiveUpLocate();
  if (indent > ownIndent) {
    const kind = isDash(lines[j], indent) ? 'seq' : 'map';
    return { kind, indent, from: j, to: blockEnd(lines, j + 1, ownIndent, false) };
  }
  if (inMapping && indent === ownIndent && isDash(lines[j], indent)) {
    return { kind: 'seq', indent, from: j, to: blockEnd(lines, j + 1, ownIndent, true) };
  }
  return undefined;
}

/** The first line from `from` that is indented `parentIndent` or less (and, for an indentless sequence, not a dash there). */
function blockEnd(lines: readonly string[], from: number, parentIndent: number, indentless: boolean): number {
  for (let i = from; i < lines.length; i++) {
    if (isSkippable(lines[i])) continue;
    const indent = indentOf(lines[i]);
    if (indent < parentIndent || (indent === parentIndent && !(indentless && isDash(lines[i], indent)))) return i;
  }
  return lines.length;
}

function isSkippable(text: string): boolean {
  let n = 0;
  while (text.charCodeAt(n) === 32 || text.charCodeAt(n) === 9) n++;
  return n === text.length || text.charCodeAt(n) === 35 /* # */ || (text.charCodeAt(n) === 13 && n === text.length - 1);
}

/** Spaces before the content; -1 when a tab is part of the indentation. */
function indentOf(text: string): number {
  let n = 0;
  while (text.charCodeAt(n) === 32) n++;
  return text.charCodeAt(n) === 9 ? -1 : n;
}

function isDash(text: string, at: number): boolean {
  if (text.charCodeAt(at) !== 45) return false;
  const next = text.charCodeAt(at + 1);
  return Number.isNaN(next) || next === 32 || next === 13;
}
