/**
 * Numbers in text as pandas' readers take them: `parseFieldNumber` for read_csv's C parser (decimal
 * and exponent forms, surrounding blanks, inf/infinity with a sign), `parsePythonFloat` for the
 * `float(str)` that read_json's dtype coercion applies to strings.
 */

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Set by `parseFieldNumber`: the last number had no '.' and no exponent (pandas would read an int). */
export let lastWasInteger = false;

const isBlank = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0b || b === 0x0c;

/** The number in bytes [start, end), or undefined when pandas would not read one there. */
export function parseFieldNumber(buffer: Buffer, start: number, end: number): number | undefined {
  while (start < end && isBlank(buffer[start]!)) start++;
  while (end > start && isBlank(buffer[end - 1]!)) end--;
  if (start === end) return undefined;
  let i = start;
  let negative = false;
  if (buffer[i] === 0x2b || buffer[i] === 0x2d) {
    negative = buffer[i] === 0x2d;
    i++;
  }
  const first = buffer[i];
  if (first === 0x69 || first === 0x49) return infinity(buffer, i, end, negative);
  let mantissa = 0;
  let significant = 0;
  let digits = 0;
  let scale = 0;
  while (i < end && buffer[i]! >= 0x30 && buffer[i]! <= 0x39) {
    const d = buffer[i]! - 0x30;
    if (significant > 0 || d !== 0) significant++;
    if (significant <= 15) mantissa = mantissa * 10 + d;
    else scale++;
    digits++;
    i++;
  }
  let integer = true;
  if (i < end && buffer[i] === 0x2e) {
    integer = false;
    i++;
    while (i < end && buffer[i]! >= 0x30 && buffer[i]! <= 0x39) {
      const d = buffer[i]! - 0x30;
      if (significant > 0 || d !== 0) significant++;
      if (significant <= 15) {
        mantissa = mantissa * 10 + d;
        scale--;
      }
      digits++;
      i++;
    }
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
  lastWasInteger = integer && digits <= 18;
  const power = scale + exponent;
  let value: number;
  // Clinger's fast path: an exact mantissa times an exact power of ten rounds once, correctly.
  if (significant <= 15 && power >= -22 && power <= 22) value = power >= 0 ? mantissa * POW10[power]! : mantissa / POW10[-power]!;
  else value = Number(buffer.toString('latin1', negative || buffer[start] === 0x2b ? start + 1 : start, end));
  return negative ? -value : value;
}

function infinity(buffer: Buffer, i: number, end: number, negative: boolean): number | undefined {
  const word = buffer.toString('latin1', i, end).toLowerCase();
  if (word !== 'inf' && word !== 'infinity') return undefined;
  lastWasInteger = false;
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
