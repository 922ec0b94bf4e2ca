/**
 * Numbers in text as pandas' readers take them: `parseFieldNumber` for read_csv's C parser (decimal
 * and exponent forms, surrounding blanks, inf/infinity with a sign), `parsePythonFloat` for the
 * `float(str)` that read_json's dtype coercion applies to strings.
 */

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

const isBlank = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0b || b === 0x0c;

/**
 * The number in bytes [start, end), or undefined when pandas would not read one there. Up to 15
 * significant digits the value is exact (Clinger's fast path); longer mantissas (pandas writes
 * floats with up to 17) are assembled in doubles, within 2 ulps of the correctly rounded value —
 * far below what moves a drift score (1e-15 relative), and pandas' own parsers are not all
 * correctly rounded either (read_json's default is not). Exponents beyond ±22 go through Number().
 */
export function parseFieldNumber(buffer: Buffer, start: number, end: number): number | undefined {
  while (start < end && isBlank(buffer[start]!)) start++;
  while (end > start && isBlank(buffer[end - 1]!)) end--;
  if (start === end) return undefined;
  let i = start;
  let negative = false;
  let c = buffer[i]!;
  if (c === 0x2b || c === 0x2d) {
    negative = c === 0x2d;
    i++;
    c = buffer[i]!;
  }
  if (c === 0x69 || c === 0x49) return infinity(buffer, i, end, negative);
  // high: the first 15 significant digits; low: up to 4 more; scale: the power of ten they stand for.
  let high = 0;
  let low = 0;
  let lowDigits = 0;
  let significant = 0;
  let digits = 0;
  let scale = 0;
  let integer = true;
  let fraction = false;
  for (; i < end; i++) {
    c = buffer[i]!;
    if (c >= 0x30 && c <= 0x39) {
      const d = c - 0x30;
      digits++;
      if (significant === 0 && d === 0) {
        if (fraction) scale--;
        continue;
      }
      significant++;
      if (significant <= 15) high = high * 10 + d;
      else if (significant <= 19) {
        low = low * 10 + d;
        lowDigits++;
      } else if (!fraction) scale++;
      if (fraction && significant <= 19) scale--;
      continue;
    }
    if (c === 0x2e && !fraction) {
      fraction = true;
      integer = false;
      continue;
    }
    break;
  }
  if (digits === 0) return undefined;
  let exponent = 0;
  if (i < end && (buffer[i] === 0x65 || buffer[i] === 0x45)) {
    integer = false;
    i++;
    let negativeExponent = false;
    if (buffer[i] === 0x2b || buffer[i] === 0x2d) {
      negativeExponent = buffer[i] === 0x2d;
      i++;
    }
    const exponentStart = i;
    while (i < end && buffer[i]! >= 0x30 && buffer[i]! <= 0x39) {
      if (exponent < 100_000) exponent = exponent * 10 + (buffer[i]! - 0x30);
      i++;
    }
    if (i === exponentStart) return undefined;
    if (negativeExponent) exponent = -exponent;
  }
  if (i !== end) return undefined;
  integerResult = integer && digits <= 18;
  const power = scale + exponent;
  const mantissa = lowDigits === 0 ? high : high * POW10[lowDigits]! + low;
  let value: number;
  if (power >= -22 && power <= 22) value = power >= 0 ? mantissa * POW10[power]! : mantissa / POW10[-power]!;
  else value = Number(buffer.toString('latin1', negative || buffer[start] === 0x2b ? start + 1 : start, end));
  return negative ? -value : value;
}

let integerResult = false;

/** Whether the last number `parseFieldNumber` read had no '.' and no exponent (pandas would read an int). */
export function lastWasInteger(): boolean {
  return integerResult;
}

function infinity(buffer: Buffer, i: number, end: number, negative: boolean): number | undefined {
  const word = buffer.toString('latin1', i, end).toLowerCase();
  if (word !== 'inf' && word !== 'infinity') return undefined;
  integerResult = false;
  return negative ? -Infinity : Infinity;
}

const PYTHON_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?|inf|infinity|nan)$/i;

/** Python's float(s) for a string, or undefined where it raises ValueError. */
export function parsePythonFloat(text: string): number | undefined {
  const trimmed = text.trim();
  if (!PYTHON_FLOAT.test(trimmed)) return undefined;
  const plain = trimmed.replaceAll('_', '').toLowerCase();
  const unsigned = plain.replace(/^[+-]/, '');
  const sign = plain.startsWith('-') ? -1 : 1;
  if (unsigned === 'nan') return NaN;
  if (unsigned === 'inf' || unsigned === 'infinity') return sign * Infinity;
  return Number(plain);
}
