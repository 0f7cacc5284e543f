/**
 * Positions of fields in manifest files. Loading keeps each document's text; only the documents of
 * objects with findings are parsed again, with a line counter, to place a field path like
 * `spec.template.spec.containers[0].securityContext.privileged` at its line and column.
 */
import { Document, isAlias, isMap, isNode, isScalar, isSeq, LineCounter, Node, parseAllDocuments } from 'yaml';
import { GIVE_UP, quoted } from './block-yaml-scalars';
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
  const index = memo(() => (simple ? blockIndex(source.text.split('\n')) : undefined));
  return (fieldPath) => {
    const steps = fieldPathSteps(fieldPath);
    const blocks = index();
    const fast = blocks ? blockLocate(blocks, steps) : undefined;
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

/** Where every key and sequence item of a block-style document is written, by path. */
export interface BlockIndex {
  readonly root: { line: number; column: number };
  readonly positions: Map<string, { line: number; column: number }>;
  /** Paths whose value is written in a form this reading does not enter (a flow collection, an alias). */
  readonly opaque: Set<string>;
}

function stepKey(step: string | number): string {
  return typeof step === 'number' ? `\u0000i${step}` : `\u0000k${step}`;
}

/**
 * The 0-based line and column of the deepest written node of a path, from the index; undefined
 * when the path goes into a value the index does not enter (a flow collection, an alias), and the
 * caller parses the document instead.
 */
export function blockLocate(index: BlockIndex, steps: ReadonlyArray<string | number>): { line: number; column: number } | undefined {
  const prefixes = [''];
  for (const step of steps) prefixes.push(prefixes[prefixes.length - 1] + stepKey(step));
  for (let depth = steps.length; depth > 0; depth--) {
    const position = index.positions.get(prefixes[depth]);
    if (!position) continue;
    return depth < steps.length && index.opaque.has(prefixes[depth]) ? undefined : position;
  }
  return index.root;
}

interface OpenNode {
  readonly kind: 'map' | 'seq';
  readonly indent: number;
  readonly path: string;
  count: number;
}

/**
 * Reads the lines of block-style YAML (the kind kubectl, Helm and cdk8s write) once, recording
 * where each key and each sequence item is written, from indentation alone; undefined when the
 * text holds anything this reading does not cover (quoted or complex keys, nested dashes, tabs in
 * indentation). In valid YAML the lines of a block mapping at indentation n that start at n are
 * its keys, comments, or the items of an indentless sequence; everything else (nested nodes, block
 * scalars, continued scalars) starts deeper. The tests hold it to yaml's own positions.
 */
export function blockIndex(lines: readonly string[]): BlockIndex | undefined {
  let start = 0;
  while (start < lines.length && (isSkippable(lines[start]) || /^---[ \t]*(?:#.*)?\r?$/.test(lines[start]))) start++;
  if (start >= lines.length || indentOf(lines[start]) !== 0) return undefined;
  const positions = new Map<string, { line: number; column: number }>();
  const opaque = new Set<string>();
  const stack: OpenNode[] = [{ kind: 'map', indent: 0, path: '', count: 0 }];
  let pending: { path: string; indent: number; inMapping: boolean; recordItem: boolean } | undefined;
  let skipDeeperThan = -1;
  /** After a key or dash at `column` with `value` on its line: what comes next. */
  const afterValue = (path: string, column: number, value: string, inMapping: boolean, recordItem: boolean): boolean => {
    if (value === '' || value.startsWith('#')) {
      pending = { path, indent: column, inMapping, recordItem };
      return true;
    }
    if (/^[&*!]/.test(value) || (/^[[{]/.test(value) && !/^(?:\{\s*\}|\[\s*\])\s*(?:#.*)?$/.test(value))) opaque.add(path);
    skipDeeperThan = column;
    return true;
  };
  for (let i = start; i < lines.length; i++) {
    const text = lines[i];
    if (isSkippable(text)) continue;
    const column = indentOf(text);
    if (column < 0) return undefined;
    if (skipDeeperThan >= 0) {
      if (column > skipDeeperThan) continue;
      skipDeeperThan = -1;
    }
    const dash = isDash(text, column);
    if (pending) {
      const owner: { path: string; indent: number; inMapping: boolean; recordItem: boolean } = pending;
      pending = undefined;
      if (column > owner.indent && !dash && !keyAt(text, column)) {
        // A scalar or flow collection on a line of its own (Helm's `toYaml` writes `{}` that way).
        if (owner.recordItem) positions.set(owner.path, { line: i, column });
        afterValue(owner.path, owner.indent, text.slice(column).trimEnd(), false, false);
        continue;
      }
      if (column > owner.indent || (owner.inMapping && column === owner.indent && dash)) {
        stack.push({ kind: dash ? 'seq' : 'map', indent: column, path: owner.path, count: 0 });
        if (owner.recordItem) positions.set(owner.path, { line: i, column });
      }
    }
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.indent > column || (top.indent === column && top.kind === 'seq' && !dash)) stack.pop();
      else break;
    }
    const top = stack[stack.length - 1];
    if (!top || top.indent !== column) return undefined;
    let keyColumn = column;
    let node = top;
    if (top.kind === 'seq') {
      if (!dash) return undefined;
      const itemPath = top.path + stepKey(top.count++);
      const contentColumn = column + 1 + (text.length - column - 1 - text.slice(column + 1).trimStart().length);
      const content = text.slice(contentColumn).trimEnd();
      if (content === '' || content.startsWith('#')) {
        positions.set(itemPath, { line: i, column });
        afterValue(itemPath, column, '', false, true);
        continue;
      }
      positions.set(itemPath, { line: i, column: contentColumn });
      if (isDash(text, contentColumn) || !keyAt(text, contentColumn)) {
        if (isDash(text, contentColumn)) return undefined;
        afterValue(itemPath, contentColumn - 1, content, false, false);
        continue;
      }
      node = { kind: 'map', indent: contentColumn, path: itemPath, count: 0 };
      stack.push(node);
      keyColumn = contentColumn;
    } else if (dash) {
      return undefined;
    }
    const key = keyAt(text, keyColumn);
    if (!key) return undefined;
    const keyPath = node.path + stepKey(key.key);
    positions.set(keyPath, { line: i, column: keyColumn });
    opaque.delete(keyPath);
    afterValue(keyPath, keyColumn, text.slice(key.end).trim(), true, false);
  }
  return { root: { line: start, column: 0 }, positions, opaque };
}

/** The key of `key: value` at `column` (plain, or quoted on one line), and the offset after its colon; undefined for anything else. */
function keyAt(text: string, column: number): { key: string; end: number } | undefined {
  const first = text.charCodeAt(column);
  if (first === 34 /* " */ || first === 39 /* ' */) return quotedKeyAt(text, column);
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

function quotedKeyAt(text: string, column: number): { key: string; end: number } | undefined {
  let key;
  try {
    key = quoted(text, column);
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
  let colon = key.end;
  while (text.charCodeAt(colon) === 32) colon++;
  const next = text.charCodeAt(colon + 1);
  return text.charCodeAt(colon) === 58 /* : */ && (Number.isNaN(next) || next === 32 || next === 13) ? { key: key.value, end: colon + 1 } : undefined;
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
