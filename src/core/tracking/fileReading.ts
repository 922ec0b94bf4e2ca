import type { Dirent } from 'node:fs';
import { opendirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { TrackingError } from './errors.js';
import type { KeyValue } from './entities.js';

/**
 * Reading MLflow's file-store conventions: YAML written by PyYAML, one file per key. These reads
 * are synchronous on purpose: a run is ~30 small files, and async I/O per file costs more than
 * the read itself. Callers read a run at a time and yield to the event loop between runs
 * (../util/cooperative.ts), so a big store never blocks the extension host for long.
 */

export type Yaml = Record<string, unknown>;

/** Params and tags: one file per key, the whole file is the value; `/` in a key makes folders. */
export function readKeyValues(dir: string): KeyValue[] | undefined {
  const keys = filesUnder(dir);
  if (keys.length === 0) return undefined;
  return keys.map((key) => ({ key, value: readFileSync(join(dir, key), 'utf8') }));
}

/**
 * Relative POSIX paths of every file below `dir`, in the order Python's os.walk yields them (the
 * folder's files in directory order, then each sub-folder's, recursively): MLflow lists params,
 * tags and metrics in that order, so ours match it entry for entry. None when `dir` is absent.
 */
export function filesUnder(dir: string, prefix = ''): string[] {
  const entries = entriesInDirectoryOrder(dir);
  const files: string[] = [];
  for (const entry of entries) if (entry.isFile()) files.push(prefix + entry.name);
  for (const entry of entries) if (entry.isDirectory()) files.push(...filesUnder(join(dir, entry.name), `${prefix}${entry.name}/`));
  return files;
}

/** Sub-folder names in directory order. */
export function subdirectories(dir: string): string[] {
  return entriesInDirectoryOrder(dir)
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
}

/**
 * The entries of `dir` in the order the file system returns them, as Python's os.scandir and
 * os.listdir do (Node's readdir sorts them: libuv's scandir applies alphasort).
 */
function entriesInDirectoryOrder(dir: string): Dirent[] {
  let handle;
  try {
    handle = opendirSync(dir, { bufferSize: 256 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
  const entries: Dirent[] = [];
  try {
    for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) entries.push(entry);
  } finally {
    handle.closeSync();
  }
  return entries;
}

export function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

export function readYaml(path: string): Yaml {
  const text = readFileSync(path, 'utf8');
  let value: unknown;
  try {
    value = parseFlatYaml(text) ?? parseYaml(text, { version: '1.1' });
  } catch (error) {
    throw new TrackingError('corrupt-entity', `${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, path, { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TrackingError('corrupt-entity', `${path} is empty or not a mapping (half-written?)`, path);
  }
  return value as Yaml;
}

const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_]*): ?(.*)$/;
/** Words YAML 1.1 reads as booleans or null, as keys or values. */
const SPECIAL_WORDS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE|null|Null|NULL|~)$/;

/**
 * The fast path for what MLflow writes in meta.yaml (PyYAML safe_dump of a flat dict): one
 * `key: scalar` per line. Returns undefined for anything else (nested maps, block scalars,
 * continuation lines, YAML 1.1 scalars whose meaning needs the full parser: yes/no/on/off,
 * floats, octal or hex), which then goes to the `yaml` package, read as YAML 1.1 like PyYAML.
 */
export function parseFlatYaml(text: string): Yaml | undefined {
  const out: Yaml = {};
  let keys = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const match = KEY_LINE.exec(line);
    if (!match || SPECIAL_WORDS.test(match[1]!)) return undefined;
    const value = flatScalar(match[2]!);
    if (value === UNSURE) return undefined;
    out[match[1]!] = value;
    keys++;
  }
  return keys > 0 ? out : undefined;
}

const UNSURE = Symbol('unsure');

function flatScalar(raw: string): unknown {
  if (raw === '' || raw === 'null' || raw === '~') return null;
  if (raw === '[]') return [];
  if (raw === '{}') return {};
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw.startsWith("'")) {
    // A single-quoted scalar on one line: '' is a quote, nothing else is special.
    if (raw.length < 2 || !raw.endsWith("'")) return UNSURE;
    const body = raw.slice(1, -1);
    if (/'(?!')/.test(body.replaceAll("''", ''))) return UNSURE;
    return body.replaceAll("''", "'");
  }
  if (/^-?(0|[1-9][0-9]*)$/.test(raw)) {
    const number = Number(raw);
    return Number.isSafeInteger(number) ? number : UNSURE;
  }
  // Plain scalars PyYAML leaves unquoted that are strings in YAML 1.1 too (names, ids, URIs).
  if (raw.includes(': ') || raw.includes(' #') || raw.endsWith(' ') || raw.endsWith(':')) return UNSURE;
  if (/^[A-Za-z0-9/_][\w./:@+ -]*$/.test(raw) && !SPECIAL_WORDS.test(raw) && !/^[-+]?([0-9][0-9_]*)?(\.[0-9_]*)?([eE][-+]?[0-9]+)?$/.test(raw) && !/^0[0-7_]+$|^0x|^0b|:[0-5]?[0-9]$/.test(raw)) {
    return raw;
  }
  return UNSURE;
}

