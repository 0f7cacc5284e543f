/**
 * Reading Kubernetes manifests for an audit: YAML streams and JSON as kubectl, Helm, kustomize
 * and cdk8s write them. Bad input is reported per document, never thrown, so one broken file
 * does not hide the findings of the others.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { extname, join } from 'path';
import { isMap, isNode, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import { readBlockDocument } from './block-yaml';
import { locateField, ObjectSource, sourceTemplateOf } from './locate';
import { AuditObject } from './rule';
import { AliasLimitError, KUBERNETES_YAML_OPTIONS, kubernetesJson, YamlDecodeError } from './yaml-kubernetes';

/** Bounds that keep hostile input from exhausting memory or time. */
export interface LoadLimits {
  /**
   * Largest file (or standard input) read, in bytes.
   * @default 52428800 (50 MiB)
   */
  readonly maxFileBytes?: number;
  /**
   * Most alias expansions in one YAML document (an "alias bomb" expands exponentially).
   * @default 100
   */
  readonly maxAliasCount?: number;
}

/** A document that was skipped because it is not a Kubernetes object, or a warning about one that was read. */
export interface LoadNote {
  readonly file: string;
  readonly line: number;
  /** 1-based column, when the note has a place in the line. */
  readonly column?: number;
  readonly message: string;
}

/** Input that could not be read: a file, or one document of it. */
export interface LoadError {
  readonly file: string;
  /** 1-based line, when the error has a place. */
  readonly line?: number;
  /** 1-based column, when the error has a place. */
  readonly column?: number;
  readonly message: string;
}

/** Objects to audit, documents skipped, and errors. */
export interface LoadResult {
  readonly objects: AuditObject[];
  readonly notes: LoadNote[];
  readonly errors: LoadError[];
}

/** Default of `LoadLimits.maxFileBytes`. */
export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Default of `LoadLimits.maxAliasCount`. */
export const DEFAULT_MAX_ALIAS_COUNT = 100;
/** The file name of standard input in findings and messages. */
export const STDIN_NAME = '<stdin>';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const NESTS_TOO_DEEPLY = 'the document nests too deeply to read: document skipped';

/** `file:line:column` (or as much of it as is known), as compilers print it, so editors can jump to it. */
export function placeOf(where: { readonly file: string; readonly line?: number; readonly column?: number }): string {
  if (where.line === undefined) return where.file;
  return where.column === undefined ? `${where.file}:${where.line}` : `${where.file}:${where.line}:${where.column}`;
}

/**
 * Reads the Kubernetes objects of one file's text: a YAML stream of one or more documents, or
 * JSON. `List` kinds (`List`, `DeploymentList`, ...) are expanded into their items. Documents that
 * are empty (Helm writes them for disabled templates) are skipped silently; documents that are not
 * Kubernetes objects are skipped with a note; malformed documents are errors with line and column.
 * @param text the file's content
 * @param file the name to report for the file
 */
export function loadManifests(text: string, file: string, limits: LoadLimits = {}): LoadResult {
  const result: LoadResult = { objects: [], notes: [], errors: [] };
  const maxBytes = limits.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  // A UTF-16 code unit is at most 3 bytes of UTF-8: the text is only measured when it could be over the limit.
  if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes)) {
    result.errors.push({ file, message: `input is larger than the limit of ${maxBytes} bytes: split it into smaller files` });
    return result;
  }
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (const document of readDocuments(source, file, limits.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT, result)) {
    collect(document, file, result);
  }
  return result;
}

/**
 * Reads files and directories: a directory is searched recursively for `*.yaml`, `*.yml` and
 * `*.json`, in sorted order; `-` is standard input, whose text the caller passes as `stdin`.
 * @param paths files, directories, or `-`
 */
export function loadPaths(paths: readonly string[], limits: LoadLimits = {}, stdin?: string): LoadResult {
  const result: LoadResult = { objects: [], notes: [], errors: [] };
  const maxBytes = limits.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  for (const path of paths) {
    if (path === '-') {
      if (stdin === undefined) result.errors.push({ file: STDIN_NAME, message: 'standard input was not read' });
      else append(result, loadManifests(stdin, STDIN_NAME, limits));
      continue;
    }
    for (const file of manifestFiles(path, result.errors)) {
      const size = statSync(file).size;
      if (size > maxBytes) {
        result.errors.push({ file, message: `file is ${size} bytes, larger than the limit of ${maxBytes} bytes: split it into smaller files` });
        continue;
      }
      append(result, loadManifests(readFileSync(file, 'utf8'), file, limits));
    }
  }
  return result;
}

function append(into: LoadResult, from: LoadResult): void {
  for (const object of from.objects) into.objects.push(object);
  for (const note of from.notes) into.notes.push(note);
  for (const error of from.errors) into.errors.push(error);
}

/** The file itself, or every manifest file under a directory, sorted; a missing path is an error. */
function manifestFiles(path: string, errors: LoadError[]): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    errors.push({ file: path, message: 'no such file or directory' });
    return [];
  }
  if (!stat.isDirectory()) return [path];
  const files: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const child = join(directory, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(child);
    }
  };
  walk(path);
  return files;
}

/** One parsed document: its value, its first line, the lines of its `items` entries, and its text. */
interface ParsedDocument {
  readonly value: any;
  readonly line: number;
  readonly itemLines: readonly number[];
  /** Where the document's text is, to find the positions of fields in it when a finding needs them. */
  readonly source: ObjectSource;
}

/** JSON first when the text looks like JSON; otherwise YAML documents, each by the fast path when it can. */
function readDocuments(text: string, file: string, maxAliasCount: number, problems: LoadResult): ParsedDocument[] {
  const first = text.search(/\S/);
  if (first >= 0 && (text[first] === '{' || text[first] === '[')) {
    try {
      const line = lineAt(text, first);
      return [{ value: JSON.parse(text), line, itemLines: [], source: { text, firstLine: 0, documentIndex: 0 } }];
    } catch {
      // Not JSON after all (or broken JSON): YAML reads it, or reports where it breaks.
    }
  }
  const documents: ParsedDocument[] = [];
  for (const segment of hasDirective(text) ? [{ text, firstLine: 0 }] : segments(text)) {
    try {
      const fast = readFast(segment);
      if (fast) documents.push(fast);
      else documents.push(...parseYaml(segment, file, maxAliasCount, problems));
    } catch (e) {
      // Both parsers recurse: nesting thousands of levels deep exhausts the stack.
      if (!(e instanceof RangeError)) throw e;
      problems.errors.push({ file, line: segment.firstLine + 1, message: NESTS_TOO_DEEPLY });
    }
  }
  return documents;
}

/** One document's text in a stream, and the 0-based line of the file it starts on. */
interface Segment {
  readonly text: string;
  readonly firstLine: number;
}

/**
 * Splits a stream into documents at `---` and `...` lines without splitting the whole file into
 * lines (which would keep every line alive until the end). A `---` line starts its document's text.
 */
function segments(text: string): Segment[] {
  const result: Segment[] = [];
  let segmentStart = 0;
  let segmentLine = 0;
  for (let at = 0, line = 0; at < text.length; line++) {
    const newline = text.indexOf('\n', at);
    const lineEnd = newline < 0 ? text.length : newline;
    const marker = documentMarker(text, at, lineEnd);
    if (marker !== undefined) {
      if (at > segmentStart) result.push({ text: text.slice(segmentStart, at), firstLine: segmentLine });
      segmentStart = marker === '---' ? at : lineEnd + 1;
      segmentLine = marker === '---' ? line : line + 1;
    }
    at = lineEnd + 1;
  }
  if (segmentStart < text.length) result.push({ text: text.slice(segmentStart), firstLine: segmentLine });
  return result;
}

/** `---` or `...` when the line is a document marker. */
function documentMarker(text: string, at: number, lineEnd: number): string | undefined {
  const first = text.charCodeAt(at);
  if (first !== 45 /* - */ && first !== 46 /* . */) return undefined;
  const marker = text.slice(at, at + 3);
  if (marker !== '---' && marker !== '...') return undefined;
  const after = text.charCodeAt(at + 3);
  return at + 3 >= lineEnd || after === 32 || after === 9 || after === 13 ? marker : undefined;
}

/** The document by the fast path, with lines counted in the file; undefined when `yaml` must read it. */
function readFast(segment: Segment): ParsedDocument | undefined {
  const lines = segment.text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (segment.text.includes('\r')) {
    for (let i = 0; i < lines.length; i++) if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
    if (lines.some((line) => line.includes('\r'))) return undefined;
  }
  let bodyStart = 0;
  if (lines.length > 0 && documentMarker(lines[0], 0, lines[0].length) === '---') {
    if (!/^---[ \t]*(#.*)?$/.test(lines[0])) return undefined;
    bodyStart = 1;
  }
  const document = readBlockDocument(lines, bodyStart, lines.length);
  if (!document) return undefined;
  const offset = segment.firstLine;
  return {
    value: document.value,
    line: document.line + offset,
    itemLines: document.itemLines.map((line) => line + offset),
    source: { text: segment.text, firstLine: offset, documentIndex: 0 },
  };
}

/**
 * A segment through the `yaml` parser, read as kubectl reads it (see yaml-kubernetes.ts); its
 * `firstLine` places lines and columns in the file. A key written twice is read last-wins, as
 * kubectl does, with a note at the dropped occurrence.
 */
function parseYaml(segment: Segment, file: string, maxAliasCount: number, problems: LoadResult): ParsedDocument[] {
  const { text, firstLine } = segment;
  const lineCounter = new LineCounter();
  const documents: ParsedDocument[] = [];
  const lineOf = (offset: number): number => lineCounter.linePos(offset).line + firstLine;
  const placeAt = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + firstLine, column: col };
  };
  let documentIndex = -1;
  for (const document of parseAllDocuments(text, { ...KUBERNETES_YAML_OPTIONS, lineCounter })) {
    documentIndex++;
    if (document.errors.length > 0) {
      // The first error is the cause; later ones in the same document are mostly its echoes.
      const error = document.errors[0];
      const position = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
      const message = /Maximum call stack size exceeded/.test(error.message) ? NESTS_TOO_DEEPLY : `${yamlMessage(error.message)}: document skipped`;
      problems.errors.push({ file, line: position.line + firstLine, column: position.col, message });
      continue;
    }
    const contents = document.contents;
    if (contents === null) continue;
    const line = contents.range ? lineOf(contents.range[0]) : firstLine + 1;
    const duplicates: LoadNote[] = [];
    let value: any;
    try {
      value = kubernetesJson(contents, {
        maxAliasCount,
        onDuplicate: ({ key, droppedOffset, keptOffset }) => duplicates.push({
          file,
          ...placeAt(droppedOffset),
          message: `key '${key}' is written again at line ${placeAt(keptOffset).line}: kubectl keeps the last value and drops this one: remove one of them`,
        }),
      });
    } catch (e: any) {
      if (e instanceof YamlDecodeError) {
        problems.errors.push({ file, ...(e.offset === undefined ? { line } : placeAt(e.offset)), message: `${e.message}: document skipped` });
      } else {
        const message = e instanceof AliasLimitError
          ? `YAML aliases expand to more than ${maxAliasCount} nodes (an alias bomb?): document skipped`
          : e instanceof RangeError ? NESTS_TOO_DEEPLY : `${e?.message ?? e}: document skipped`;
        problems.errors.push({ file, line, message });
      }
      continue;
    }
    problems.notes.push(...duplicates);
    const items = isMap(contents) ? contents.get('items', true) : undefined;
    const itemLines = isSeq(items) ? items.items.map((item) => (isNode(item) && item.range ? lineOf(item.range[0]) : line)) : [];
    documents.push({ value, line, itemLines, source: { text, firstLine, documentIndex } });
  }
  return documents;
}

/** The first line of a `yaml` error, without the position (reported separately). */
function yamlMessage(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Adds a document's objects to the result, expanding Lists, and notes documents that are not objects. */
function collect(document: ParsedDocument, file: string, result: LoadResult): void {
  const { value, line, source } = document;
  const sourceTemplate = sourceTemplateOf(source.text);
  if (value === null || value === undefined) return;
  const problem = notAnObject(value);
  if (problem) {
    result.notes.push({ file, line, message: `${problem}: skipped` });
    return;
  }
  if (isList(value)) {
    value.items.forEach((item: unknown, index: number) => {
      const itemLine = document.itemLines[index] ?? line;
      const itemProblem = notAnObject(item);
      if (itemProblem) result.notes.push({ file, line: itemLine, message: `item ${index} of the ${value.kind}: ${itemProblem}: skipped` });
      else result.objects.push(fileObject(item, file, itemLine, sourceTemplate, { ...source, itemIndex: index }));
    });
    return;
  }
  result.objects.push(fileObject(value, file, line, sourceTemplate, source));
}

/** An object read from a file, whose fields are located in its document's text only when a finding asks. */
function fileObject(manifest: any, file: string, line: number, sourceTemplate: string | undefined, source: ObjectSource): AuditObject {
  let located: ((fieldPath: string) => { line: number; column: number }) | undefined;
  return {
    manifest,
    file,
    line,
    sourceTemplate,
    locate: (fieldPath) => (located ??= locateField(source, line))(fieldPath),
  };
}

/** Why a value is not a Kubernetes object, or undefined when it is one. */
function notAnObject(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'a sequence' : value === null ? 'null' : `a ${typeof value}`;
    return `not a Kubernetes object (${what})`;
  }
  const { apiVersion, kind } = value as { apiVersion?: unknown; kind?: unknown };
  const missing = [typeof apiVersion === 'string' && apiVersion ? undefined : 'apiVersion', typeof kind === 'string' && kind ? undefined : 'kind']
    .filter((name) => name !== undefined);
  return missing.length > 0 ? `not a Kubernetes object (no ${missing.join(' and ')})` : undefined;
}

function isList(value: any): boolean {
  return typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);
}

/** Whether a line starts with `%` (a YAML directive), found without a multi-line regular expression over the whole text. */
function hasDirective(text: string): boolean {
  return text.startsWith('%') || text.includes('\n%');
}
