/**
 * A resolved stage dict turned into the Stage model, as dvc/stage/loader.py loads it: deps,
 * params merged per file (`_merge_params`: a wholly tracked file swallows its key entries),
 * outs/metrics/plots merged per path with their flags (`_merge_data`).
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { DvcDiagnostic, LockRecord, OutFlags, OutKind, ParamsDep, PathDep, Position, Stage, StageOut } from '../entities.js';
import { isDict, type PyDict, type PyValue } from '../pyValue.js';
import { diagnostic } from '../files/yamlFile.js';
import type { ResolvedStage } from './resolve.js';

const STAGE_KEYS = new Set(['cmd', 'wdir', 'deps', 'params', 'outs', 'metrics', 'plots', 'frozen', 'always_changed', 'desc', 'meta']);
const OUT_KINDS: readonly OutKind[] = ['outs', 'metrics', 'plots'];
export const DEFAULT_PARAMS_FILE = 'params.yaml';

export interface StageContext {
  /** Absolute DVC root. */
  readonly root: string;
  /** Absolute path of the dvc.yaml. */
  readonly filePath: string;
}

export class StageShapeError extends Error {
  constructor(
    message: string,
    readonly position?: Position,
  ) {
    super(message);
  }
}

/** POSIX path relative to the root, as `dvc status` prints it when run from the root. */
export function repoRelative(root: string, absPath: string): string {
  const rel = relative(root, absPath);
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return absPath;
  return sep === '/' ? rel : rel.split(sep).join('/');
}

export function stageAddress(repoFile: string, name: string): string {
  return repoFile === 'dvc.yaml' ? name : `${repoFile}:${name}`;
}

export function buildStage(resolved: ResolvedStage, context: StageContext, lock: LockRecord | undefined, diagnostics: DvcDiagnostic[]): Stage | undefined {
  const file = repoRelative(context.root, context.filePath);
  const fail = (message: string, position = resolved.position): undefined => {
    diagnostics.push(diagnostic(context.filePath, position, `stage '${resolved.name}': ${message}`));
    return undefined;
  };
  const data = resolved.data;
  const unknown = Object.keys(data).filter((k) => !STAGE_KEYS.has(k));
  if (unknown.length > 0) return fail(`unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}`);
  const cmd = data['cmd'];
  if (!(typeof cmd === 'string' || (Array.isArray(cmd) && cmd.every((c) => typeof c === 'string')))) return fail("'cmd' is required and must be a string or a list of strings");
  try {
    const paths = (value: PyValue | undefined, field: string): PathDep[] => pathDeps(value, field, resolved, context);
    return {
      address: stageAddress(file, resolved.name),
      kind: 'pipeline',
      name: resolved.name,
      ...(resolved.generatedFrom === undefined ? {} : { generatedFrom: resolved.generatedFrom }),
      file,
      position: resolved.position,
      cmd: cmd as string | string[],
      wdir: repoRelative(context.root, resolved.wdir).replace(/^\.$/, ''),
      deps: paths(data['deps'], 'deps'),
      params: paramsDeps(data['params'], resolved, context),
      outs: OUT_KINDS.flatMap((kind) => outputs(data[kind], kind, resolved, context)),
      frozen: data['frozen'] === true,
      alwaysChanged: data['always_changed'] === true,
      ...(typeof data['desc'] === 'string' ? { desc: data['desc'] } : {}),
      lock,
    };
  } catch (error) {
    if (!(error instanceof StageShapeError)) throw error;
    return fail(error.message, error.position);
  }
}

function listOf(value: PyValue | undefined, field: string, resolved: ResolvedStage): PyValue[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new StageShapeError(`'${field}' must be a list`, resolved.itemPosition(field, 0));
  return value;
}

function pathDeps(value: PyValue | undefined, field: string, resolved: ResolvedStage, context: StageContext): PathDep[] {
  const out = new Map<string, PathDep>();
  listOf(value, field, resolved).forEach((item, index) => {
    const position = resolved.itemPosition(field, index);
    if (typeof item !== 'string' || item === '') throw new StageShapeError(`'${field}' items must be paths`, position);
    if (!out.has(item)) out.set(item, locate(item, resolved.wdir, context.root, position));
  });
  return [...out.values()];
}

function locate(defPath: string, wdir: string, root: string, position: Position): PathDep {
  const absPath = resolve(wdir, defPath);
  return { defPath, absPath, repoPath: repoRelative(root, absPath), position };
}

function paramsDeps(value: PyValue | undefined, resolved: ResolvedStage, context: StageContext): ParamsDep[] {
  const items = listOf(value, 'params', resolved);
  const whole = new Set<string>();
  for (const item of items) if (isDict(item)) for (const [k, v] of Object.entries(item)) if (v === null || (Array.isArray(v) && v.length === 0)) whole.add(k);
  const merged = new Map<string, { keys: string[]; position: Position }>();
  const entry = (file: string, position: Position): string[] => {
    if (!merged.has(file)) merged.set(file, { keys: [], position });
    return merged.get(file)!.keys;
  };
  items.forEach((item, index) => {
    const position = resolved.itemPosition('params', index);
    if (typeof item === 'string') {
      if (!whole.has(DEFAULT_PARAMS_FILE)) entry(DEFAULT_PARAMS_FILE, position).push(item);
      return;
    }
    if (!isDict(item)) throw new StageShapeError("'params' items must be keys or {file: [keys]}", position);
    for (const [file, keys] of Object.entries(item)) {
      const list = entry(file, position);
      if (whole.has(file)) continue;
      if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw new StageShapeError(`expected a list of params for '${file}'`, position);
      list.push(...(keys as string[]));
    }
  });
  return [...merged].map(([file, { keys, position }]) => {
    const located = locate(file, resolved.wdir, context.root, position);
    return { ...located, keys: whole.has(file) ? [] : [...new Set(keys)] };
  });
}

function outputs(value: PyValue | undefined, kind: OutKind, resolved: ResolvedStage, context: StageContext): StageOut[] {
  const merged = new Map<string, { flags: PyDict; position: Position }>();
  listOf(value, kind, resolved).forEach((item, index) => {
    const position = resolved.itemPosition(kind, index);
    if (typeof item === 'string') {
      if (!merged.has(item)) merged.set(item, { flags: {}, position });
      return;
    }
    if (!isDict(item)) throw new StageShapeError(`'${kind}' items must be paths or {path: flags}`, position);
    for (const [path, flags] of Object.entries(item)) {
      if (!isDict(flags) && !(kind === 'plots' && flags === null)) throw new StageShapeError(`expected flags for '${path}'`, position);
      const existing = merged.get(path);
      if (existing) Object.assign(existing.flags, flags ?? {});
      else merged.set(path, { flags: { ...(flags ?? {}) }, position });
    }
  });
  return [...merged].map(([path, { flags, position }]) => ({
    ...locate(path, resolved.wdir, context.root, position),
    kind,
    flags: outFlags(flags),
    ...(kind === 'plots' ? { plot: plotProps(flags) } : {}),
  }));
}

/** dvc/schema.py PLOT_PROPS: the keys of a plots out that describe the plot, not the out. */
const PLOT_PROPS = ['template', 'x', 'y', 'x_label', 'y_label', 'title', 'header'];

function plotProps(flags: PyDict): PyDict {
  return Object.fromEntries(PLOT_PROPS.filter((k) => k in flags).map((k) => [k, flags[k]!]));
}

export function outFlags(flags: PyDict): OutFlags {
  return {
    cache: flags['cache'] !== false,
    persist: flags['persist'] === true,
    push: flags['push'] !== false,
    ...(typeof flags['remote'] === 'string' ? { remote: flags['remote'] } : {}),
  };
}
