/**
 * Values as DVC's Python sees them. YAML/JSON files are parsed with ints as `bigint` and floats
 * as `number` (yaml's `intAsBigInt`), so `1` and `1.0` keep the distinction Python makes when it
 * stringifies them (`${lr}` → "1.0") while comparing equal as Python's `==` does.
 */
export type PyValue = null | boolean | bigint | number | string | PyValue[] | PyDict;
export interface PyDict {
  [key: string]: PyValue;
}

export function isDict(value: unknown): value is PyDict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Python's `==` on loaded YAML/JSON values: numbers across int/float/bool, deep lists/dicts. */
export function pyEquals(a: PyValue | undefined, b: PyValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return numericEquals(na, nb);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => pyEquals(v, b[i]));
  }
  if (isDict(a) || isDict(b)) {
    if (!isDict(a) || !isDict(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && pyEquals(a[k], b[k]));
  }
  return a === b;
}

function numeric(value: PyValue): bigint | number | undefined {
  if (typeof value === 'bigint' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  return undefined;
}

function numericEquals(a: bigint | number, b: bigint | number): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  const [int, float] = typeof a === 'bigint' ? [a, b as number] : [b as bigint, a as number];
  return Number.isInteger(float) && BigInt(float) === int;
}

/** Python's `repr(float)`: shortest round-trip digits, fixed notation for 1e-4 <= |x| < 1e16. */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${fraction}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fracPart = digits.slice(exponent + 1);
  return `${sign}${intPart}.${fracPart === '' ? '0' : fracPart}`;
}

/** Python's `str()` of a loaded value. */
export function pyStr(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return pyFloatRepr(value);
  if (typeof value === 'string') return value;
  return pyRepr(value);
}

/** Python's `repr()` (what `str()` gives for a list or dict). */
export function pyRepr(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return reprString(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (isDict(value)) return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  return pyStr(value);
}

function reprString(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const escaped = value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t');
  return quote + (quote === "'" ? escaped.replaceAll("'", "\\'") : escaped) + quote;
}

/** A JSON-safe copy for the UI model and the CLI: ints as numbers when exact, else as strings. */
export function toJson(value: PyValue): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return pyFloatRepr(value);
  if (Array.isArray(value)) return value.map(toJson);
  if (isDict(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value;
}

/**
 * `dpath.get(config, key, separator=".")` as DVC reads one tracked param: dict keys and list
 * indexes along a dotted path; undefined when any step is missing.
 */
export function getDotted(root: PyValue, key: string): PyValue | undefined {
  let node: PyValue | undefined = root;
  for (const part of key.split('.')) {
    if (Array.isArray(node)) {
      if (!/^-?\d+$/.test(part)) return undefined;
      const index = Number(part);
      node = node[index < 0 ? node.length + index : index];
    } else if (isDict(node)) {
      node = Object.prototype.hasOwnProperty.call(node, part) ? node[part] : undefined;
    } else {
      return undefined;
    }
    if (node === undefined) return undefined;
  }
  return node;
}

/** `flatten_dict.flatten(d, reducer="dot")`: nested dicts to dotted keys; lists stay values. */
export function flattenDict(dict: PyDict, prefix = ''): [string, PyValue][] {
  const out: [string, PyValue][] = [];
  for (const [key, value] of Object.entries(dict)) {
    const full = prefix === '' ? key : `${prefix}.${key}`;
    if (isDict(value) && Object.keys(value).length > 0) out.push(...flattenDict(value, full));
    else out.push([full, value]);
  }
  return out;
}
