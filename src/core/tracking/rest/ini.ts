/**
 * The INI dialect of Python's `configparser.ConfigParser()` with its defaults, enough to read
 * ~/.mlflow/credentials as MLflow does: `=` or `:` delimiters, lower-cased keys, stripped values,
 * whole-line `#`/`;` comments, indented continuation lines, a DEFAULT section every section
 * inherits, duplicates refused (strict), and BasicInterpolation (`%%`, `%(key)s`) when read.
 */
import { TrackingError } from '../errors.js';

export interface IniSection {
  /** The interpolated value of `key` (case-insensitive), or undefined. */
  get(key: string): string | undefined;
}

export interface IniFile {
  /** Section names are case-sensitive, as in configparser. */
  get(section: string): IniSection | undefined;
}

const DEFAULT_SECTION = 'DEFAULT';
const MAX_INTERPOLATION_DEPTH = 10;

export function parseIni(text: string, fileName: string): IniFile {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  let lastIndent = 0;
  let blanks = 0;
  const fail = (line: number, why: string): TrackingError => new TrackingError('invalid-argument', `${fileName}, line ${line}: ${why}`, fileName);

  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const line = index + 1;
    const stripped = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    if (stripped === '' || stripped.startsWith('#') || stripped.startsWith(';')) {
      if (stripped === '') blanks++;
      return;
    }
    // An indented line continues the value above it, blank lines in between included.
    if (current && lastKey !== undefined && indent > lastIndent) {
      current.set(lastKey, `${current.get(lastKey)}${'\n'.repeat(blanks + 1)}${stripped}`);
      blanks = 0;
      return;
    }
    blanks = 0;
    const header = /^\[(.+)\]/.exec(stripped);
    if (header) {
      const name = header[1]!;
      if (sections.has(name)) throw fail(line, `section '${name}' already exists`);
      current = new Map();
      sections.set(name, current);
      lastKey = undefined;
      return;
    }
    if (!current) throw fail(line, 'file contains no section headers');
    const option = /^(.*?)\s*[=:]\s*(.*)$/.exec(stripped);
    if (!option || option[1] === '') throw fail(line, `cannot parse '${stripped}'`);
    const key = option[1]!.toLowerCase();
    if (current.has(key)) throw fail(line, `option '${key}' already exists`);
    current.set(key, option[2]!);
    lastKey = key;
    lastIndent = indent;
  });

  const defaults = sections.get(DEFAULT_SECTION) ?? new Map<string, string>();
  return {
    get(name) {
      const section = sections.get(name);
      if (!section) return undefined;
      const lookup = (key: string): string | undefined => section.get(key) ?? defaults.get(key);
      return { get: (key) => interpolate(lookup, key.toLowerCase(), fileName, 1) };
    },
  };
}

/** configparser's BasicInterpolation: `%%` is `%`, `%(name)s` another key; a lone `%` is an error. */
function interpolate(lookup: (key: string) => string | undefined, key: string, fileName: string, depth: number): string | undefined {
  const value = lookup(key)?.trimEnd();
  if (value === undefined) return undefined;
  if (depth > MAX_INTERPOLATION_DEPTH) throw new TrackingError('invalid-argument', `${fileName}: interpolation of '${key}' is too deep`, fileName);
  return value.replace(/%(%|\(([^)]*)\)s|.?)/g, (match, what: string, name: string | undefined) => {
    if (what === '%') return '%';
    if (name !== undefined) {
      const replacement = interpolate(lookup, name.toLowerCase(), fileName, depth + 1);
      if (replacement !== undefined) return replacement;
      throw new TrackingError('invalid-argument', `${fileName}: '${key}' refers to '${name}', which is not set`, fileName);
    }
    throw new TrackingError('invalid-argument', `${fileName}: '%' must be followed by '%' or '(name)s' in '${key}' (write %% for a percent sign)`, fileName);
  });
}
