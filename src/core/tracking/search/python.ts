/**
 * The bits of Python that leak into MLflow's search errors and list values: `repr()` of strings,
 * lists, tuples and sets in messages, and `ast.literal_eval` of an `IN (…)` list
 * (SearchUtils._parse_list_from_sql_token).
 */

/** Python's repr() of a str. */
export function pyRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of value) {
    if (char === '\\') out += '\\\\';
    else if (char === quote) out += `\\${quote}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char.codePointAt(0)! < 0x20 || char.codePointAt(0) === 0x7f) out += `\\x${char.codePointAt(0)!.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out + quote;
}

/** Python's repr() of a list of str. */
export const pyList = (values: readonly string[]): string => `[${values.map(pyRepr).join(', ')}]`;

/** Python's repr() of a tuple of str. */
export const pyTuple = (values: readonly string[]): string => (values.length === 1 ? `(${pyRepr(values[0]!)},)` : `(${values.map(pyRepr).join(', ')})`);

/**
 * Python's repr() of a set of str. Python's set order depends on the process's hash seed, so
 * MLflow's own message changes from run to run; this one lists the members sorted.
 */
export const pySet = (values: Iterable<string>): string => `{${[...values].sort().map(pyRepr).join(', ')}}`;

export type ListResult =
  | { readonly ok: true; readonly values: readonly string[] }
  | { readonly ok: false; readonly problem: 'empty' | 'ill-formed' | 'not-strings'; readonly repr?: string };

type Item = { readonly kind: 'string'; readonly value: string } | { readonly kind: 'number'; readonly text: string };

/** `ast.literal_eval` of a parenthesized list of Python string literals, e.g. `('a', "b",)`. */
export function parsePythonList(text: string): ListResult {
  const scanner = { text, position: 1 };
  const items: Item[] = [];
  let trailingComma = false;
  skipSpace(scanner);
  while (scanner.position < text.length - 1) {
    const item = readItem(scanner);
    if (!item) return { ok: false, problem: 'ill-formed' };
    items.push(item);
    skipSpace(scanner);
    trailingComma = false;
    if (text[scanner.position] === ',') {
      scanner.position++;
      trailingComma = true;
      skipSpace(scanner);
    } else if (scanner.position < text.length - 1) {
      return { ok: false, problem: 'ill-formed' };
    }
  }
  if (items.length === 0) return { ok: false, problem: 'empty' };
  const isTuple = items.length > 1 || trailingComma;
  if (items.some((item) => item.kind !== 'string')) {
    const reprs = items.map((item) => (item.kind === 'string' ? pyRepr(item.value) : item.text));
    return { ok: false, problem: 'not-strings', repr: isTuple && reprs.length === 1 ? `(${reprs[0]},)` : `(${reprs.join(', ')})` };
  }
  return { ok: true, values: items.map((item) => (item as { value: string }).value) };
}

interface Scanner {
  readonly text: string;
  position: number;
}

function skipSpace(scanner: Scanner): void {
  while (/\s/.test(scanner.text[scanner.position] ?? '')) scanner.position++;
}

/** One string (adjacent literals concatenate, as in Python) or one number. */
function readItem(scanner: Scanner): Item | undefined {
  const number = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(scanner.text.slice(scanner.position));
  if (number && number[0] !== '-') {
    scanner.position += number[0].length;
    return { kind: 'number', text: number[0] };
  }
  let value: string | undefined;
  for (;;) {
    const char = scanner.text[scanner.position];
    if (char !== "'" && char !== '"') break;
    const literal = readString(scanner, char);
    if (literal === undefined) return undefined;
    value = (value ?? '') + literal;
    skipSpace(scanner);
  }
  return value === undefined ? undefined : { kind: 'string', value };
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

function readString(scanner: Scanner, quote: string): string | undefined {
  let out = '';
  scanner.position++;
  while (scanner.position < scanner.text.length) {
    const char = scanner.text[scanner.position]!;
    if (char === quote) {
      scanner.position++;
      return out;
    }
    if (char === '\n') return undefined;
    if (char === '\\') {
      const next = scanner.text[scanner.position + 1] ?? '';
      out += ESCAPES[next] ?? `\\${next}`;
      scanner.position += 2;
      continue;
    }
    out += char;
    scanner.position++;
  }
  return undefined;
}
