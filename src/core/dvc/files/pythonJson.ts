/**
 * JSON as Python's `json.loads` reads it (what DVC uses for `.json` params and metrics): ints stay
 * ints (bigint) and floats floats, `NaN`/`Infinity`/`-Infinity` are accepted, a repeated key keeps
 * its last value, and anything else JSON forbids is an error with its line and column.
 */
import type { PyDict, PyValue } from '../pyValue.js';

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} (line ${line}, column ${column})`);
  }
}

const MAX_DEPTH = 1000;

export function parsePythonJson(text: string): PyValue {
  let at = 0;
  const fail = (message: string): never => {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    throw new JsonSyntaxError(message, line, at - before.lastIndexOf('\n'));
  };
  const space = (): void => {
    while (at < text.length && (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r')) at++;
  };
  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    space();
    const c = text[at];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    for (const [word, result] of WORDS) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return result;
      }
    }
    return number();
  };
  const object = (depth: number): PyDict => {
    at++;
    const out: PyDict = {};
    space();
    if (text[at] === '}') return at++, out;
    for (;;) {
      space();
      if (text[at] !== '"') fail('expecting a property name in double quotes');
      const key = string();
      space();
      if (text[at] !== ':') fail("expecting ':' delimiter");
      at++;
      Object.defineProperty(out, key, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
      space();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === '}') return at++, out;
      fail("expecting ',' delimiter");
    }
  };
  const array = (depth: number): PyValue[] => {
    at++;
    const out: PyValue[] = [];
    space();
    if (text[at] === ']') return at++, out;
    for (;;) {
      out.push(value(depth + 1));
      space();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === ']') return at++, out;
      fail("expecting ',' delimiter");
    }
  };
  const string = (): string => {
    const start = at;
    at++;
    for (;;) {
      const c = text.charCodeAt(at);
      if (Number.isNaN(c)) fail('unterminated string');
      if (c === 0x22) break;
      if (c < 0x20) fail('invalid control character in a string');
      if (c === 0x5c) {
        const escape = text[at + 1];
        if (escape === 'u' ? !/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6)) : !'"\\/bfnrt'.includes(escape ?? 'x')) fail('invalid \\escape');
        at += escape === 'u' ? 6 : 2;
        continue;
      }
      at++;
    }
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const number = (): PyValue => {
    const match = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (!match) fail('expecting a value');
    at += match![0].length;
    return match![1] === undefined && match![2] === undefined ? BigInt(match![0]) : Number(match![0]);
  };
  const result = value(0);
  space();
  if (at < text.length) fail('extra data');
  return result;
}

const WORDS: readonly (readonly [string, PyValue])[] = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
];
