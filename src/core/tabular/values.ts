/**
 * Cells as pandas reads them: `read_csv`'s default missing markers, numbers (with `inf`), and
 * CSV/TSV records split into fields (the excel dialect: `"` quotes, `""` a quote inside them).
 * Numbers are parsed from the bytes where that is exact (an integer mantissa below 2^53 over a
 * power of ten up to 10^22 is correctly rounded: Clinger's fast path), else by Number().
 */

/** pandas' default `na_values` (pandas/_libs/parsers.pyx STR_NA_VALUES) and the empty cell. */
export const MISSING = new Set(['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);

const POWERS = Array.from({ length: 23 }, (_, i) => 10 ** i);
const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const INFINITY = /^\s*([+-]?)(inf|infinity)\s*$/i;

/** A number from bytes [start, end), or undefined when the text is not a plain number. */
export function numberAt(buffer: Buffer, start: number, end: number): number | undefined {
  let i = start;
  let negative = false;
  const first = buffer[i];
  if (first === 0x2d || first === 0x2b) {
    negative = first === 0x2d;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let dot = false;
  for (; i < end; i++) {
    const c = buffer[i]!;
    if (c >= 0x30 && c <= 0x39) {
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
      if (dot) scale++;
    } else if (c === 0x2e && !dot) dot = true;
    else return slowNumber(buffer.toString('latin1', start, end));
  }
  if (digits === 0) return undefined;
  if (digits > 15 || scale > 22) return slowNumber(buffer.toString('latin1', start, end));
  const value = scale === 0 ? mantissa : mantissa / POWERS[scale]!;
  return negative ? -value : value;
}

export function slowNumber(text: string): number | undefined {
  if (NUMBER.test(text)) return Number(text.trim());
  const infinity = INFINITY.exec(text);
  if (infinity) return infinity[1] === '-' ? -Infinity : Infinity;
  return undefined;
}

/**
 * Fields of one CSV/TSV record at buffer[start, end). Unquoted records are cut at each delimiter;
 * a quoted field loses its quotes and `""` becomes `"` (text after a closing quote is kept, as
 * Python's csv module does).
 */
export function splitFields(buffer: Buffer, start: number, end: number, delimiter: number, out: string[] = []): string[] {
  out.length = 0;
  // Searched within the record only: an unbounded indexOf would scan the rest of the window.
  if (!hasQuote(buffer, start, end)) {
    let from = start;
    for (;;) {
      const next = buffer.indexOf(delimiter, from);
      if (next < 0 || next >= end) {
        out.push(buffer.toString('utf8', from, end));
        return out;
      }
      out.push(buffer.toString('utf8', from, next));
      from = next + 1;
    }
  }
  return splitQuoted(buffer.toString('utf8', start, end), String.fromCharCode(delimiter), out);
}

export function hasQuote(buffer: Buffer, start: number, end: number): boolean {
  return end > start && buffer.subarray(start, end).indexOf(0x22) >= 0;
}

function splitQuoted(text: string, delimiter: string, out: string[]): string[] {
  let cell = '';
  let inQuotes = false;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else inQuotes = false;
      } else cell += c;
    } else if (c === delimiter) {
      out.push(cell);
      cell = '';
      quoted = false;
    } else if (c === '"' && cell === '' && !quoted) {
      inQuotes = true;
      quoted = true;
    } else cell += c;
  }
  out.push(cell.replace(/\r\n?/g, '\n'));
  return out;
}

/** A cell's value for equality: numbers compare as numbers ("1.0" = "1"), missing markers alike. */
export function sameCell(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const x = cellValue(a);
  const y = cellValue(b);
  if (x === null || y === null) return x === y;
  if (typeof x === 'number' && typeof y === 'number') return x === y || (Number.isNaN(x) && Number.isNaN(y));
  return typeof x === typeof y && String(x) === String(y);
}

/** null for missing, a number for a numeric string or number, else the value itself. */
export function cellValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'string') return value;
  if (MISSING.has(value)) return null;
  return slowNumber(value) ?? value;
}
