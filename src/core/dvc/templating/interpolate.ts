/**
 * `${…}` interpolation as dvc/parsing/interpolate.py does it: a placeholder that is the whole
 * string keeps the value's type; inside a longer string the value is stringified (bools as
 * true/false, floats as Python prints them); a dict is allowed only in `cmd`, where it becomes
 * CLI flags; `\${` is a literal `${`.
 */
import { flattenDict, isDict, pyStr, type PyDict, type PyValue } from '../pyValue.js';

/** Placeholders, not preceded by a backslash; `.` does not cross lines, as in Python's `re`. */
const PLACEHOLDER = /(?<!\\)\$\{(.*?)\}/g;
/** pyparsing grammar `word (("." word) ^ ("[" word "]"))*`, where word has no `.[]`. */
const EXPRESSION = /^[^.[\]]+(?:\.[^.[\]]+|\[[^.[\]]+\])*$/;

export class TemplateError extends Error {}

export interface ParsingConfig {
  /** `parsing.bool`: how a false boolean in a cmd dict is written. */
  readonly bool?: 'store_true' | 'boolean_optional';
  /** `parsing.list`: `--k a b` (nargs) or `--k a --k b` (append). */
  readonly list?: 'nargs' | 'append';
}

export interface Selector {
  select(expression: string): PyValue;
}

export function hasPlaceholder(value: string): boolean {
  PLACEHOLDER.lastIndex = 0;
  return PLACEHOLDER.test(value);
}

/** Throws a TemplateError for a malformed `${…}` anywhere in a value (DVC checks before resolving). */
export function checkSyntax(value: PyValue): void {
  if (typeof value === 'string') {
    for (const match of value.matchAll(PLACEHOLDER)) parseExpression(match[1]!);
  } else if (Array.isArray(value)) {
    value.forEach(checkSyntax);
  } else if (isDict(value)) {
    for (const [k, v] of Object.entries(value)) {
      checkSyntax(k);
      checkSyntax(v);
    }
  }
}

/** `a.b[0]` → `a.b.0`. */
export function parseExpression(inner: string): string {
  if (!EXPRESSION.test(inner)) throw new TemplateError(`invalid expression '\${${inner}}'`);
  return inner.replaceAll('[', '.').replaceAll(']', '');
}

/** Resolves every string (keys included) in a value; `key` is the stage field being resolved. */
export function resolveValue(value: PyValue, context: Selector, key: string | undefined, config: ParsingConfig = {}): PyValue {
  if (typeof value === 'string') return resolveString(value, context, key, config);
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, context, key, config));
  if (isDict(value)) {
    const out: PyDict = {};
    for (const [k, v] of Object.entries(value)) {
      out[String(resolveValue(k, context, key, config))] = resolveValue(v, context, key, config);
    }
    return out;
  }
  return value;
}

export function resolveString(source: string, context: Selector, key: string | undefined, config: ParsingConfig = {}): PyValue {
  const matches = [...source.matchAll(PLACEHOLDER)];
  if (matches.length === 1 && matches[0]![0] === source) {
    const value = context.select(parseExpression(matches[0]![1]!));
    validate(value, key);
    return value;
  }
  let out = '';
  let index = 0;
  for (const match of matches) {
    const value = context.select(parseExpression(match[1]!));
    validate(value, key);
    out += source.slice(index, match.index) + dvcToStr(value, config);
    index = match.index! + match[0].length;
  }
  out += source.slice(index);
  return out.replaceAll('\\${', '${');
}

function validate(value: PyValue, key: string | undefined): void {
  const primitive = value === null || typeof value !== 'object';
  if (primitive || key === undefined || key.includes('foreach')) return;
  if (isDict(value) && key === 'cmd') return;
  throw new TemplateError(`Cannot interpolate data of type '${Array.isArray(value) ? 'list' : 'dict'}'`);
}

/** DVC's `to_str`. */
export function dvcToStr(value: PyValue, config: ParsingConfig = {}): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (isDict(value)) return dictToFlags(value, config);
  return pyStr(value);
}

function dictToFlags(dict: PyDict, config: ParsingConfig): string {
  let out = '';
  for (const [k, v] of flattenDict(dict)) {
    if (typeof v === 'boolean') {
      if (v) out += `--${k} `;
      else if (config.bool === 'boolean_optional') out += `--no-${k} `;
    } else if (typeof v === 'string') {
      out += `--${k} ${shellQuote(v)} `;
    } else if (Array.isArray(v)) {
      v.forEach((item, n) => {
        if (Array.isArray(item) || isDict(item)) throw new TemplateError(`Cannot interpolate nested iterable in '${k}'`);
        const text = typeof item === 'string' ? shellQuote(item) : pyStr(item);
        out += config.list === 'append' ? `--${k} ${text} ` : n > 0 ? `${text} ` : `--${k} ${text} `;
      });
    } else {
      out += `--${k} ${pyStr(v)} `;
    }
  }
  return out.trimEnd();
}

/** Python's `shlex.quote`. */
export function shellQuote(value: string): string {
  if (value === '') return "''";
  if (!/[^\w@%+=:,./-]/.test(value)) return value;
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}
