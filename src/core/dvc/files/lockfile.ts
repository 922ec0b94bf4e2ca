/**
 * dvc.lock (schema '2.0', dvc/schema.py LOCKFILE_SCHEMA) and the out/dep records shared with
 * `.dvc` files. A record with `hash: md5` is a DVC 3 hash; an `md5` with no `hash` key is a DVC 2
 * record, which DVC 3 reads as `md5-dos2unix` (dvc/output.py `_compute_hash_info_from_meta`).
 */
import type { DvcDiagnostic, HashRecord, LockRecord } from '../entities.js';
import { isDict, type PyDict, type PyValue } from '../pyValue.js';
import { CORE_SCHEMA, load as loadFast } from 'js-yaml';
import { diagnostic, loadYaml } from './yamlFile.js';

export interface Lockfile {
  readonly stages: ReadonlyMap<string, LockRecord>;
}

/**
 * Checked against DVC's LOCKFILE_SCHEMA (dvc/schema.py) the way `dvc status` checks it, with its
 * words ("'dvc.lock' validation failed: required key not provided, in schema"): an empty file
 * is no lock file to DVC but an invalid one. Stage records that pass are kept for the views.
 */
export function parseLockfile(path: string, text: string): { lock: Lockfile | undefined; diagnostics: DvcDiagnostic[] } {
  return wellFormed(text) ?? parseWithPositions(path, text);
}

/**
 * The common case first: a dvc.lock as DVC writes it, read by a parser several times faster than
 * the position-keeping one (every experiment commit has its own dvc.lock). Anything unusual — a
 * syntax error, another shape — goes to the full parse, which says where the problem is.
 */
function wellFormed(text: string): { lock: Lockfile; diagnostics: DvcDiagnostic[] } | undefined {
  // DVC never writes anchors, aliases or tags: a file with any goes to the full parser, whose alias
  // limits bound a YAML bomb (js-yaml shares aliased nodes, and walking them could still explode).
  if (/(^|[\s[{,:-])[&*!][^\s]/m.test(text)) return undefined;
  let value: unknown;
  try {
    value = loadFast(text, { schema: CORE_SCHEMA, json: true });
  } catch {
    return undefined;
  }
  // Only what the full parse would pass whole: anything it reports goes to it, to be reported at its line.
  if (!isDict(value) || value['schema'] !== '2.0' || !isDict(value['stages'])) return undefined;
  if (Object.keys(value).some((key) => !LOCK_KEYS.has(key))) return undefined;
  const stages = new Map<string, LockRecord>();
  for (const [name, entry] of Object.entries(value['stages'] as PyDict)) {
    if (!isDict(entry) || !('cmd' in entry)) return undefined;
    stages.set(name, lockRecord(entry));
  }
  return { lock: { stages }, diagnostics: [] };
}

function parseWithPositions(path: string, text: string): { lock: Lockfile | undefined; diagnostics: DvcDiagnostic[] } {
  const loaded = loadYaml(path, text);
  const diagnostics = [...loaded.diagnostics];
  const file = loaded.value;
  if (!file) return { lock: undefined, diagnostics };
  const invalid = (keys: readonly (string | number)[], problem: string, at = file.positionOf(keys)): void => {
    diagnostics.push(diagnostic(path, at, `'dvc.lock' validation failed: ${problem}${keys.length > 0 ? `, in ${keys.join(' -> ')}` : ''}`));
  };
  // DVC reads an empty or null document as {} (strictyaml.load: `or {}`).
  const value = file.value ?? {};
  if (!isDict(value)) {
    invalid([], 'expected a dictionary');
    return { lock: undefined, diagnostics };
  }
  for (const key of Object.keys(value)) if (!LOCK_KEYS.has(key)) invalid([key], 'extra keys not allowed', file.keyPositionOf([key]));
  if (!('schema' in value)) invalid(['schema'], 'required key not provided', { line: 1, column: 1 });
  else if (value['schema'] !== '2.0') invalid(['schema'], 'invalid schema version');
  if (diagnostics.length > loaded.diagnostics.length) return { lock: undefined, diagnostics };
  const stages = new Map<string, LockRecord>();
  const raw = value['stages'];
  if (raw !== undefined && !isDict(raw)) invalid(['stages'], 'expected a dictionary');
  if (isDict(raw)) {
    for (const [name, entry] of Object.entries(raw)) {
      if (!isDict(entry)) invalid(['stages', name], 'expected a dictionary');
      else if (!('cmd' in entry)) invalid(['stages', name, 'cmd'], 'required key not provided', file.positionOf(['stages', name]));
      else stages.set(name, lockRecord(entry));
    }
  }
  return { lock: { stages }, diagnostics };
}

/** The top-level keys LOCKFILE_SCHEMA allows. */
const LOCK_KEYS: ReadonlySet<string> = new Set(['schema', 'datasets', 'stages']);

export function lockRecord(entry: PyDict): LockRecord {
  const params = new Map<string, PyDict>();
  const rawParams = entry['params'];
  if (isDict(rawParams)) for (const [file, values] of Object.entries(rawParams)) if (isDict(values)) params.set(file, values);
  return {
    cmd: entry['cmd'] as string | string[] | undefined,
    deps: recordsByPath(entry['deps']),
    outs: recordsByPath(entry['outs']),
    params,
  };
}

export function recordsByPath(list: PyValue | undefined): Map<string, HashRecord> {
  const out = new Map<string, HashRecord>();
  if (!Array.isArray(list)) return out;
  for (const item of list) if (isDict(item) && typeof item['path'] === 'string') out.set(item['path'], hashRecord(item));
  return out;
}

export function hashRecord(item: PyDict): HashRecord {
  const algorithm = item['hash'] === undefined || item['hash'] === null ? 'md5-dos2unix' : 'md5';
  const md5 = item['md5'];
  const record: { -readonly [K in keyof HashRecord]: HashRecord[K] } = { algorithm, hash: typeof md5 === 'string' && md5 !== '' ? md5 : undefined };
  const size = asNumber(item['size']);
  const nfiles = asNumber(item['nfiles']);
  if (size !== undefined) record.size = size;
  if (nfiles !== undefined) record.nfiles = nfiles;
  if (item['isexec'] === true) record.isexec = true;
  return record;
}

function asNumber(value: PyValue | undefined): number | undefined {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  return undefined;
}
