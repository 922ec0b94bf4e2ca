/**
 * Params and metrics files as DVC's `load_path` reads them (dvc/utils/serialize): the loader is
 * picked by suffix (.json, .toml, .py; anything else YAML), a file that loads as nothing is `{}`,
 * and a file that cannot be read fails with the exception type DVC names in its JSON output
 * (`YAMLFileCorruptedError`, `JSONFileCorruptedError`, `TOMLFileCorruptedError`,
 * `PythonFileCorruptedError`, `EncodingError`, `FileNotFoundError`). Messages say plainly which
 * file and where.
 */
import { extname } from 'node:path';
import { parse as parseToml, TomlDate, TomlError } from 'smol-toml';
import type { PyDict, PyValue } from '../pyValue.js';
import { isDict } from '../pyValue.js';
import { parsePythonJson, JsonSyntaxError } from './pythonJson.js';
import { parsePythonParams, PythonSyntaxError } from './pythonParams.js';
import type { FileText } from './repoFiles.js';
import { loadYaml } from './yamlFile.js';

export type ValuesFormat = 'yaml' | 'json' | 'toml' | 'py';

export type ValuesErrorType = 'YAMLFileCorruptedError' | 'JSONFileCorruptedError' | 'TOMLFileCorruptedError' | 'PythonFileCorruptedError' | 'EncodingError' | 'FileNotFoundError';

/** Why a params or metrics file could not be read; `type` is DVC's exception name for the case. */
export class ValuesFileError extends Error {
  constructor(
    readonly type: ValuesErrorType,
    message: string,
    /** Where in the file its parser stopped, when it says. */
    readonly at?: { readonly line: number; readonly column: number },
  ) {
    super(message);
  }
}

const FORMAT_NAMES: Record<ValuesFormat, [string, ValuesErrorType]> = {
  yaml: ['YAML', 'YAMLFileCorruptedError'],
  json: ['JSON', 'JSONFileCorruptedError'],
  toml: ['TOML', 'TOMLFileCorruptedError'],
  py: ['Python', 'PythonFileCorruptedError'],
};

/** DVC picks the loader by suffix: .json, .toml, .py, anything else YAML. */
export function valuesFormat(path: string): ValuesFormat {
  const ext = extname(path).toLowerCase();
  return ext === '.json' ? 'json' : ext === '.toml' ? 'toml' : ext === '.py' ? 'py' : 'yaml';
}

/**
 * The values of a file (`displayPath` is how messages name it). Throws ValuesFileError.
 * `undefined` content means there is no such file.
 */
export function parseValues(displayPath: string, file: FileText | undefined): PyValue {
  if (file?.oid === undefined || file.text.length > MEMO_MAX_TEXT) return parseFresh(displayPath, file);
  // Content-addressed (a git blob, a DVC cache object): the many commits that share a file parse it once.
  const key = `${displayPath}\0${file.oid}`;
  let memo = parsed.get(key);
  if (memo) parsed.delete(key);
  else {
    try {
      memo = { value: parseFresh(displayPath, file) };
    } catch (error) {
      if (!(error instanceof ValuesFileError)) throw error;
      memo = { error };
    }
  }
  parsed.set(key, memo);
  if (parsed.size > MEMO_ENTRIES) parsed.delete(parsed.keys().next().value!);
  if (memo.error) throw memo.error;
  // Callers may merge into what they get (templating contexts do): each gets its own copy.
  return structuredClone(memo.value!);
}

/** Parsed files by content key, most recently used last. */
const parsed = new Map<string, { value?: PyValue; error?: ValuesFileError }>();
const MEMO_ENTRIES = 4096;
const MEMO_MAX_TEXT = 1 << 20;

function parseFresh(displayPath: string, file: FileText | undefined): PyValue {
  if (file === undefined) throw new ValuesFileError('FileNotFoundError', `No such file or directory: '${displayPath}'`);
  if (!file.utf8) throw new ValuesFileError('EncodingError', `unable to read: '${displayPath}', is not valid utf-8`);
  const format = valuesFormat(displayPath);
  try {
    const value = parseByFormat(format, displayPath, file.text);
    return falsy(value) ? {} : value;
  } catch (error) {
    if (error instanceof ValuesFileError) throw error;
    const [name, type] = FORMAT_NAMES[format];
    const detail = error instanceof JsonSyntaxError || error instanceof PythonSyntaxError || error instanceof TomlError ? `: ${firstLine((error as Error).message)}` : '';
    if (detail === '' && !(error instanceof YamlSyntax)) throw error;
    throw new ValuesFileError(type, `unable to read: '${displayPath}', ${name} file structure is corrupted${detail || (error as YamlSyntax).detail}`, errorPosition(error));
  }
}

class YamlSyntax extends Error {
  constructor(
    readonly detail: string,
    readonly at: { readonly line: number; readonly column: number } | undefined,
  ) {
    super(detail);
  }
}

/** The line (and column) a parser's error names, so the problem is shown where it is. */
function errorPosition(error: unknown): { line: number; column: number } | undefined {
  if (error instanceof YamlSyntax) return error.at;
  if (error instanceof JsonSyntaxError) return { line: error.line, column: error.column };
  if (error instanceof PythonSyntaxError) return { line: error.line, column: 1 };
  if (error instanceof TomlError) return { line: error.line, column: error.column };
  return undefined;
}

function parseByFormat(format: ValuesFormat, path: string, text: string): PyValue {
  if (format === 'json') return parsePythonJson(text);
  if (format === 'py') return parsePythonParams(text);
  if (format === 'toml') return fromToml(parseToml(text, { integersAsBigInt: true }) as unknown);
  const loaded = loadYaml(path, text);
  if (!loaded.value) {
    const first = loaded.diagnostics[0];
    throw new YamlSyntax(first ? `: ${first.message.replace(/^YAML: /, '')} (line ${first.line}, column ${first.column})` : '', first ? { line: first.line, column: first.column } : undefined);
  }
  return loaded.value.value;
}

/** `loader(...) or {}`: Python's falsy values load as an empty dict. */
function falsy(value: PyValue): boolean {
  if (value === null || value === false || value === '' || value === 0 || value === 0n) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isDict(value) && Object.keys(value).length === 0;
}

/** tomlkit's `unwrap()`: plain dicts and lists; dates as the ISO strings DVC's JSON writes for them. */
function fromToml(value: unknown): PyValue {
  if (value instanceof TomlDate) return tomlDate(value);
  if (Array.isArray(value)) return value.map(fromToml);
  if (typeof value === 'object' && value !== null) {
    const out: PyDict = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: fromToml(v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value as PyValue;
}

function tomlDate(date: TomlDate): string {
  const text = date.toISOString().replace('.000', '');
  return date.isDate() || date.isTime() || date.isLocal() ? text : text.replace(/Z$/, '+00:00');
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
