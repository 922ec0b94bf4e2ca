/**
 * The few Python behaviours an MLproject's meaning depends on, so that we agree with MLflow before
 * the run starts: how PyYAML's `safe_load` types a plain scalar (YAML 1.1 resolvers of
 * yaml/resolver.py) and how `str()` then prints it, what `float()`/`int()` accept, how
 * `urllib.parse.urlsplit` finds a scheme, and `shlex.quote`.
 */

/** The Python type PyYAML's `safe_load` gives a plain (unquoted) scalar. */
export function pyYamlPlainScalarType(source: string): 'NoneType' | 'bool' | 'int' | 'float' | 'str' {
  if (/^(?:~|null|Null|NULL|)$/.test(source)) return 'NoneType';
  if (/^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/.test(source)) return 'bool';
  if (YAML_INT.test(source)) return 'int';
  if (YAML_FLOAT.test(source)) return 'float';
  return 'str';
}

/** A plain (unquoted) scalar as PyYAML resolves it, printed as Python's `str()` would; null → undefined. */
export function pyYamlPlainScalarToStr(source: string): string | undefined {
  switch (pyYamlPlainScalarType(source)) {
    case 'NoneType':
      return undefined;
    case 'bool':
      return /^(?:yes|true|on)$/i.test(source) ? 'True' : 'False';
    case 'int':
      return yamlInt(source).toString();
    case 'float':
      return pythonFloatRepr(yamlFloat(source));
    default:
      return source;
  }
}

const YAML_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const YAML_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

function yamlInt(source: string): bigint {
  let value = source.replace(/_/g, '');
  const sign = value.startsWith('-') ? -1n : 1n;
  if (value[0] === '-' || value[0] === '+') value = value.slice(1);
  if (value === '0') return 0n;
  if (value.startsWith('0b')) return sign * BigInt(`0b${value.slice(2)}`);
  if (value.startsWith('0x')) return sign * BigInt(`0x${value.slice(2)}`);
  if (value.startsWith('0')) return sign * BigInt(`0o${value.slice(1)}`);
  if (value.includes(':')) return sign * sexagesimal(value.split(':').map((part) => BigInt(part)));
  return sign * BigInt(value);
}

function yamlFloat(source: string): number {
  let value = source.replace(/_/g, '').toLowerCase();
  const sign = value.startsWith('-') ? -1 : 1;
  if (value[0] === '-' || value[0] === '+') value = value.slice(1);
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return NaN;
  if (value.includes(':')) {
    const parts = value.split(':').map(Number);
    return sign * parts.reduce((total, part) => total * 60 + part, 0);
  }
  return sign * Number(value);
}

const sexagesimal = (parts: bigint[]): bigint => parts.reduce((total, part) => total * 60n + part, 0n);

/**
 * Python's `repr(float)` (= `str(float)`): the shortest round-tripping digits, in positional
 * notation when the decimal exponent is in [-4, 16), else `1e-05` / `1.5e+20` style.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const sign = value < 0 ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const power = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
    return `${sign}${digits[0]}${fraction}e${power}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction || '0'}`;
}

/** Python's whitespace for `float()`/`int()`: str.strip() of ASCII and Unicode spaces. */
// eslint-disable-next-line no-control-regex
const trimPython = (text: string): string => text.replace(/^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/gu, '');

const DIGITS = '[0-9](?:_?[0-9])*';

/** What `float(text)` accepts (decimal literals with `_` between digits, inf, infinity, nan). */
export function isPythonFloat(text: string): boolean {
  const body = trimPython(text);
  const number = `(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][-+]?${DIGITS})?`;
  return new RegExp(`^[-+]?(?:${number}|inf|infinity|nan)$`, 'i').test(body);
}

/** What `int(text)` (base 10) accepts: optional sign, digits with single `_` between them. */
export function isPythonInt(text: string): boolean {
  return new RegExp(`^[-+]?${DIGITS}$`).test(trimPython(text));
}

/** `urllib.parse.urlsplit(text)`'s scheme and netloc (Python ≥ 3.11 rules; the query and fragment don't matter here). */
export function pythonUrlSplit(text: string): { scheme: string; netloc: string; path: string } {
  // eslint-disable-next-line no-control-regex
  let url = text.replace(/^[\u0000-\u0020]+/, '').replace(/[\t\r\n]/g, '');
  let scheme = '';
  const colon = url.indexOf(':');
  if (colon > 0 && /^[A-Za-z]/.test(url) && /^[A-Za-z0-9+\-.]+$/.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    url = url.slice(colon + 1);
  }
  let netloc = '';
  if (url.startsWith('//')) {
    const end = url.slice(2).search(/[/?#]/);
    netloc = end < 0 ? url.slice(2) : url.slice(2, end + 2);
    url = end < 0 ? '' : url.slice(end + 2);
  }
  const path = url.split(/[?#]/, 1)[0] ?? '';
  return { scheme, netloc, path };
}

/** `shlex.quote`: the string as one POSIX shell word. */
export function shlexQuote(text: string): string {
  if (text === '') return "''";
  if (!/[^\w@%+=:,./-]/.test(text)) return text;
  return `'${text.replace(/'/g, `'"'"'`)}'`;
}
