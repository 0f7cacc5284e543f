/**
 * Scalars and one-line flow collections for the block YAML reader (block-yaml.ts), with the
 * signal it uses to give a document up to the `yaml` package.
 */
import { resolvePlainScalar } from './yaml-kubernetes';

/** Thrown (never escapes the reader) when a document is outside the subset the reader accepts. */
export const GIVE_UP = { giveUp: true };

export function giveUp(): never {
  throw GIVE_UP;
}

export const SPACE = 32;
export const TAB = 9;
/** Characters that cannot start a plain scalar this reader accepts. */
const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`']);

/** Whether a character is an indicator that the reader does not accept at the start of a plain scalar. */
export function isIndicator(character: string): boolean {
  return INDICATORS.has(character);
}

export function firstNonSpace(text: string, from = 0): number {
  let n = from;
  while (n < text.length && (text.charCodeAt(n) === SPACE || text.charCodeAt(n) === TAB)) n++;
  return n;
}

/** The end of the text before `end` without the spaces and tabs in front of it (YAML's white space, unlike `trimEnd`'s). */
export function blankEnd(text: string, end: number): number {
  let at = end;
  while (at > 0 && (text.charCodeAt(at - 1) === SPACE || text.charCodeAt(at - 1) === TAB)) at--;
  return at;
}

export function spacesAt(text: string, from: number): number {
  let n = from;
  while (text.charCodeAt(n) === SPACE) n++;
  return n - from;
}

/** Plain scalars start with a non-indicator, or with `-`, `?` or `:` followed by a character that is not white space. */
export function canStartPlain(text: string, at: number): boolean {
  const first = text[at];
  if (!INDICATORS.has(first)) return true;
  const next = text.charCodeAt(at + 1);
  return (first === '-' || first === '?' || first === ':') && at + 1 < text.length && next !== SPACE && next !== TAB;
}

/** Index of the blank before a `#` that starts a comment, or -1. */
export function commentStart(text: string, from: number): number {
  let hash = text.indexOf('#', from + 1);
  while (hash >= 0 && text.charCodeAt(hash - 1) !== SPACE && text.charCodeAt(hash - 1) !== TAB) hash = text.indexOf('#', hash + 1);
  return hash >= 0 ? hash - 1 : -1;
}

/** Only spaces, or a comment, may follow a quoted scalar or a flow collection. */
export function expectComment(text: string, from: number): void {
  const next = firstNonSpace(text, from);
  if (next < text.length && (text[next] !== '#' || next === from)) giveUp();
}

export function literalChomping(header: string): string {
  const match = /^\|(-?)(?:[ \t]+#.*|[ \t]*)$/.exec(header);
  if (!match) giveUp();
  return match[1];
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', 'n': '\n', 't': '\t', 'r': '\r', '0': '\0', 'b': '\b', 'f': '\f', ' ': ' ', '\t': '\t' };

/** A quoted scalar that closes on its line: its value and the index after the closing quote. */
export function quoted(text: string, at: number): { value: string; end: number } {
  const quote = text[at];
  let value = '';
  let j = at + 1;
  for (;;) {
    const next = quote === '"' ? text.slice(j).search(/["\\]/) : text.indexOf('\'', j) - j;
    if (next < 0 || j + next >= text.length) giveUp();
    value += text.slice(j, j + next);
    j += next;
    if (quote === '\'') {
      if (text[j + 1] === '\'') {
        value += '\'';
        j += 2;
        continue;
      }
      return { value, end: j + 1 };
    }
    if (text[j] === '"') return { value, end: j + 1 };
    const escape = text[j + 1];
    if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) {
      value += String.fromCharCode(parseInt(text.slice(j + 2, j + 6), 16));
      j += 6;
    } else if (escape !== undefined && ESCAPES[escape] !== undefined) {
      value += ESCAPES[escape];
      j += 2;
    } else {
      giveUp();
    }
  }
}

/**
 * A one-line flow sequence or mapping whose keys are scalars: `[a, "b"]`, `{a: 1}`, `[]`, `{}`,
 * `{key: app, values: [web]}`.
 */
export function flow(text: string): any {
  const { value, end } = flowCollection(text, 0);
  expectComment(text, end);
  return value;
}

function flowCollection(text: string, at: number): { value: any; end: number } {
  const isSequence = text[at] === '[';
  const close = isSequence ? ']' : '}';
  const result: any = isSequence ? [] : {};
  let j = at + 1 + spacesAt(text, at + 1);
  if (text[j] === close) return { value: result, end: j + 1 };
  for (;;) {
    if (isSequence) {
      const item = flowNode(text, j);
      result.push(item.value);
      j = item.end + spacesAt(text, item.end);
    } else {
      const key = flowScalar(text, j);
      j = key.end + spacesAt(text, key.end);
      if (text[j] !== ':' || text[j + 1] !== ' ' || typeof key.value !== 'string' || key.value === '__proto__' || key.value === '<<' || key.value in result) giveUp();
      const value = flowNode(text, j + 1 + spacesAt(text, j + 1));
      result[key.value] = value.value;
      j = value.end + spacesAt(text, value.end);
    }
    if (text[j] === close) return { value: result, end: j + 1 };
    if (text[j] !== ',') giveUp();
    j += 1 + spacesAt(text, j + 1);
  }
}

function flowNode(text: string, at: number): { value: any; end: number } {
  return text[at] === '[' || text[at] === '{' ? flowCollection(text, at) : flowScalar(text, at);
}

function flowScalar(text: string, at: number): { value: any; end: number } {
  if (text[at] === '"' || text[at] === '\'') return quoted(text, at);
  const match = /^[^,[\]{}:#\s]+(?:[ ]+[^,[\]{}:#\s]+)*/.exec(text.slice(at));
  if (!match || !canStartPlain(match[0], 0)) giveUp();
  return { value: resolvePlain(match[0]), end: at + match[0].length };
}

/** The value of a plain scalar as kubectl reads it (YAML 1.1, go-yaml's numbers). */
export function resolvePlain(text: string): any {
  return resolvePlainScalar(text);
}
