/**
 * A fast reader for the block-style YAML that kubectl, Helm, kustomize and cdk8s write: block
 * mappings and sequences, plain and quoted one-line scalars, single-quoted scalars over several
 * lines, folded plain scalars, literal block scalars, one-line flow collections, comments.
 *
 * The `yaml` package reads fewer than 2,000 Kubernetes objects a second; this reader is there so an
 * audit of a large repository is not dominated by parsing. It gives up on a document at anything
 * outside that subset (anchors, aliases, tags, folded block scalars, double-quoted scalars over several lines,
 * duplicate, merge or non-string keys, `__proto__`, tabs in indentation, ...), and the caller then
 * parses that document with `yaml`; a document it does read yields exactly what `yaml` reads with
 * the Kubernetes options of yaml-kubernetes.ts, whose scalar resolution it shares.
 */

import {
  blankEnd, canStartPlain, commentStart, expectComment, firstNonSpace, flow, GIVE_UP, giveUp, isIndicator, literalChomping, quoted, resolvePlain, SPACE,
  spacesAt, TAB,
} from './block-yaml-scalars';

/** A document read by the fast path. */
export interface BlockDocument {
  /** The document as JSON; null for a document of only comments. */
  readonly value: any;
  /** 1-based line of the document's first content line. */
  readonly line: number;
  /** 1-based lines of the entries of a top-level `items` sequence (for `kind: List`). */
  readonly itemLines: number[];
}

/**
 * Reads lines [start, end) as one document, or returns undefined when `yaml` must read it.
 * @param lines the file's lines, without line breaks
 */
export function readBlockDocument(lines: readonly string[], start: number, end: number): BlockDocument | undefined {
  try {
    return new BlockReader(lines, start, end).document();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

class BlockReader {
  private i: number;
  /** A line holding `- key: value`, whose mapping is indented to the key's column. */
  private compactIndex = -1;
  private compactIndent = 0;
  private readonly itemLines: number[] = [];
  /** Where the value of the entry last read by `entryKey` starts. */
  private valueStart = 0;

  constructor(private readonly lines: readonly string[], start: number, private readonly end: number) {
    this.i = start;
  }

  public document(): BlockDocument {
    this.skipBlank();
    if (this.i >= this.end) return { value: null, line: this.i + 1, itemLines: [] };
    const line = this.i + 1;
    const indent = this.indent(this.i);
    if (!isMappingEntry(this.lines[this.i], indent)) giveUp();
    const value = this.mapping(indent, true);
    this.skipBlank();
    if (this.i < this.end) giveUp();
    return { value, line, itemLines: this.itemLines };
  }

  /** Skips empty, all-space and comment lines; a tab before their content is outside the subset. */
  private skipBlank(): void {
    while (this.i < this.end) {
      const text = this.lines[this.i];
      const first = firstNonSpace(text);
      if (first > 0 && text.lastIndexOf('\t', first - 1) >= 0) giveUp();
      if (first < text.length && text.charCodeAt(first) !== 35 /* # */) return;
      this.i++;
    }
  }

  /** Spaces before the content of a line; tabs in indentation are outside the subset. */
  private indent(index: number): number {
    if (index === this.compactIndex) return this.compactIndent;
    const text = this.lines[index];
    let n = 0;
    while (text.charCodeAt(n) === SPACE) n++;
    if (text.charCodeAt(n) === TAB) giveUp();
    return n;
  }

  private mapping(indent: number, topLevel: boolean): any {
    const result: Record<string, any> = {};
    for (;;) {
      this.skipBlank();
      if (this.i >= this.end) break;
      const n = this.indent(this.i);
      if (n < indent) break;
      if (n > indent || isDash(this.lines[this.i], n)) giveUp();
      const text = this.lines[this.i];
      const key = this.entryKey(text, n);
      if (key === '__proto__' || key === '<<' || Object.prototype.hasOwnProperty.call(result, key)) giveUp();
      result[key] = this.value(text, this.valueStart, indent, true, topLevel && key === 'items');
    }
    return result;
  }

  /**
   * The value after `key:` or `- ` on the current line, from `from` on, in a node indented `indent`.
   * Only a mapping value may be a sequence at the mapping's own indentation.
   */
  private value(text: string, from: number, indent: number, inMapping: boolean, recordItems: boolean): any {
    const start = firstNonSpace(text, from);
    if (start === text.length || text.charCodeAt(start) === 35 /* # */) {
      this.i++;
      return this.nested(indent, inMapping, recordItems);
    }
    const first = text[start];
    if (first === '|') {
      this.i++;
      return this.literal(indent, literalChomping(text.slice(start)));
    }
    if (first === '\'' && !closesOnLine(text, start)) return this.singleQuotedLines(text, start, indent);
    if (first === '"' || first === '\'') {
      const { value, end } = quoted(text, start);
      expectComment(text, end);
      this.i++;
      return value;
    }
    if (first === '[' || first === '{') {
      const value = flow(text.slice(start));
      this.i++;
      return value;
    }
    if (!canStartPlain(text, start)) giveUp();
    const hash = commentStart(text, start);
    const scalar = text.slice(start, blankEnd(text, hash >= 0 ? hash : text.length));
    if (scalar.includes(': ') || scalar.endsWith(':') || scalar.includes(':\t')) giveUp();
    this.i++;
    return resolvePlain(hash >= 0 ? scalar : this.foldContinuation(scalar, indent));
  }

  /** The key of `key: value` at `at` (it must be a string); sets `valueStart`. */
  private entryKey(text: string, at: number): string {
    const first = text[at];
    if (first === '"' || first === '\'') {
      const { value, end } = quoted(text, at);
      const colon = end + spacesAt(text, end);
      if (text.charCodeAt(colon) !== 58 /* : */ || (colon + 1 < text.length && text.charCodeAt(colon + 1) !== SPACE)) giveUp();
      this.valueStart = colon + 1;
      return value;
    }
    if (!canStartPlain(text, at)) giveUp();
    const colon = keyColon(text, at);
    if (colon < 0) giveUp();
    const key = text.slice(at, blankEnd(text, colon));
    if (key.includes('\t') || typeof resolvePlain(key) !== 'string') giveUp();
    this.valueStart = colon + 1;
    return key;
  }

  /** The block under `key:` or `-` with nothing after it: a deeper node, an indentless sequence, or null. */
  private nested(indent: number, inMapping: boolean, recordItems: boolean): any {
    this.skipBlank();
    if (this.i >= this.end) return null;
    const n = this.indent(this.i);
    const text = this.lines[this.i];
    if (n > indent) {
      if (isDash(text, n)) return this.sequence(n, recordItems);
      if (isMappingEntry(text, n)) return this.mapping(n, false);
      if (text[n] === '[' || text[n] === '{') return this.flowLine(text, n);
      giveUp();
    }
    if (n === indent && inMapping && isDash(text, n)) return this.sequence(n, recordItems);
    return null;
  }

  private sequence(indent: number, recordItems: boolean): any[] {
    const result: any[] = [];
    for (;;) {
      this.skipBlank();
      if (this.i >= this.end) break;
      const n = this.indent(this.i);
      if (n < indent) break;
      if (n > indent) giveUp();
      const text = this.lines[this.i];
      if (!isDash(text, n)) break;
      if (recordItems) this.itemLines.push(this.i + 1);
      const after = n + 1 + spacesAt(text, n + 1);
      if (text.charCodeAt(after) === TAB) giveUp();
      if (after < text.length && text.charCodeAt(after) !== 35 /* # */ && isMappingEntry(text, after)) {
        if (isDash(text, after)) giveUp();
        this.compactIndex = this.i;
        this.compactIndent = after;
        result.push(this.mapping(after, false));
      } else {
        if (isDash(text, after)) giveUp();
        result.push(this.value(text, n + 1, indent, false, false));
      }
    }
    return result;
  }

  /**
   * A one-line flow collection on a line of its own, deeper than its key or dash: Helm's `toYaml`
   * writes an empty map or list that way (`annotations:` then `{}`).
   */
  private flowLine(text: string, at: number): any {
    const value = flow(text.slice(at));
    this.i++;
    return value;
  }

  /**
   * A single-quoted scalar over several lines, its lines deeper than `indent`: each line break is
   * folded to a space, or to as many line breaks as there are empty lines, and the white space
   * around line breaks is dropped.
   */
  private singleQuotedLines(first: string, start: number, indent: number): string {
    let value = '';
    let text = first;
    let at = start + 1;
    for (;;) {
      const quote = text.indexOf('\'', at);
      if (quote >= 0 && text[quote + 1] === '\'') {
        value += text.slice(at, quote + 1);
        at = quote + 2;
        continue;
      }
      if (quote >= 0) {
        expectComment(text, quote + 1);
        this.i++;
        return value + text.slice(at, quote);
      }
      value += text.slice(at, blankEnd(text, text.length));
      let blank = 0;
      for (;;) {
        this.i++;
        if (this.i >= this.end) giveUp();
        text = this.lines[this.i];
        at = firstNonSpace(text);
        if (text.lastIndexOf('\t', at - 1) >= 0) giveUp();
        if (at < text.length) break;
        blank++;
      }
      if (at <= indent) giveUp();
      value += blank === 0 ? ' ' : '\n'.repeat(blank);
    }
  }

  /** Lines after a one-line plain scalar that are indented deeper continue it (folded with spaces). */
  private foldContinuation(scalar: string, indent: number): string {
    let folded = scalar;
    let blank = 0;
    let j = this.i;
    while (j < this.end) {
      const text = this.lines[j];
      const first = firstNonSpace(text);
      if (first > 0 && text.lastIndexOf('\t', first - 1) >= 0) giveUp();
      if (first === text.length) {
        blank++;
        j++;
        continue;
      }
      if (first <= indent || text.charCodeAt(first) === 35 /* # */) break;
      const part = text.slice(first, blankEnd(text, text.length));
      if (isIndicator(part[0]) || part.includes(': ') || part.endsWith(':') || part.includes(' #') || part.includes('\t')) giveUp();
      folded += blank === 0 ? ` ${part}` : '\n'.repeat(blank) + part;
      blank = 0;
      j++;
      this.i = j;
    }
    return folded;
  }

  /** A literal block scalar (`|` or `|-`) under a node indented `indent`. */
  private literal(indent: number, chomping: string): string {
    let j = this.i;
    let contentIndent = -1;
    let leadingSpaces = 0;
    while (j < this.end) {
      const text = this.lines[j];
      const first = spacesAt(text, 0);
      if (firstNonSpace(text) === text.length) {
        if (first !== text.length) giveUp();
        leadingSpaces = Math.max(leadingSpaces, text.length);
        j++;
        continue;
      }
      if (text.charCodeAt(first) === TAB) giveUp();
      contentIndent = first;
      break;
    }
    if (contentIndent <= indent) return '';
    if (leadingSpaces > contentIndent) giveUp();
    const content: string[] = [];
    let lastContent = this.i;
    for (j = this.i; j < this.end; j++) {
      const text = this.lines[j];
      const spaces = spacesAt(text, 0);
      if (spaces < text.length && text.charCodeAt(spaces) === TAB && spaces < contentIndent) giveUp();
      if (spaces === text.length) {
        if (text.length > contentIndent) giveUp();
        content.push('');
        continue;
      }
      if (spaces < contentIndent) break;
      content.push(text.slice(contentIndent));
      lastContent = j;
    }
    const trailing = j - 1 - lastContent;
    content.length -= trailing;
    this.i = lastContent + 1;
    const body = content.join('\n');
    return chomping === '-' ? body : `${body}\n`;
  }
}

/** Whether the single-quoted scalar at `at` ends on its line. */
function closesOnLine(text: string, at: number): boolean {
  for (let quote = text.indexOf('\'', at + 1); quote >= 0; quote = text.indexOf('\'', quote + 2)) {
    if (text[quote + 1] !== '\'') return true;
  }
  return false;
}

/** `-` followed by a space or the end of the line, at `at`. */
function isDash(text: string, at: number): boolean {
  return text.charCodeAt(at) === 45 /* - */ && (at + 1 === text.length || text.charCodeAt(at + 1) === SPACE);
}

/** True when the text at `at` is `key:` followed by a space or the end of the line. */
function isMappingEntry(text: string, at: number): boolean {
  const first = text[at];
  if (first === '[' || first === '{') return false;
  if (first === '"' || first === '\'') {
    const { end } = quoted(text, at);
    const colon = end + spacesAt(text, end);
    return text.charCodeAt(colon) === 58 /* : */ && (colon + 1 === text.length || text.charCodeAt(colon + 1) === SPACE);
  }
  return keyColon(text, at) >= 0;
}

/** Index of the `:` that ends a plain key starting at `at`, or -1. */
function keyColon(text: string, at: number): number {
  let colon = text.indexOf(':', at);
  while (colon >= 0 && colon + 1 < text.length && text.charCodeAt(colon + 1) !== SPACE) colon = text.indexOf(':', colon + 1);
  if (colon < 0) return -1;
  // A comment before the colon; searched backwards so that a long value after the key is not scanned.
  return colon > at && text.lastIndexOf(' #', colon - 1) >= at ? -1 : colon;
}

