/**
 * Params status as dvc/dependency/param.py `workspace_status` decides it: no recorded values →
 * `new`; no params file → `deleted`; else per key (dotted path into the file, or every top-level
 * key when the whole file is tracked): missing now → `deleted`, missing from the lock → `new`,
 * different by Python's `==` → `modified`.
 */
import type { DvcDiagnostic, ParamChange, ParamsDep } from '../entities.js';
import { getDotted, isDict, pyEquals, toJson, type PyDict, type PyValue } from '../pyValue.js';

/** The current file contents, or why it can't be read (at the file's own lines). */
export type ParamsFileState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'ok'; readonly value: PyValue }
  | { readonly kind: 'unreadable'; readonly message: string; readonly diagnostics: readonly DvcDiagnostic[] };

export interface ParamsStatus {
  /** The `changed deps` value for this file: "new"/"deleted", or key → state. */
  readonly json: string | Record<string, string> | undefined;
  readonly changes: ParamChange[];
}

/** Lock values a dep carries (`fill_values`): tracked keys only, or all when the whole file is. */
export function recordedValues(dep: ParamsDep, lockValues: PyDict | undefined): PyDict | undefined {
  if (lockValues === undefined) return undefined;
  if (dep.keys.length === 0) return { ...lockValues };
  const out: PyDict = {};
  for (const key of dep.keys) if (Object.prototype.hasOwnProperty.call(lockValues, key)) out[key] = lockValues[key]!;
  return out;
}

export function paramsStatus(dep: ParamsDep, recorded: PyDict | undefined, file: ParamsFileState): ParamsStatus {
  if (file.kind === 'missing') return { json: 'deleted', changes: [{ file: dep.repoPath, key: undefined, state: 'deleted' }] };
  if (recorded === undefined) return { json: 'new', changes: [{ file: dep.repoPath, key: undefined, state: 'new' }] };
  if (file.kind === 'unreadable') return { json: undefined, changes: [] };
  const actual = currentValues(dep, file.value);
  const keys = dep.keys.length > 0 ? dep.keys : [...new Set([...Object.keys(actual), ...Object.keys(recorded)])];
  const json: Record<string, string> = {};
  const changes: ParamChange[] = [];
  for (const key of keys) {
    const has = Object.prototype.hasOwnProperty;
    const now = has.call(actual, key) ? actual[key] : undefined;
    const before = has.call(recorded, key) ? recorded[key] : undefined;
    let state: ParamChange['state'] | undefined;
    if (now === undefined) state = 'deleted';
    else if (before === undefined) state = 'new';
    else if (!pyEquals(now, before)) state = 'modified';
    if (!state) continue;
    json[key] = state;
    changes.push({
      file: dep.repoPath,
      key,
      state,
      ...(before === undefined ? {} : { old: toJson(before) }),
      ...(now === undefined ? {} : { new: toJson(now) }),
    });
  }
  return { json: changes.length > 0 ? json : undefined, changes };
}

function currentValues(dep: ParamsDep, value: PyValue): PyDict {
  if (dep.keys.length === 0) return isDict(value) ? value : {};
  const out: PyDict = {};
  for (const key of dep.keys) {
    const found = getDotted(value, key);
    if (found !== undefined) out[key] = found;
  }
  return out;
}
