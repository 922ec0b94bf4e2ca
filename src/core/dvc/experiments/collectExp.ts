/**
 * One revision's row of `dvc exp show` (SerializableExp.from_repo, dvc/repo/experiments/
 * serialize.py): every params file (stage params deps, top-level `params:`, the root params.yaml)
 * with the keys tracked or the whole file, every metrics file (stage metrics and top-level
 * `metrics:`, directories expanded) with non-numeric values dropped, and the deps and outs with
 * the hash, size and file count their dvc.lock or `.dvc` file records. A file that cannot be read
 * is an `error` on that file; a pipeline that cannot be loaded is an error on the whole row.
 */
import { dirname, posix, relative, sep } from 'node:path';
import type { Stage } from '../entities.js';
import type { Snapshot } from '../load.js';
import { isDict, type PyDict, type PyValue } from '../pyValue.js';
import { parseValues, ValuesFileError } from '../files/values.js';
import { type DvcView } from './dvcView.js';
import type { ExpDep, ExpOut, FileResult, SerializableError, SerializableExp } from './model.js';
import { searchKeys } from './keyPaths.js';
import { jsonValue } from './jsonValue.js';

export const DEFAULT_PARAMS_FILE = 'params.yaml';

/** A row that cannot be collected at all (DVC's exception while building the index). */
export class RowError extends Error {
  constructor(readonly error: SerializableError) {
    super(error.msg);
  }
}

export async function collectExp(snapshot: Snapshot, view: DvcView, rev: string, timestamp: string | null): Promise<SerializableExp> {
  const failure = snapshot.diagnostics.find((d) => d.severity === 'error');
  if (failure) throw new RowError({ type: errorType(failure.message), msg: `${relativePath(snapshot.root, failure.file)}:${failure.line}: ${failure.message}` });
  const [params, metrics] = await Promise.all([collectParams(snapshot, view), collectMetrics(snapshot, view)]);
  return { rev, timestamp, params, metrics, deps: collectDeps(snapshot), outs: collectOuts(snapshot), meta: {} };
}

/** DVC's exception names for what stops it loading a revision's pipeline. */
function errorType(message: string): string {
  const corrupted = /\b(YAML|JSON|TOML|Python) file structure is corrupted/.exec(message);
  if (corrupted) return `${corrupted[1]}FileCorruptedError`;
  if (message.startsWith('YAML:')) return 'YAMLSyntaxError';
  if (/dvc\.lock/.test(message)) return 'LockfileCorruptedError';
  if (/failed to parse/.test(message)) return 'ResolveError';
  return 'DvcException';
}

async function collectParams(snapshot: Snapshot, view: DvcView): Promise<Record<string, FileResult>> {
  const entries: [string, string[]][] = [];
  for (const stage of snapshot.stages) for (const dep of stage.params) entries.push([relativePath(snapshot.root, dep.absPath), [...dep.keys]]);
  for (const pipeline of snapshot.pipelines) for (const file of pipeline.params) entries.push([joinRepo(pipeline.file, file), []]);
  if ((await view.read(DEFAULT_PARAMS_FILE)) !== undefined) entries.push([DEFAULT_PARAMS_FILE, []]);
  const files = mergeParams(entries);
  const expanded = await expand(view, [...files.keys()], files);
  const results = await Promise.all(expanded.map(([path, keys]) => readFileResult(view, path, (value) => (keys.length === 0 ? value : searchKeys(value, keys)))));
  return Object.fromEntries(expanded.map(([path], i) => [path, results[i]!]));
}

/** `_merge_params`: a file tracked whole (an entry with no keys) takes no key list. */
function mergeParams(entries: readonly [string, string[]][]): Map<string, string[]> {
  const whole = new Set(entries.filter(([, keys]) => keys.length === 0).map(([file]) => file));
  const merged = new Map<string, string[]>();
  for (const [file, keys] of entries) {
    const list = merged.get(file) ?? [];
    merged.set(file, whole.has(file) ? [] : [...list, ...keys]);
  }
  return merged;
}

async function collectMetrics(snapshot: Snapshot, view: DvcView): Promise<Record<string, FileResult>> {
  const paths: string[] = [];
  for (const stage of snapshot.stages) for (const out of stage.outs) if (out.kind === 'metrics') paths.push(relativePath(snapshot.root, out.absPath));
  for (const pipeline of snapshot.pipelines) for (const file of pipeline.metrics) paths.push(joinRepo(pipeline.file, file));
  const expanded = await expand(view, [...new Set(paths)]);
  const results = await Promise.all(expanded.map(([path]) => readFileResult(view, path, (value) => extractMetrics(value) ?? {})));
  return Object.fromEntries(expanded.map(([path], i) => [path, results[i]!]));
}

/** `try_expand_paths`: a directory stands for every file below it. */
async function expand(view: DvcView, paths: readonly string[], keys?: ReadonlyMap<string, string[]>): Promise<[string, string[]][]> {
  const dirs = await Promise.all(paths.map((path) => view.isDir(path)));
  const out: [string, string[]][] = [];
  for (const [i, path] of paths.entries()) {
    const own = keys?.get(path) ?? [];
    if (dirs[i]) for (const file of await view.find(path)) out.push([file, own]);
    else out.push([path, own]);
  }
  return out;
}

async function readFileResult(view: DvcView, path: string, shape: (value: PyValue) => PyValue): Promise<FileResult> {
  try {
    return { data: jsonValue(shape(parseValues(path, await view.read(path)))) };
  } catch (error) {
    if (!(error instanceof ValuesFileError)) throw error;
    const why = error.type === 'FileNotFoundError' ? view.whyMissing(path) : undefined;
    return { error: { type: error.type, msg: why ? `${error.message}: ${why}` : error.message } };
  }
}

/** `_extract_metrics`: numbers and strings (bools are ints to Python), dicts of them; the rest dropped. */
export function extractMetrics(value: PyValue): PyValue | undefined {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (!isDict(value)) return undefined;
  const out: PyDict = {};
  for (const [key, item] of Object.entries(value)) {
    const kept = extractMetrics(item);
    if (kept !== undefined && !(isDict(kept) && Object.keys(kept).length === 0)) Object.defineProperty(out, key, { value: kept, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function collectDeps(snapshot: Snapshot): Record<string, ExpDep> {
  const out: Record<string, ExpDep> = {};
  for (const stage of snapshot.stages) {
    for (const dep of stage.deps) {
      if (dep.external) continue;
      const record = stage.lock?.deps.get(dep.defPath);
      out[relativePath(snapshot.root, dep.absPath)] = { hash: record?.hash ?? null, size: record?.size ?? null, nfiles: record?.nfiles ?? null };
    }
  }
  return out;
}

function collectOuts(snapshot: Snapshot): Record<string, ExpOut> {
  const out: Record<string, ExpOut> = {};
  for (const stage of snapshot.stages) {
    for (const item of stage.outs) {
      if (item.kind !== 'outs') continue;
      const record = stage.lock?.outs.get(item.defPath);
      out[relativePath(snapshot.root, item.absPath)] = {
        hash: record?.hash ?? null,
        size: record?.size ?? null,
        nfiles: record?.nfiles ?? null,
        use_cache: item.flags.cache,
        is_data_source: isDataSource(stage),
      };
    }
  }
  return out;
}

/** `Stage.is_data_source`: a stage with no command (`dvc add`, `dvc import`). */
function isDataSource(stage: Stage): boolean {
  return stage.cmd === undefined;
}

/** `os.path.relpath(path, root)` in POSIX form (`../x` for a path outside the root). */
export function relativePath(root: string, path: string): string {
  const rel = relative(root, path) || '.';
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** A path written in a dvc.yaml, relative to the root (`normpath(join(wdir, file))`). */
function joinRepo(dvcFile: string, file: string): string {
  return posix.normalize(posix.join(dirname(dvcFile).split(sep).join('/'), file.split('\\').join('/')));
}
