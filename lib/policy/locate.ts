/**
 * Positions of fields in manifest files. Loading keeps each document's text; only the documents of
 * objects with findings are parsed again, with a line counter, to place a field path like
 * `spec.template.spec.containers[0].securityContext.privileged` at its line and column.
 */
import { Document, isAlias, isMap, isNode, isScalar, isSeq, LineCounter, Node, parseAllDocuments } from 'yaml';
import { KUBERNETES_YAML_OPTIONS } from './yaml-kubernetes';

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
 */
export function locateField(source: ObjectSource, objectLine: number): (fieldPath: string) => FieldPosition {
  const lineCounter = new LineCounter();
  let document: Document | undefined;
  let root: unknown;
  try {
    document = parseAllDocuments(source.text, { ...KUBERNETES_YAML_OPTIONS, lineCounter })[source.documentIndex] as Document | undefined;
    root = document?.contents;
    if (source.itemIndex !== undefined) {
      const items = isMap(root) ? root.get('items', true) : undefined;
      root = isSeq(items) ? items.items[source.itemIndex] : undefined;
    }
  } catch {
    root = undefined;
  }
  const place = (offset: number): FieldPosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + source.firstLine, column: col };
  };
  const fallback = isNode(root) && root.range ? place(root.range[0]) : { line: objectLine, column: 1 };
  return (fieldPath) => {
    if (!document || !isNode(root)) return fallback;
    let node: unknown = root;
    let offset = root.range?.[0];
    for (const step of fieldPathSteps(fieldPath)) {
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
    return offset === undefined ? fallback : place(offset);
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
