/**
 * A runs/search answer read as bytes, without making an object of any run: the CLI prints a
 * server's 100,000 runs page by page, and parsing each page into objects only to print them again
 * is where its memory went (V8 lets the garbage of a hundred parsed pages pile up before it
 * collects). The answer is checked to be JSON here — strictly, as JSON.parse would accept it, no
 * deeper than `maxDepth` — and its `runs` are compacted in place (whitespace outside strings
 * dropped; strings, escapes and numbers kept byte for byte, so every value is the server's).
 *
 * Anything this does not accept (not JSON, not UTF-8, too deep, not an object, a `runs` that is
 * not a list or a token that is not a string) is `undefined`: the caller parses the answer the
 * usual way, which reports it or reads it as before. It never accepts what JSON.parse refuses.
 */
import { isUtf8 } from 'node:buffer';

export interface RunsPageBytes {
  /** The runs of the page, compacted, separated by commas, without the brackets: a view of the body. */
  readonly runs: Buffer;
  readonly count: number;
  /** `next_page_token` when it is a non-empty string. */
  readonly nextPageToken: string | undefined;
}

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LOWER_U = 0x75;

const OBJECT = 1;
const ARRAY = 2;

/** Not JSON (or not JSON this reads): thrown inside, caught at the top. */
const REFUSED = Symbol('refused');

/**
 * Checks `body` and compacts its `runs` in place (so the body's other bytes are changed only
 * when the answer is accepted). `undefined`: read it with JSON.parse instead.
 */
export function runsPageBytes(body: Buffer, maxDepth: number): RunsPageBytes | undefined {
  if (!isUtf8(body)) return undefined;
  let top: TopLevel;
  try {
    top = check(body, maxDepth);
  } catch (error) {
    if (error === REFUSED) return undefined;
    throw error;
  }
  let token: string | undefined;
  if (top.token !== undefined) {
    const [start, end] = top.token;
    if (body[start] === QUOTE) token = (JSON.parse(body.toString('utf8', start, end)) as string) || undefined;
    else if (!isNull(body, start)) return undefined;
  }
  if (top.runs === undefined || isNull(body, top.runs[0])) return { runs: body.subarray(0, 0), count: 0, nextPageToken: token };
  const [start, end] = top.runs;
  if (body[start] !== OPEN_BRACKET) return undefined;
  return { ...compact(body, start + 1, end - 1), nextPageToken: token };
}

interface TopLevel {
  /** [start, end) of the last `runs` value and `next_page_token` value of the root object. */
  runs?: [number, number];
  token?: [number, number];
}

function isNull(body: Buffer, at: number): boolean {
  return body[at] === 0x6e; // 'n': the only literal that starts so
}

/** The whole body is one JSON object (else REFUSED); where its `runs` and `next_page_token` are. */
function check(b: Buffer, maxDepth: number): TopLevel {
  const n = b.length;
  const kinds = new Uint8Array(maxDepth + 1);
  const top: TopLevel = {};
  let depth = 0;
  let i = skip(b, 0);
  if (b[i] !== OPEN_BRACE) throw REFUSED;
  /** Which root key the value being read at depth 1 belongs to, and where it starts. */
  let key: 'runs' | 'token' | undefined;
  let valueStart = -1;
  let expectValue = true;
  for (;;) {
    if (expectValue) {
      if (depth === 1) valueStart = i;
      const c = b[i];
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth === maxDepth) throw REFUSED;
        kinds[++depth] = c === OPEN_BRACE ? OBJECT : ARRAY;
        i = skip(b, i + 1);
        if (b[i] === (c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET)) {
          i++;
          depth--;
          expectValue = false;
        } else if (c === OPEN_BRACE) {
          const read = member(b, i, depth);
          i = read.next;
          if (depth === 1) key = read.key;
        }
        // else: an array's first value follows
      } else {
        i = scalar(b, i);
        expectValue = false;
      }
      if (!expectValue && depth === 1) finish(top, key, valueStart, i);
      continue;
    }
    i = skip(b, i);
    if (depth === 0) {
      if (i !== n) throw REFUSED;
      return top;
    }
    const c = b[i];
    if (c === COMMA) {
      i = skip(b, i + 1);
      if (kinds[depth] === OBJECT) {
        const read = member(b, i, depth);
        i = read.next;
        if (depth === 1) key = read.key;
      }
      expectValue = true;
    } else if ((c === CLOSE_BRACE && kinds[depth] === OBJECT) || (c === CLOSE_BRACKET && kinds[depth] === ARRAY)) {
      i++;
      depth--;
      if (depth === 1) finish(top, key, valueStart, i);
    } else {
      throw REFUSED;
    }
  }
}

function finish(top: TopLevel, key: 'runs' | 'token' | undefined, start: number, end: number): void {
  if (key === 'runs') top.runs = [start, end];
  else if (key === 'token') top.token = [start, end];
}

/** `"key" :` then the value's first byte; the key told apart when it is a root key. */
function member(b: Buffer, i: number, depth: number): { next: number; key: 'runs' | 'token' | undefined } {
  if (b[i] !== QUOTE) throw REFUSED;
  const end = string(b, i);
  let key: 'runs' | 'token' | undefined;
  if (depth === 1) {
    const escaped = b.subarray(i, end).includes(BACKSLASH);
    const name = escaped ? (JSON.parse(b.toString('utf8', i, end)) as string) : b.toString('utf8', i + 1, end - 1);
    key = name === 'runs' ? 'runs' : name === 'next_page_token' ? 'token' : undefined;
  }
  const colon = skip(b, end);
  if (b[colon] !== COLON) throw REFUSED;
  return { next: skip(b, colon + 1), key };
}

/** A string, number or literal starting at `i`; the index after it. */
function scalar(b: Buffer, i: number): number {
  const c = b[i];
  if (c === QUOTE) return string(b, i);
  if (c === MINUS || (c !== undefined && c >= ZERO && c <= NINE)) return number(b, i);
  for (const literal of LITERALS) {
    if (b[i] === literal[0] && literal.every((byte, k) => b[i + k] === byte)) return i + literal.length;
  }
  throw REFUSED;
}

const LITERALS = ['true', 'false', 'null'].map((word) => [...Buffer.from(word)]);

/** The index after the closing quote of the string opening at `i`. */
function string(b: Buffer, i: number): number {
  const n = b.length;
  for (i++; i < n; i++) {
    const c = b[i]!;
    if (c === QUOTE) return i + 1;
    if (c < SPACE) throw REFUSED;
    if (c === BACKSLASH) {
      const e = b[++i];
      if (e === LOWER_U) {
        for (let k = 1; k <= 4; k++) if (!isHex(b[i + k])) throw REFUSED;
        i += 4;
      } else if (e === undefined || !ESCAPES.has(e)) {
        throw REFUSED;
      }
    }
  }
  throw REFUSED;
}

/** `" \ / b f n r t`: the one-letter escapes JSON allows. */
const ESCAPES = new Set([...'"\\/bfnrt'].map((ch) => ch.charCodeAt(0)));

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

/** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
function number(b: Buffer, i: number): number {
  if (b[i] === MINUS) i++;
  if (b[i] === ZERO) i++;
  else i = digits(b, i);
  if (b[i] === DOT) i = digits(b, i + 1);
  if (b[i] === LOWER_E || b[i] === UPPER_E) {
    i++;
    if (b[i] === PLUS || b[i] === MINUS) i++;
    i = digits(b, i);
  }
  return i;
}

/** One digit or more. */
function digits(b: Buffer, i: number): number {
  const start = i;
  while (b[i]! >= ZERO && b[i]! <= NINE) i++;
  if (i === start) throw REFUSED;
  return i;
}

function skip(b: Buffer, i: number): number {
  for (;;) {
    const c = b[i];
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return i;
    i++;
  }
}

/**
 * The array's content [start, end) of checked JSON, whitespace outside strings dropped, moved to
 * `start` (never ahead of where it is read from); its top-level elements counted.
 */
function compact(b: Buffer, start: number, end: number): { runs: Buffer; count: number } {
  let w = start;
  let depth = 0;
  let commas = 0;
  let any = false;
  for (let r = start; r < end; r++) {
    const c = b[r]!;
    if (c === SPACE || c === LF || c === CR || c === TAB) continue;
    any = true;
    if (c === QUOTE) {
      const after = string(b, r);
      b.copyWithin(w, r, after);
      w += after - r;
      r = after - 1;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    else if (c === COMMA && depth === 0) commas++;
    b[w++] = c;
  }
  return { runs: b.subarray(start, w), count: any ? commas + 1 : 0 };
}
