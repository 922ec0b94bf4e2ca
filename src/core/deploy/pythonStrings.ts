/**
 * The string literals of Python source, with their offsets: enough of Python's tokenizer
 * (Lib/tokenize.py, PEP 701 f-strings) to tell a string from a comment or code. Linear in the
 * text; an unterminated literal ends at its line (or, triple-quoted, at the end of the text).
 */

export interface PythonString {
  /** The literal's text between its quotes (escapes left as written). */
  readonly content: string;
  /** Offset of the first character of `content` in the source. */
  readonly contentStart: number;
  /** The prefix letters, lower-cased (`''`, `r`, `f`, `rb`…). */
  readonly prefix: string;
  /** Offsets of `{…}` replacement fields of an f-string, relative to `content`. */
  readonly fields: readonly (readonly [number, number])[];
}

const PREFIX = /^(?:[rRuUbBfFtT]|[rR][bBfFtT]|[bBfFtT][rR])$/;

export function pythonStrings(source: string): PythonString[] {
  const strings: PythonString[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    if (char === '#') {
      index = endOfLine(source, index);
    } else if (char === '"' || char === "'") {
      index = readString(source, index, '', strings);
    } else if (/[A-Za-z_]/.test(char)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(index, index + 64))![0];
      const next = source[index + word.length];
      if ((next === '"' || next === "'") && PREFIX.test(word) && !isIdentifierChar(source[index - 1])) {
        index = readString(source, index + word.length, word.toLowerCase(), strings);
      } else {
        index += word.length;
      }
    } else {
      index++;
    }
  }
  return strings;
}

const isIdentifierChar = (char: string | undefined): boolean => char !== undefined && /[A-Za-z0-9_]/.test(char);

function endOfLine(source: string, from: number): number {
  const newline = source.indexOf('\n', from);
  return newline < 0 ? source.length : newline + 1;
}

/** Reads the literal whose opening quote is at `at`; returns the offset after it. */
function readString(source: string, at: number, prefix: string, out: PythonString[]): number {
  const quote = source[at]!;
  const triple = source.startsWith(quote.repeat(3), at);
  const delimiter = triple ? quote.repeat(3) : quote;
  const formatted = prefix.includes('f') || prefix.includes('t');
  const start = at + delimiter.length;
  const fields: [number, number][] = [];
  let index = start;
  while (index < source.length) {
    const char = source[index]!;
    // A backslash escapes the next character, in raw strings too (r"\"" is one literal).
    if (char === '\\') {
      index += 2;
      continue;
    }
    if (!triple && char === '\n') break;
    if (source.startsWith(delimiter, index)) {
      out.push({ content: source.slice(start, index), contentStart: start, prefix, fields });
      return index + delimiter.length;
    }
    if (formatted && char === '{') {
      if (source[index + 1] === '{') {
        index += 2;
        continue;
      }
      const end = skipField(source, index, triple);
      fields.push([index - start, end - start]);
      index = end;
      continue;
    }
    index++;
  }
  // Unterminated: what was read still counts (the user is typing it).
  out.push({ content: source.slice(start, Math.min(index, source.length)), contentStart: start, prefix, fields });
  return index;
}

/** From a replacement field's `{` to after its matching `}` (nested strings and braces skipped). */
function skipField(source: string, open: number, triple: boolean): number {
  let depth = 0;
  let index = open;
  while (index < source.length) {
    const char = source[index]!;
    if (char === '\n' && !triple) return index;
    if (char === '{') depth++;
    else if (char === '}') {
      depth--;
      if (depth === 0) return index + 1;
    } else if (char === '"' || char === "'") {
      const nested: PythonString[] = [];
      index = readString(source, index, '', nested);
      continue;
    }
    index++;
  }
  return index;
}
