/**
 * `.py` params files as DVC reads them (dvc/utils/serialize/_py.py): the module's top-level
 * assignments whose value `ast.literal_eval` accepts, each class as a nested dict of its own, and
 * `self.x = …` in an `__init__`. A statement with any other value (a call, a name) is skipped, as
 * DVC skips it. Nothing runs: this reads the file's tokens. Syntax errors are found where the
 * tokens show them (an unclosed bracket or string, a bad indent); a subtler one Python would
 * refuse can go unnoticed.
 */
import type { PyDict, PyValue } from '../pyValue.js';

export class PythonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} (line ${line})`);
  }
}

type Token =
  | { readonly type: 'name'; readonly value: string; readonly line: number }
  | { readonly type: 'number'; readonly value: string; readonly line: number }
  | { readonly type: 'string'; readonly value: string; readonly line: number; readonly literal: boolean }
  | { readonly type: 'op'; readonly value: string; readonly line: number };

/** A logical line: its indent and its tokens. */
interface Line {
  readonly indent: number;
  readonly tokens: readonly Token[];
  readonly line: number;
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const STRING_START = /^([rRbBuUfF]{0,2})('''|"""|'|")/;
const NUMBER = /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?)/;
const OPERATORS = ['**=', '//=', '>>=', '<<=', '->', ':=', '**', '//', '==', '!=', '<=', '>=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=', '<<', '>>', '...'];

export function parsePythonParams(text: string): PyDict {
  const lines = logicalLines(text);
  if (lines[0] && lines[0].indent !== 0) throw new PythonSyntaxError('unexpected indent', lines[0].line);
  return blockToDict(lines, false);
}

function logicalLines(text: string): Line[] {
  const lines: Line[] = [];
  const stack: string[] = [];
  let tokens: Token[] = [];
  let indent = 0;
  let startLine = 1;
  let line = 1;
  let lineStart = true;
  let at = 0;
  const flush = (): void => {
    if (tokens.length > 0) lines.push({ indent, tokens, line: startLine });
    tokens = [];
    lineStart = true;
  };
  while (at < text.length) {
    if (lineStart && stack.length === 0) {
      const match = /^[ \t\f]*/.exec(text.slice(at))![0];
      at += match.length;
      const next = text[at];
      if (next === '\n' || next === '\r' || next === '#' || next === undefined) {
        while (at < text.length && text[at] !== '\n') at++;
        if (text[at] === '\n') {
          at++;
          line++;
        }
        continue;
      }
      indent = match.replace(/\t/g, '        ').length;
      startLine = line;
      lineStart = false;
    }
    const c = text[at]!;
    const rest = text.slice(at, at + 200);
    if (c === '\n') {
      at++;
      line++;
      if (stack.length === 0) flush();
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      at++;
      continue;
    }
    if (c === '#') {
      while (at < text.length && text[at] !== '\n') at++;
      continue;
    }
    if (c === '\\' && (text[at + 1] === '\n' || (text[at + 1] === '\r' && text[at + 2] === '\n'))) {
      at += text[at + 1] === '\n' ? 2 : 3;
      line++;
      continue;
    }
    const string = STRING_START.exec(rest);
    if (string && (string[1] === '' || /^[rRbBuUfF]+$/.test(string[1]!))) {
      const [token, consumed, lines] = readString(text, at, string[1]!, string[2]!, line);
      tokens.push(token);
      at += consumed;
      line += lines;
      continue;
    }
    const name = /^[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*/.exec(rest);
    if (name) {
      tokens.push({ type: 'name', value: name[0], line });
      at += name[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number && number[0] !== '.') {
      tokens.push({ type: 'number', value: number[0], line });
      at += number[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o)) ?? c;
    if (OPEN[op]) stack.push(OPEN[op]!);
    else if (op === ')' || op === ']' || op === '}') {
      if (stack.pop() !== op) throw new PythonSyntaxError(`unmatched '${op}'`, line);
    } else if (!'+-*/%@&|^~<>=.,:;!'.includes(op)) throw new PythonSyntaxError(`invalid character '${op}'`, line);
    tokens.push({ type: 'op', value: op, line });
    at += op.length;
  }
  if (stack.length > 0) throw new PythonSyntaxError("'(' was never closed", line);
  flush();
  return lines;
}

function readString(text: string, at: number, prefix: string, quote: string, line: number): [Token, number, number] {
  const raw = /r/i.test(prefix);
  let i = at + prefix.length + quote.length;
  let value = '';
  let lines = 0;
  for (;;) {
    if (i >= text.length) throw new PythonSyntaxError('unterminated string literal', line);
    if (text.startsWith(quote, i)) break;
    const c = text[i]!;
    if (c === '\n') {
      if (quote.length === 1) throw new PythonSyntaxError('unterminated string literal', line);
      lines++;
    }
    if (c === '\\' && i + 1 < text.length) {
      const next = text[i + 1]!;
      if (next === '\n') lines++;
      value += raw ? c + next : unescape(next, text, i);
      i += raw ? 2 : escapeLength(next, text, i);
      continue;
    }
    value += c;
    i++;
  }
  i += quote.length;
  // An f-string is no literal to ast.literal_eval; bytes are, but JSON cannot hold them.
  return [{ type: 'string', value, line, literal: !/[fb]/i.test(prefix) }, i - at, lines];
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };

function escapeLength(next: string, text: string, at: number): number {
  if (next === 'x') return 4;
  if (next === 'u') return 6;
  if (next === 'U') return 10;
  if (/[0-7]/.test(next)) return 1 + /^[0-7]{1,3}/.exec(text.slice(at + 1))![0].length;
  return 2;
}

function unescape(next: string, text: string, at: number): string {
  if (next === 'x' || next === 'u' || next === 'U') return String.fromCodePoint(parseInt(text.slice(at + 2, at + escapeLength(next, text, at)), 16) || 0);
  if (/[0-7]/.test(next)) return String.fromCharCode(parseInt(/^[0-7]{1,3}/.exec(text.slice(at + 1))![0], 8));
  return SIMPLE_ESCAPES[next] ?? `\\${next}`;
}

/** `_ast_tree_to_dict`: the statements of one block (module, class body or `__init__` body). */
function blockToDict(lines: readonly Line[], onlySelf: boolean): PyDict {
  const out: PyDict = {};
  if (lines.length === 0) return out;
  const base = lines[0]!.indent;
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    if (line.indent !== base) throw new PythonSyntaxError('unexpected indent', line.line);
    let end = i + 1;
    while (end < lines.length && lines[end]!.indent > base) end++;
    const body = lines.slice(i + 1, end);
    const [first, second] = line.tokens;
    const colonAt = compoundColon(line.tokens);
    if (first?.type === 'name' && (first.value === 'class' || first.value === 'def') && second?.type === 'name' && colonAt > 0) {
      const inline = line.tokens.slice(colonAt + 1);
      const block = inline.length > 0 ? [{ indent: base + 1, tokens: inline, line: line.line }] : body;
      if (block.length === 0) throw new PythonSyntaxError('expected an indented block', line.line);
      if (first.value === 'class') setKey(out, second.value, blockToDict(block, false));
      else if (second.value === '__init__') Object.assign(out, blockToDict(block, true));
    } else if (body.length === 0) {
      for (const statement of splitStatements(line.tokens)) assign(statement, onlySelf, out);
    }
    i = end;
  }
  return out;
}

/** The `:` that opens a compound statement's block (outside brackets), or -1. */
function compoundColon(tokens: readonly Token[]): number {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type !== 'op') continue;
    if (OPEN[t.value]) depth++;
    else if (')]}'.includes(t.value)) depth--;
    else if (t.value === ':' && depth === 0) return i;
  }
  return -1;
}

function splitStatements(tokens: readonly Token[]): Token[][] {
  const out: Token[][] = [[]];
  for (const t of tokens) {
    if (t.type === 'op' && t.value === ';') out.push([]);
    else out[out.length - 1]!.push(t);
  }
  return out.filter((s) => s.length > 0);
}

/** `_ast_assign_to_dict`: `name = literal` or `name: T = literal`; anything else is skipped. */
function assign(tokens: readonly Token[], onlySelf: boolean, out: PyDict): void {
  const name = targetName(tokens, onlySelf);
  if (!name) return;
  const value = tokens.slice(name.valueAt);
  if (value.some((t) => t.type === 'op' && t.value === '=')) return;
  try {
    setKey(out, name.name, new Literal(value).parse());
  } catch (error) {
    if (!(error instanceof NotLiteral)) throw error;
  }
}

function targetName(tokens: readonly Token[], onlySelf: boolean): { name: string; valueAt: number } | undefined {
  let i = 0;
  let name: string | undefined;
  const [a, b, c] = tokens;
  if (a?.type === 'name' && b?.type === 'op' && b.value === '.' && c?.type === 'name') {
    if (a.value !== 'self') return undefined;
    name = c.value;
    i = 3;
  } else if (a?.type === 'name' && !onlySelf) {
    name = a.value;
    i = 1;
  } else return undefined;
  const next = tokens[i];
  if (next?.type === 'op' && next.value === '=') return { name, valueAt: i + 1 };
  if (next?.type !== 'op' || next.value !== ':') return undefined;
  const eq = tokens.findIndex((t, k) => k > i && t.type === 'op' && t.value === '=');
  return eq < 0 ? undefined : { name, valueAt: eq + 1 };
}

class NotLiteral extends Error {}

/** `ast.literal_eval` over tokens: numbers, strings, True/False/None, lists, tuples, sets, dicts. */
class Literal {
  private at = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  parse(): PyValue {
    if (this.tokens.length === 0) throw new NotLiteral();
    const value = this.tuple();
    if (this.at !== this.tokens.length) throw new NotLiteral();
    return value;
  }

  private peek(value: string): boolean {
    const t = this.tokens[this.at];
    return t?.type === 'op' && t.value === value;
  }

  private tuple(): PyValue {
    const first = this.expr();
    if (!this.peek(',')) return first;
    const items = [first];
    while (this.peek(',')) {
      this.at++;
      if (this.at >= this.tokens.length || this.peek(')')) break;
      items.push(this.expr());
    }
    return items;
  }

  private expr(): PyValue {
    const t = this.tokens[this.at++];
    if (!t) throw new NotLiteral();
    if (t.type === 'op' && (t.value === '-' || t.value === '+')) {
      const operand = this.expr();
      if (typeof operand === 'bigint') return t.value === '-' ? -operand : operand;
      if (typeof operand === 'number') return t.value === '-' ? -operand : operand;
      throw new NotLiteral();
    }
    if (t.type === 'number') return number(t.value);
    if (t.type === 'string') {
      let value = t.value;
      let literal = t.literal;
      for (let next = this.tokens[this.at]; next?.type === 'string'; next = this.tokens[++this.at]) {
        value += next.value;
        literal &&= next.literal;
      }
      if (!literal) throw new NotLiteral();
      return value;
    }
    if (t.type === 'name') {
      if (t.value === 'True') return true;
      if (t.value === 'False') return false;
      if (t.value === 'None') return null;
      throw new NotLiteral();
    }
    if (t.value === '[' || t.value === '(') return this.sequence(t.value === '[' ? ']' : ')');
    if (t.value === '{') return this.braces();
    throw new NotLiteral();
  }

  private sequence(close: string): PyValue {
    const items: PyValue[] = [];
    let single = true;
    while (!this.peek(close)) {
      items.push(this.expr());
      if (this.peek(',')) {
        this.at++;
        single = false;
      } else if (!this.peek(close)) throw new NotLiteral();
    }
    this.at++;
    return close === ')' && single && items.length === 1 ? items[0]! : items;
  }

  private braces(): PyValue {
    if (this.peek('}')) return this.at++, {};
    const first = this.expr();
    if (!this.peek(':')) {
      const items = [first];
      while (this.peek(',')) {
        this.at++;
        if (this.peek('}')) break;
        items.push(this.expr());
      }
      if (!this.peek('}')) throw new NotLiteral();
      this.at++;
      return items;
    }
    const out: PyDict = {};
    let key = first;
    for (;;) {
      if (!this.peek(':')) throw new NotLiteral();
      this.at++;
      setKey(out, dictKey(key), this.expr());
      if (this.peek(',')) this.at++;
      if (this.peek('}')) return this.at++, out;
      key = this.expr();
    }
  }
}

function number(text: string): PyValue {
  const clean = text.replace(/_/g, '');
  if (/[jJ]$/.test(clean)) throw new NotLiteral();
  if (/^0[xXoObB]/.test(clean)) return BigInt(clean.toLowerCase());
  if (/^\d+$/.test(clean)) return BigInt(clean);
  return Number(clean);
}

/** A dict key as JSON writes it (Python's json turns int, float, bool and None keys into strings). */
function dictKey(key: PyValue): string {
  if (typeof key === 'string') return key;
  if (key === null) return 'null';
  if (typeof key === 'boolean') return key ? 'true' : 'false';
  if (typeof key === 'bigint' || typeof key === 'number') return String(key);
  throw new NotLiteral();
}

function setKey(out: PyDict, key: string, value: PyValue): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}
